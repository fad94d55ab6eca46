// Caltech-101 in its original archive layout (101_ObjectCategories/), with a deterministic split.
#include "datasets/caltech101.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {
constexpr size_t kTrainPerClass = 30;
}  // namespace

std::unique_ptr<Dataset> open_caltech101(const OpenRequest& request) {
  const std::string name = dataset_name(request, "caltech101");
  require_directory(name, request.root, "the Caltech-101 folder");
  const std::string categories = (fs::path(request.root) / "101_ObjectCategories").string();
  std::vector<std::string> classes = sorted_subfolders(name, categories);
  check_class_count(request, "caltech101", classes, categories);
  const bool train = request.split == "train";
  std::vector<LabelledFile> files;
  for (size_t c = 0; c < classes.size(); ++c) {
    const std::string dir = (fs::path(categories) / classes[c]).string();
    const auto names = natural_sorted_files(name, dir);
    if (names.size() <= kTrainPerClass) {
      throw DatasetError(fmt::format(
          "{}: class folder {} has {} images; the split takes the first {} for train and needs "
          "more for test",
          name, dir, names.size(), kTrainPerClass));
    }
    const size_t begin = train ? 0 : kTrainPerClass;
    const size_t end = train ? kTrainPerClass : names.size();
    for (size_t i = begin; i < end; ++i) {
      files.push_back({(fs::path(dir) / names[i]).string(), static_cast<int64_t>(c),
                       fmt::format("class folder {}", dir)});
    }
  }
  return std::make_unique<LabelledFiles>(name, categories, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
