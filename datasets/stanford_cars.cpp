// Stanford Cars (torchvision layout): devkit .mat struct arrays read through matio.
#include "datasets/stanford_cars.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/mat_file.h"
#include "datasets/special_support.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;
using special::FileEntry;

std::unique_ptr<Dataset> open_stanford_cars(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "stanford-cars");
  const fs::path root(request.root);
  special::require_path(ds, root, "the stanford_cars folder");

  const std::string meta_path = (root / "devkit" / "cars_meta.mat").string();
  std::vector<std::string> classes = MatFile(ds, meta_path).strings("class_names");
  special::check_class_count(ds, meta_path, classes.size(), request.class_names);

  fs::path annos;
  fs::path images;
  if (request.split == "train") {
    annos = root / "devkit" / "cars_train_annos.mat";
    images = root / "cars_train";
  } else if (request.split == "test") {
    annos = root / "cars_test_annos_withlabels.mat";
    images = root / "cars_test";
  } else {
    throw DatasetError(
        fmt::format("{}: unknown split '{}' (expected train or test)", ds, request.split));
  }
  special::require_path(ds, images, "the folder of the " + request.split + " images");
  MatFile mat(ds, annos.string());
  const MatFile::StructArray a = mat.struct_array("annotations");
  const std::vector<std::string> names = a.text("fname");
  const std::vector<int64_t> labels = a.integers("class");

  std::vector<FileEntry> entries;
  entries.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    FileEntry e;
    e.path = (images / names[i]).string();
    e.label = labels[i] - 1;
    special::check_label(ds, annos.string(), fmt::format("annotations({}) {}", i + 1, names[i]),
                         e.label, classes.size());
    special::require_image(ds, annos.string(), e.path);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
