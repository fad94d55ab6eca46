// Oxford Flowers-102 (torchvision layout): labels and split ids from .mat files through matio.
#include "datasets/flowers102.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/mat_file.h"
#include "datasets/special_support.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;
using special::FileEntry;

std::unique_ptr<Dataset> open_flowers102(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "flowers102");
  const fs::path root(request.root);
  special::require_path(ds, root, "the flowers-102 folder");

  constexpr size_t kClasses = 102;
  std::vector<std::string> classes = request.class_names;
  if (classes.empty()) {
    for (size_t i = 1; i <= kClasses; ++i) classes.push_back(std::to_string(i));
  }
  special::check_class_count(ds, (root / "imagelabels.mat").string(), kClasses, classes);

  const std::string labels_path = (root / "imagelabels.mat").string();
  const std::vector<int64_t> labels = MatFile(ds, labels_path).integers("labels");
  const std::string setid_path = (root / "setid.mat").string();
  MatFile setid(ds, setid_path);
  std::vector<std::string> variables;
  if (request.split == "train" || request.split == "trainval") variables.push_back("trnid");
  if (request.split == "val" || request.split == "trainval") variables.push_back("valid");
  if (request.split == "test") variables.push_back("tstid");
  if (variables.empty()) {
    throw DatasetError(fmt::format("{}: unknown split '{}' (expected train, val, trainval, test)",
                                   ds, request.split));
  }

  std::vector<FileEntry> entries;
  for (const std::string& variable : variables) {
    for (const int64_t id : setid.integers(variable)) {
      if (id < 1 || id > static_cast<int64_t>(labels.size())) {
        throw DatasetError(
            fmt::format("{}: {}: `{}` holds image id {}, expected 1..{} (the images of {})", ds,
                        setid_path, variable, id, labels.size(), labels_path));
      }
      FileEntry e;
      e.path = (root / "jpg" / fmt::format("image_{:05d}.jpg", id)).string();
      e.label = labels[static_cast<size_t>(id - 1)] - 1;
      special::check_label(ds, labels_path, fmt::format("image {}", id), e.label, classes.size());
      special::require_image(ds, setid_path, e.path);
      entries.push_back(std::move(e));
    }
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
