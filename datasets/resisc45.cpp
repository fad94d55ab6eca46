// NWPU-RESISC45 as extracted from NWPU-RESISC45.rar, with optional split files or a fixed rule.
#include "datasets/resisc45.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

constexpr size_t kTrainPerClass = 70;
constexpr size_t kValPerClass = 70;

// "baseball_diamond_012.jpg" -> "baseball_diamond"; "" when not "<class>_<digits>.<ext>".
std::string class_of_file(const std::string& file) {
  const auto dot = file.rfind('.');
  const auto underscore = file.rfind('_', dot);
  if (dot == std::string::npos || underscore == std::string::npos || underscore == 0 ||
      underscore + 1 == dot) {
    return {};
  }
  for (size_t i = underscore + 1; i < dot; ++i) {
    if (file[i] < '0' || file[i] > '9') return {};
  }
  return file.substr(0, underscore);
}

}  // namespace

std::unique_ptr<Dataset> open_resisc45(const OpenRequest& request) {
  const std::string name = dataset_name(request, "resisc45");
  require_directory(name, request.root, "the RESISC45 folder");
  const std::string images = (fs::path(request.root) / "NWPU-RESISC45").string();
  std::vector<std::string> classes = sorted_subfolders(name, images);
  check_class_count(request, "resisc45", classes, images);

  std::vector<LabelledFile> files;
  const std::string list_file =
      (fs::path(request.root) / ("resisc45-" + request.split + ".txt")).string();
  std::error_code ec;
  if (fs::is_regular_file(list_file, ec)) {
    std::map<std::string, int64_t> index;
    for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i], static_cast<int64_t>(i));
    for (const auto& line : read_text_lines(name, list_file, "one '<class>_<n>.jpg' a line")) {
      const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
      const std::string cls = class_of_file(line.text);
      const auto it = cls.empty() ? index.end() : index.find(cls);
      if (it == index.end()) {
        throw DatasetError(
            fmt::format("{}: {}: expected '<class>_<number>.jpg' with a class folder of {}", name,
                        origin, images));
      }
      files.push_back({(fs::path(images) / cls / line.text).string(), it->second, origin});
    }
    return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
  }
  for (size_t c = 0; c < classes.size(); ++c) {
    const std::string dir = (fs::path(images) / classes[c]).string();
    const auto names = natural_sorted_files(name, dir);
    if (names.size() <= kTrainPerClass + kValPerClass) {
      throw DatasetError(fmt::format(
          "{}: class folder {} has {} images; the split (no {} present) takes {} train + {} val "
          "and needs more for test",
          name, dir, names.size(), list_file, kTrainPerClass, kValPerClass));
    }
    size_t begin = 0, end = kTrainPerClass;
    if (request.split == "val") {
      begin = kTrainPerClass;
      end = kTrainPerClass + kValPerClass;
    } else if (request.split == "test") {
      begin = kTrainPerClass + kValPerClass;
      end = names.size();
    }
    for (size_t i = begin; i < end; ++i) {
      files.push_back({(fs::path(dir) / names[i]).string(), static_cast<int64_t>(c),
                       fmt::format("class folder {}", dir)});
    }
  }
  return std::make_unique<LabelledFiles>(name, images, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
