// CLEVR Counts: object counts from the CLEVR scene files (SAX-parsed), VTAB's splits.
#include "datasets/clevr_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "datasets/special_support.h"

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;
using special::FileEntry;

struct Scene {
  std::string filename;
  int64_t objects = -1;  // -1: the scene has no "objects" array
};

// Collects scenes[i].image_filename and the length of scenes[i].objects, nothing else.
// Container depth: 1 the root object, 2 the "scenes" array, 3 a scene, 4 its "objects" array.
class SceneHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<Scene> scenes;
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool string(string_t& value) override {
    if (in_scene() && stack_.size() == 3 && key_ == "image_filename")
      scenes.back().filename = value;
    return true;
  }
  bool key(string_t& value) override {
    key_ = value;
    if (stack_.size() == 1) root_key_ = value;
    return true;
  }
  bool start_object(std::size_t) override {
    if (stack_.size() == 2 && in_scenes_array()) scenes.emplace_back();
    if (stack_.size() == 4 && in_objects_array()) ++scenes.back().objects;
    stack_.push_back({'o', key_});
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (stack_.size() == 3 && in_scene() && key_ == "objects") scenes.back().objects = 0;
    stack_.push_back({'a', key_});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error = fmt::format("byte {}: {}", position, e.what());
    return false;
  }

 private:
  struct Level {
    char kind;
    std::string key;  // the key under which this container was opened
  };
  bool in_scenes_array() const {
    return stack_.size() >= 2 && stack_[1].kind == 'a' && stack_[1].key == "scenes" &&
           root_key_ == "scenes";
  }
  bool in_scene() const {
    return stack_.size() >= 3 && stack_[1].kind == 'a' && stack_[1].key == "scenes" &&
           stack_[2].kind == 'o' && !scenes.empty();
  }
  bool in_objects_array() const {
    return in_scene() && stack_[3].kind == 'a' && stack_[3].key == "objects";
  }
  std::vector<Level> stack_;
  std::string key_;
  std::string root_key_;
};

std::vector<Scene> read_scenes(const std::string& ds, const fs::path& path) {
  special::require_path(ds, path, "a CLEVR scenes JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DatasetError(fmt::format("{}: cannot read {}", ds, path.string()));
  SceneHandler handler;
  const bool ok = nlohmann::json::sax_parse(in, &handler);
  if (!ok) {
    throw DatasetError(fmt::format("{}: {} is not valid JSON ({})", ds, path.string(),
                                   handler.error.empty() ? "parse stopped" : handler.error));
  }
  if (handler.scenes.empty()) {
    throw DatasetError(
        fmt::format("{}: {} has no \"scenes\" (expected an array of scenes)", ds, path.string()));
  }
  for (size_t i = 0; i < handler.scenes.size(); ++i) {
    if (handler.scenes[i].filename.empty() || handler.scenes[i].objects < 0) {
      throw DatasetError(fmt::format("{}: {}: scenes[{}] lacks \"image_filename\" or \"objects\"",
                                     ds, path.string(), i));
    }
  }
  return std::move(handler.scenes);
}

// floor(i * n / k) for i < k (all of [0, n) when n <= k).
std::vector<size_t> evenly_spaced(size_t n, size_t k) {
  std::vector<size_t> idx;
  if (n <= k) {
    for (size_t i = 0; i < n; ++i) idx.push_back(i);
  } else {
    for (size_t i = 0; i < k; ++i) idx.push_back(i * n / k);
  }
  return idx;
}

}  // namespace

std::unique_ptr<Dataset> open_clevr_counts(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "clevr-counts");
  const fs::path root(request.root);
  special::require_path(ds, root, "the CLEVR_v1.0 folder");
  const std::string& split = request.split;
  const bool from_train =
      split == "train" || split == "val" || split == "trainval" || split == "train_2000";
  if (!from_train && split != "test" && split != "test_500") {
    throw DatasetError(fmt::format(
        "{}: unknown split '{}' (expected train, val, trainval, test, train_2000, test_500)", ds,
        split));
  }
  std::vector<std::string> classes = request.class_names;
  if (classes.empty()) classes = {"10", "3", "4", "5", "6", "7", "8", "9"};
  special::check_class_count(ds, root.string(), 8, classes);

  const std::string clevr_split = from_train ? "train" : "val";
  const fs::path scenes_path = root / "scenes" / fmt::format("CLEVR_{}_scenes.json", clevr_split);
  const std::vector<Scene> scenes = read_scenes(ds, scenes_path);

  size_t begin = 0, end = scenes.size();
  const size_t train_count = scenes.size() * 90 / 100;
  if (split == "train" || split == "train_2000") end = train_count;
  if (split == "val") begin = train_count;
  std::vector<size_t> chosen;
  for (size_t i = begin; i < end; ++i) chosen.push_back(i);
  if (split == "train_2000" || split == "test_500") {
    const auto pick = evenly_spaced(chosen.size(), split == "train_2000" ? 2000 : 500);
    std::vector<size_t> sample;
    for (size_t p : pick) sample.push_back(chosen[p]);
    chosen = std::move(sample);
  }

  const fs::path images = root / "images" / clevr_split;
  std::vector<FileEntry> entries;
  entries.reserve(chosen.size());
  for (size_t i : chosen) {
    const Scene& s = scenes[i];
    const std::string count = std::to_string(s.objects);
    const auto it = std::find(classes.begin(), classes.end(), count);
    if (it == classes.end()) {
      throw DatasetError(fmt::format(
          "{}: {}: scenes[{}] ({}) has {} objects, expected a count among the classes {}", ds,
          scenes_path.string(), i, s.filename, s.objects, fmt::join(classes, ", ")));
    }
    FileEntry e;
    e.path = (images / s.filename).string();
    e.label = it - classes.begin();
    special::require_image(ds, scenes_path.string(), e.path);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
