// A split given as image files with labels, and the file/folder helpers the list formats share.
#include "datasets/labelled_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

namespace fs = std::filesystem;

namespace clipbench::datasets {

LabelledFiles::LabelledFiles(std::string dataset, std::string source,
                             std::vector<std::string> classes, std::vector<LabelledFile> files)
    : dataset_(std::move(dataset)),
      source_(std::move(source)),
      classes_(std::move(classes)),
      files_(std::move(files)) {
  const auto n = static_cast<int64_t>(classes_.size());
  for (const auto& f : files_) {
    if (f.label < 0 || f.label >= n) {
      throw DatasetError(fmt::format("{}: {}: label {} is outside the class range [0, {})",
                                     dataset_, f.origin, f.label, n));
    }
  }
}

Sample LabelledFiles::get(size_t index) const {
  if (index >= files_.size()) {
    throw DatasetError(fmt::format("{}: sample index {} is outside [0, {}) of {}", dataset_, index,
                                   files_.size(), source_));
  }
  const LabelledFile& f = files_[index];
  std::error_code ec;
  if (!fs::is_regular_file(f.path, ec)) {
    throw DatasetError(
        fmt::format("{}: {} names the image {}, which does not exist", dataset_, f.origin, f.path));
  }
  Sample s;
  s.name = f.path;
  s.path = f.path;
  s.label = f.label;
  return s;
}

std::string dataset_name(const OpenRequest& request, const std::string& format) {
  return request.dataset.empty() ? format : request.dataset;
}

void require_directory(const std::string& dataset, const std::string& path,
                       const std::string& what) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    throw DatasetError(
        fmt::format("{}: {} {} does not exist (expected a folder)", dataset, what, path));
  }
}

std::vector<TextLine> read_text_lines(const std::string& dataset, const std::string& path,
                                      const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(fmt::format("{}: cannot open {} (expected {})", dataset, path, what));
  }
  std::vector<TextLine> lines;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty()) lines.push_back({number, line});
  }
  return lines;
}

namespace {

std::vector<std::string> list_folder(const std::string& dataset, const std::string& dir,
                                     bool folders) {
  require_directory(dataset, dir, "folder");
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (folders ? entry.is_directory(ec) : entry.is_regular_file(ec)) names.push_back(name);
  }
  if (ec) throw DatasetError(fmt::format("{}: cannot list {}: {}", dataset, dir, ec.message()));
  return names;
}

}  // namespace

std::vector<std::string> sorted_subfolders(const std::string& dataset, const std::string& dir) {
  auto names = list_folder(dataset, dir, true);
  std::sort(names.begin(), names.end());
  return names;
}

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      // Compare the digit runs by value: strip leading zeros, then length, then digits.
      size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js;
      const int c = a.compare(is, ie - is, b, js, je - js);
      if (c != 0) return c < 0;
      if (ie - i != je - j) return ie - i < je - j;  // "01" before "001"? shorter run first
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::vector<std::string> natural_sorted_files(const std::string& dataset, const std::string& dir) {
  auto names = list_folder(dataset, dir, false);
  std::sort(names.begin(), names.end(), natural_less);
  return names;
}

void check_class_count(const OpenRequest& request, const std::string& format,
                       const std::vector<std::string>& classes, const std::string& where) {
  if (request.class_names.empty() || request.class_names.size() == classes.size()) return;
  throw DatasetError(fmt::format("{}: {} has {} classes, but the class list (prompts) has {}",
                                 dataset_name(request, format), where, classes.size(),
                                 request.class_names.size()));
}

std::vector<LabelledFile> class_folder_files(const std::string& dataset, const std::string& root,
                                             const std::vector<std::string>& classes) {
  std::vector<LabelledFile> files;
  for (size_t c = 0; c < classes.size(); ++c) {
    const std::string dir = (fs::path(root) / classes[c]).string();
    require_directory(dataset, dir, "class folder");
    for (const auto& name : natural_sorted_files(dataset, dir)) {
      files.push_back({(fs::path(dir) / name).string(), static_cast<int64_t>(c),
                       fmt::format("class folder {}", dir)});
    }
  }
  return files;
}

std::string relative_to(const std::string& path, const std::string& base) {
  return fs::path(path).lexically_relative(base).string();
}

}  // namespace clipbench::datasets
