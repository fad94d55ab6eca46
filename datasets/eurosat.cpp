// EuroSAT (RGB) in its original archive layout (2750/<class>/), with a deterministic split.
#include "datasets/eurosat.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

constexpr size_t kTrainPerClass = 1000;
constexpr size_t kTestPerClass = 500;

// The folder names in the label order of prompts/eurosat.json (openai/CLIP prompts.md).
const std::vector<std::string>& folders_in_prompt_order() {
  static const std::vector<std::string> order = {
      "Forest",  "PermanentCrop",        "Residential", "River",      "Pasture",
      "SeaLake", "HerbaceousVegetation", "AnnualCrop",  "Industrial", "Highway"};
  return order;
}

}  // namespace

std::unique_ptr<Dataset> open_eurosat(const OpenRequest& request) {
  const std::string name = dataset_name(request, "eurosat");
  require_directory(name, request.root, "the EuroSAT folder");
  const std::string images = (fs::path(request.root) / "2750").string();
  const auto on_disk = sorted_subfolders(name, images);
  std::vector<std::string> classes = folders_in_prompt_order();
  auto sorted = classes;
  std::sort(sorted.begin(), sorted.end());
  if (on_disk != sorted) {
    throw DatasetError(fmt::format("{}: {} has the class folders [{}]; expected [{}]", name, images,
                                   fmt::join(on_disk, ", "), fmt::join(sorted, ", ")));
  }
  check_class_count(request, "eurosat", classes, images);
  const bool train = request.split == "train";
  std::vector<LabelledFile> files;
  for (size_t c = 0; c < classes.size(); ++c) {
    const std::string dir = (fs::path(images) / classes[c]).string();
    const auto names = natural_sorted_files(name, dir);
    if (names.size() < kTrainPerClass + kTestPerClass) {
      throw DatasetError(fmt::format(
          "{}: class folder {} has {} images; the split needs {} ({} train + {} test)", name, dir,
          names.size(), kTrainPerClass + kTestPerClass, kTrainPerClass, kTestPerClass));
    }
    const size_t begin = train ? 0 : kTrainPerClass;
    const size_t end = train ? kTrainPerClass : kTrainPerClass + kTestPerClass;
    for (size_t i = begin; i < end; ++i) {
      files.push_back({(fs::path(dir) / names[i]).string(), static_cast<int64_t>(c),
                       fmt::format("class folder {}", dir)});
    }
  }
  return std::make_unique<LabelledFiles>(name, images, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
