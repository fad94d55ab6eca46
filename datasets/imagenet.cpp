// ImageNet (ILSVRC2012) in the layouts torchvision and the original archives produce.
#include "datasets/imagenet.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "datasets/labelled_files.h"
#include "datasets/mat_file.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

// ILSVRC2012_ID -> wnid of the leaf synsets of the devkit's meta.mat.
std::map<int64_t, std::string> read_leaf_synsets(const std::string& dataset,
                                                 const std::string& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw DatasetError(
        fmt::format("{}: {} does not exist (expected the ILSVRC2012 devkit's "
                    "meta.mat with the `synsets` struct array)",
                    dataset, file));
  }
  const MatFile mat(dataset, file);
  const MatFile::StructArray synsets = mat.struct_array("synsets");
  const std::vector<int64_t> children = synsets.integers("num_children");
  const std::vector<int64_t> ids = synsets.integers("ILSVRC2012_ID");
  const std::vector<std::string> wnids = synsets.text("WNID");
  std::map<int64_t, std::string> leaves;
  for (size_t i = 0; i < synsets.size(); ++i) {
    if (children[i] != 0) continue;
    if (!leaves.emplace(ids[i], wnids[i]).second) {
      throw DatasetError(
          fmt::format("{}: {}: ILSVRC2012_ID {} occurs twice", dataset, file, ids[i]));
    }
  }
  if (leaves.empty()) {
    throw DatasetError(
        fmt::format("{}: {}: `synsets` has no leaf synset (num_children == 0)", dataset, file));
  }
  return leaves;
}

bool has_subfolder(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) && entry.path().filename().string()[0] != '.') return true;
  }
  return false;
}

std::unique_ptr<Dataset> open_flat_val(const OpenRequest& request, const std::string& name,
                                       const std::string& val_dir) {
  const fs::path data = fs::path(request.root) / "ILSVRC2012_devkit_t12" / "data";
  const auto leaves = read_leaf_synsets(name, (data / "meta.mat").string());
  std::vector<std::string> classes;
  for (const auto& [id, wnid] : leaves) classes.push_back(wnid);
  std::sort(classes.begin(), classes.end());
  if (std::adjacent_find(classes.begin(), classes.end()) != classes.end()) {
    throw DatasetError(
        fmt::format("{}: {}: two leaf synsets share a WNID", name, (data / "meta.mat").string()));
  }
  check_class_count(request, "imagenet", classes, (data / "meta.mat").string());
  std::map<int64_t, int64_t> label_of_id;
  for (const auto& [id, wnid] : leaves) {
    label_of_id[id] = std::lower_bound(classes.begin(), classes.end(), wnid) - classes.begin();
  }
  const std::string truth = (data / "ILSVRC2012_validation_ground_truth.txt").string();
  std::vector<LabelledFile> files;
  size_t index = 0;
  for (const auto& line : read_text_lines(name, truth, "one ILSVRC2012_ID a line")) {
    ++index;
    if (line.number != index) {
      throw DatasetError(fmt::format("{}: {}:{} is empty (expected one ILSVRC2012_ID a line)", name,
                                     truth, index));
    }
    const std::string image = fmt::format("ILSVRC2012_val_{:08d}.JPEG", index);
    const std::string origin =
        fmt::format("{}:{} entry '{}' (for {})", truth, line.number, line.text, image);
    size_t used = 0;
    int64_t id = 0;
    try {
      id = std::stoll(line.text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != line.text.size()) {
      throw DatasetError(fmt::format("{}: {}: expected an integer ILSVRC2012_ID", name, origin));
    }
    const auto it = label_of_id.find(id);
    if (it == label_of_id.end()) {
      throw DatasetError(fmt::format(
          "{}: {}: ILSVRC2012_ID {} is not a leaf synset of meta.mat (expected one of {}..{})",
          name, origin, id, leaves.begin()->first, leaves.rbegin()->first));
    }
    files.push_back({(fs::path(val_dir) / image).string(), it->second, origin});
  }
  return std::make_unique<LabelledFiles>(name, truth, std::move(classes), std::move(files));
}

}  // namespace

std::unique_ptr<Dataset> open_imagenet(const OpenRequest& request) {
  const std::string name = dataset_name(request, "imagenet");
  require_directory(name, request.root, "the ImageNet folder");
  const std::string dir = (fs::path(request.root) / request.split).string();
  require_directory(name, dir, "the split folder");
  if (request.split == "val" && !has_subfolder(dir)) return open_flat_val(request, name, dir);
  std::vector<std::string> classes = sorted_subfolders(name, dir);
  check_class_count(request, "imagenet", classes, dir);
  auto files = class_folder_files(name, dir, classes);
  return std::make_unique<LabelledFiles>(name, dir, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
