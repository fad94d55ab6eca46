// Shared pieces of the special-format adapters (file lists and checks with clear messages).
#include "datasets/special_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

namespace clipbench::datasets::special {

namespace fs = std::filesystem;

FileListDataset::FileListDataset(std::string source, std::vector<std::string> classes,
                                 std::vector<FileEntry> entries, bool multi_label)
    : source_(std::move(source)),
      classes_(std::move(classes)),
      entries_(std::move(entries)),
      multi_label_(multi_label) {}

Sample FileListDataset::get(size_t index) const {
  if (index >= entries_.size()) {
    throw DatasetError(fmt::format("{}: sample index {} is out of range (the split has {})",
                                   source_, index, entries_.size()));
  }
  const FileEntry& e = entries_[index];
  Sample s;
  s.name = e.path;
  s.path = e.path;
  s.label = e.label;
  s.targets = e.targets;
  return s;
}

std::string dataset_label(const OpenRequest& request, const std::string& format) {
  return request.dataset.empty() ? format : request.dataset;
}

void require_path(const std::string& dataset, const fs::path& path, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw DatasetError(
        fmt::format("{}: {} does not exist (expected {})", dataset, path.string(), what));
  }
}

void require_image(const std::string& dataset, const std::string& annotation_file,
                   const fs::path& image) {
  std::error_code ec;
  if (!fs::is_regular_file(image, ec)) {
    throw DatasetError(fmt::format("{}: {} names the image {}, which does not exist", dataset,
                                   annotation_file, image.string()));
  }
}

std::vector<std::string> read_lines(const std::string& dataset, const fs::path& path) {
  require_path(dataset, path, "a text file");
  std::ifstream in(path);
  if (!in) throw DatasetError(fmt::format("{}: cannot read {}", dataset, path.string()));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_blanks(const std::string& line) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

void check_label(const std::string& dataset, const std::string& file, const std::string& entry,
                 int64_t label, size_t num_classes) {
  if (label < 0 || label >= static_cast<int64_t>(num_classes)) {
    throw DatasetError(fmt::format("{}: {}: {} has label {}, expected a class index in [0, {})",
                                   dataset, file, entry, label, num_classes));
  }
}

void check_class_count(const std::string& dataset, const std::string& source, size_t count,
                       const std::vector<std::string>& catalogue_names) {
  if (!catalogue_names.empty() && catalogue_names.size() != count) {
    throw DatasetError(fmt::format("{}: {} has {} classes, expected {} (the catalogue's classes)",
                                   dataset, source, count, catalogue_names.size()));
  }
}

std::string name_key(const std::string& name) {
  std::string key;
  for (unsigned char c : name) {
    if (std::isalnum(c)) key += static_cast<char>(std::tolower(c));
  }
  return key;
}

std::vector<std::string> list_subfolders(const std::string& dataset, const fs::path& dir) {
  require_path(dataset, dir, "a folder with one subfolder per class");
  std::vector<std::string> folders;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory()) folders.push_back(e.path().filename().string());
  }
  if (folders.empty()) {
    throw DatasetError(fmt::format("{}: {} has no class folders", dataset, dir.string()));
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

std::vector<std::string> order_class_folders(const std::string& dataset, const fs::path& dir,
                                             std::vector<std::string> folders,
                                             const std::vector<std::string>& catalogue_names) {
  std::sort(folders.begin(), folders.end());
  if (catalogue_names.empty()) return folders;
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < catalogue_names.size(); ++i) by_key[name_key(catalogue_names[i])] = i;
  std::vector<std::string> ordered(catalogue_names.size());
  for (const std::string& f : folders) {
    const auto it = by_key.find(name_key(f));
    if (it == by_key.end()) {
      throw DatasetError(
          fmt::format("{}: the class folder {} matches none of the catalogue's {} class names",
                      dataset, (dir / f).string(), catalogue_names.size()));
    }
    if (!ordered[it->second].empty()) {
      throw DatasetError(fmt::format("{}: the class folders {} and {} in {} both match '{}'",
                                     dataset, ordered[it->second], f, dir.string(),
                                     catalogue_names[it->second]));
    }
    ordered[it->second] = f;
  }
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i].empty()) {
      throw DatasetError(
          fmt::format("{}: {} has no folder for the class '{}' (expected {} class "
                      "folders)",
                      dataset, dir.string(), catalogue_names[i], catalogue_names.size()));
    }
  }
  return ordered;
}

}  // namespace clipbench::datasets::special
