// KITTI closest-vehicle distance: labels from the object annotations, VTAB's distance bins.
#include "datasets/kitti_distance.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "datasets/special_support.h"

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;
using special::FileEntry;

// The distance class of one label file (VTAB's bins; see the header).
int64_t distance_label(const std::string& ds, const fs::path& file) {
  double closest = 1000.0;
  const auto lines = special::read_lines(ds, file);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto f = special::split_blanks(lines[n]);
    if (f.empty()) continue;
    if (f.size() < 15) {
      throw DatasetError(
          fmt::format("{}: {}:{} has {} fields, expected 15 (type ... x y z rotation_y)", ds,
                      file.string(), n + 1, f.size()));
    }
    if (f[0] != "Car" && f[0] != "Van" && f[0] != "Truck") continue;
    double z = 0;
    try {
      size_t used = 0;
      z = std::stod(f[13], &used);
      if (used != f[13].size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw DatasetError(fmt::format("{}: {}:{}: location z '{}' is not a number", ds,
                                     file.string(), n + 1, f[13]));
    }
    closest = std::min(closest, z);
  }
  const double thresholds[] = {-100.0, 8.0, 20.0, 999.0};
  int64_t label = 0;
  for (int64_t i = 0; i < 4; ++i) {
    if (thresholds[i] < closest) label = i;
  }
  return label;
}

}  // namespace

std::unique_ptr<Dataset> open_kitti_distance(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "kitti-distance");
  const fs::path root(request.root);
  special::require_path(ds, root, "the kitti folder");
  const std::string& split = request.split;
  if (split != "train" && split != "val" && split != "trainval" && split != "test") {
    throw DatasetError(
        fmt::format("{}: unknown split '{}' (expected train, val, trainval, test)", ds, split));
  }
  std::vector<std::string> classes = request.class_names;
  if (classes.empty())
    classes = {"vehicle within 8 m", "vehicle 8-20 m", "vehicle beyond 20 m", "no vehicle"};
  special::check_class_count(ds, root.string(), 4, classes);

  const fs::path images = root / "training" / "image_2";
  const fs::path labels = root / "training" / "label_2";
  special::require_path(ds, images, "the training/image_2 folder of PNG images");
  special::require_path(ds, labels, "the training/label_2 folder of label files");
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(images)) {
    if (e.is_regular_file() && e.path().extension() == ".png") {
      ids.push_back(e.path().stem().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) {
    throw DatasetError(fmt::format("{}: {} has no .png images", ds, images.string()));
  }

  std::vector<FileEntry> entries;
  for (size_t p = 0; p < ids.size(); ++p) {
    const bool test = p % 10 == 9;
    const bool val = !test && p % 20 == 4;
    const bool keep = split == "test"    ? test
                      : split == "val"   ? val
                      : split == "train" ? !test && !val
                                         : !test;
    if (!keep) continue;
    const fs::path label_file = labels / (ids[p] + ".txt");
    if (!fs::is_regular_file(label_file)) {
      throw DatasetError(fmt::format("{}: the image {} has no label file {}", ds,
                                     (images / (ids[p] + ".png")).string(), label_file.string()));
    }
    FileEntry e;
    e.path = (images / (ids[p] + ".png")).string();
    e.label = distance_label(ds, label_file);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
