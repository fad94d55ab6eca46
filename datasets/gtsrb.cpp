// GTSRB in torchvision's layout: class folders of PPM files (train), a ClassId CSV (test).
#include "datasets/gtsrb.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "datasets/binary_files.h"

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;

class GtsrbDataset : public Dataset {
 public:
  GtsrbDataset(std::string source, std::vector<std::string> classes, std::vector<std::string> paths,
               std::vector<int64_t> labels)
      : source_(std::move(source)),
        classes_(std::move(classes)),
        paths_(std::move(paths)),
        labels_(std::move(labels)) {}
  size_t size() const override { return paths_.size(); }
  Sample get(size_t index) const override {
    if (index >= paths_.size()) {
      throw DatasetError(
          fmt::format("{}: sample {} is out of range (size {})", source_, index, paths_.size()));
    }
    Sample s;
    s.name = paths_[index];
    s.path = paths_[index];
    s.label = labels_[index];
    return s;
  }
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<std::string> paths_;
  std::vector<int64_t> labels_;
};

std::vector<std::string> split_on(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = line.find(sep, start);
    std::string cell = line.substr(start, at - start);
    const size_t b = cell.find_first_not_of(' ');
    out.push_back(b == std::string::npos ? "" : cell.substr(b));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::unique_ptr<Dataset> open_gtsrb(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "gtsrb" : request.dataset;
  std::vector<std::string> paths;
  std::vector<int64_t> labels;
  std::vector<std::string> where;  // per sample, for label errors
  std::string source;
  if (request.split == "train") {
    const fs::path folder = fs::path(request.root) / "GTSRB" / "Training";
    source = folder.string();
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      throw DatasetError(fmt::format("{}: missing folder {}", dataset, folder.string()));
    }
    std::vector<fs::path> class_dirs;
    for (const auto& e : fs::directory_iterator(folder)) {
      if (e.is_directory()) class_dirs.push_back(e.path());
    }
    std::sort(class_dirs.begin(), class_dirs.end());
    for (const fs::path& dir : class_dirs) {
      const std::string name = dir.filename().string();
      if (!all_digits(name)) {
        throw DatasetError(
            fmt::format("{}: class folder {} is not a class number (expected 00000..00042)",
                        dataset, dir.string()));
      }
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".ppm") files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) {
        paths.push_back(f);
        labels.push_back(std::stoll(name));
        where.push_back(dir.string());
      }
    }
  } else {
    const std::string csv = join_path(request.root, "GT-final_test.csv");
    const fs::path images = fs::path(request.root) / "GTSRB" / "Final_Test" / "Images";
    source = images.string();
    const std::vector<std::string> lines = read_text_lines(dataset, csv);
    if (lines.empty()) throw DatasetError(fmt::format("{}: {} is empty", dataset, csv));
    const std::vector<std::string> header = split_on(lines[0], ';');
    const auto col = [&](const std::string& name) {
      const auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) {
        throw DatasetError(
            fmt::format("{}: {}: no '{}' column in the header ({})", dataset, csv, name, lines[0]));
      }
      return static_cast<size_t>(it - header.begin());
    };
    const size_t file_col = col("Filename"), class_col = col("ClassId");
    for (size_t n = 1; n < lines.size(); ++n) {
      if (lines[n].empty()) continue;
      const std::vector<std::string> cells = split_on(lines[n], ';');
      const std::string at = fmt::format("{} line {}", csv, n + 1);
      if (cells.size() <= std::max(file_col, class_col)) {
        throw DatasetError(
            fmt::format("{}: {}: {} cells, expected {}", dataset, at, cells.size(), header.size()));
      }
      if (!all_digits(cells[class_col])) {
        throw DatasetError(fmt::format("{}: {}: ClassId '{}' is not a non-negative integer",
                                       dataset, at, cells[class_col]));
      }
      const std::string path = (images / cells[file_col]).string();
      if (!file_exists(path)) {
        throw DatasetError(fmt::format("{}: {} names {}, which does not exist", dataset, at, path));
      }
      paths.push_back(path);
      labels.push_back(std::stoll(cells[class_col]));
      where.push_back(at);
    }
  }
  const int64_t max_label = labels.empty() ? -1 : *std::max_element(labels.begin(), labels.end());
  std::vector<std::string> classes =
      choose_class_names(dataset, {}, "", request.class_names, max_label + 1);
  for (size_t i = 0; i < labels.size(); ++i) {
    check_label(dataset, where[i], labels[i], classes.size());
  }
  return std::make_unique<GtsrbDataset>(source, std::move(classes), std::move(paths),
                                        std::move(labels));
}

}  // namespace clipbench::datasets
