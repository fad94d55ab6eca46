// KITTI closest-vehicle distance: labels from the object annotations, VTAB's distance bins.
#include "datasets/kitti_distance.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "datasets/numpy_random.h"
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

// The image ids (0-based, the number in <id>.png) of a VTAB split (TFDS kitti _build_splits).
std::vector<size_t> vtab_split_images(const std::string& ds, const fs::path& root,
                                      const std::string& split) {
  fs::path mapping;
  for (const fs::path& dir :
       {root / "mapping", root / "devkit_object" / "mapping", root / "devkit" / "mapping"}) {
    if (fs::exists(dir / "train_rand.txt")) {
      mapping = dir;
      break;
    }
  }
  if (mapping.empty()) {
    throw DatasetError(fmt::format(
        "{}: {}/mapping/train_rand.txt does not exist (also looked in devkit_object/mapping and "
        "devkit/mapping): VTAB's kitti splits need the devkit's mapping files (devkit_object.zip)",
        ds, root.string()));
  }
  const fs::path rand_path = mapping / "train_rand.txt";
  const fs::path mapping_path = mapping / "train_mapping.txt";
  const auto mapping_lines = special::read_lines(ds, mapping_path);
  std::string text;
  for (const std::string& line : special::read_lines(ds, rand_path)) text += line;
  std::map<std::string, std::vector<size_t>> video_to_images;  // sorted, as sorted() in Python
  size_t image_id = 0, pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.find_first_not_of(" \t") == std::string::npos) {
      if (comma == text.size()) break;
      throw DatasetError(fmt::format("{}: {} has an empty entry at position {}", ds,
                                     rand_path.string(), image_id + 1));
    }
    size_t line = 0;
    try {
      line = std::stoul(item);
    } catch (const std::exception&) {
      line = 0;
    }
    if (line < 1 || line > mapping_lines.size()) {
      throw DatasetError(fmt::format("{}: {}: entry {} is '{}', expected a line of {} (1..{})", ds,
                                     rand_path.string(), image_id + 1, item, mapping_path.string(),
                                     mapping_lines.size()));
    }
    const auto fields = special::split_blanks(mapping_lines[line - 1]);
    if (fields.size() < 2) {
      throw DatasetError(fmt::format("{}: {}:{} is not '<date> <drive> <frame>'", ds,
                                     mapping_path.string(), line));
    }
    video_to_images[fields[1]].push_back(image_id++);
  }
  if (video_to_images.empty()) {
    throw DatasetError(fmt::format("{}: {} lists no images", ds, rand_path.string()));
  }

  // np.random.seed(123); choice(sorted(videos), n_test) then choice(sorted(rest), n_val).
  std::vector<std::string> videos;
  for (const auto& kv : video_to_images) videos.push_back(kv.first);
  const size_t n_test = std::max<size_t>(1, 10 * videos.size() / 100);
  const size_t n_val = n_test;  // both 10% in TFDS
  std::mt19937 rng = numpy_legacy_generator(123);
  std::set<std::string> test_videos, val_videos;
  const auto test_perm = numpy_legacy_permutation(rng, videos.size());
  for (size_t i = 0; i < n_test && i < test_perm.size(); ++i) {
    test_videos.insert(videos[test_perm[i]]);
  }
  std::vector<std::string> rest;
  for (const auto& v : videos) {
    if (!test_videos.count(v)) rest.push_back(v);
  }
  if (n_val > rest.size()) {
    throw DatasetError(
        fmt::format("{}: {} maps the images to {} videos; VTAB's split needs at "
                    "least {}",
                    ds, mapping_path.string(), videos.size(), n_test + n_val));
  }
  const auto val_perm = numpy_legacy_permutation(rng, rest.size());
  for (size_t i = 0; i < n_val; ++i) val_videos.insert(rest[val_perm[i]]);

  std::vector<size_t> ids;
  for (const auto& [video, images] : video_to_images) {
    const bool test = test_videos.count(video) > 0;
    const bool val = val_videos.count(video) > 0;
    const bool keep = split == "test"    ? test
                      : split == "val"   ? val
                      : split == "train" ? !test && !val
                                         : !test;
    if (keep) ids.insert(ids.end(), images.begin(), images.end());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
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

  const std::vector<size_t> ids = vtab_split_images(ds, root, split);
  std::vector<FileEntry> entries;
  for (const size_t id : ids) {
    const std::string stem = fmt::format("{:06d}", id);
    const fs::path image = images / (stem + ".png");
    const fs::path label_file = labels / (stem + ".txt");
    special::require_image(ds, "the devkit's mapping/train_rand.txt", image);
    if (!fs::is_regular_file(label_file)) {
      throw DatasetError(fmt::format("{}: the image {} has no label file {}", ds, image.string(),
                                     label_file.string()));
    }
    FileEntry e;
    e.path = image.string();
    e.label = distance_label(ds, label_file);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
