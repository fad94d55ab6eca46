// Pascal VOC 2007 classification (devkit layout): per-class ImageSets/Main files, multi-label.
#include "datasets/voc2007.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "datasets/special_support.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;
using special::FileEntry;

std::unique_ptr<Dataset> open_voc2007(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "voc2007");
  const fs::path root(request.root);
  special::require_path(ds, root, "the VOCdevkit/VOC2007 folder");
  const fs::path main = root / "ImageSets" / "Main";
  special::require_path(ds, main, "the ImageSets/Main folder with <class>_<split>.txt files");
  const std::string suffix = "_" + request.split + ".txt";

  std::vector<std::string> classes = request.class_names;
  if (classes.empty()) {
    for (const auto& e : fs::directory_iterator(main)) {
      const std::string name = e.path().filename().string();
      if (name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        classes.push_back(name.substr(0, name.size() - suffix.size()));
      }
    }
    std::sort(classes.begin(), classes.end());
    if (classes.empty()) {
      throw DatasetError(fmt::format("{}: {} has no <class>{} files", ds, main.string(), suffix));
    }
  }

  // The split's ids: <split>.txt, else the first class file.
  std::vector<std::string> ids;
  const fs::path list = main / (request.split + ".txt");
  const fs::path id_source = fs::exists(list) ? list : main / (classes[0] + suffix);
  for (const std::string& line : special::read_lines(ds, id_source)) {
    const auto parts = special::split_blanks(line);
    if (!parts.empty()) ids.push_back(parts[0]);
  }
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!index.emplace(ids[i], i).second) {
      throw DatasetError(
          fmt::format("{}: {} lists the image id {} twice", ds, id_source.string(), ids[i]));
    }
  }

  std::vector<FileEntry> entries(ids.size());
  for (auto& e : entries) e.targets.assign(classes.size(), 2);  // 2 = not yet seen
  for (size_t c = 0; c < classes.size(); ++c) {
    const fs::path file = main / (classes[c] + suffix);
    special::require_path(ds, file, fmt::format("the annotation file of class '{}'", classes[c]));
    size_t seen = 0;
    const auto lines = special::read_lines(ds, file);
    for (size_t n = 0; n < lines.size(); ++n) {
      const auto parts = special::split_blanks(lines[n]);
      if (parts.empty()) continue;
      const std::string where = fmt::format("{}:{}", file.string(), n + 1);
      if (parts.size() != 2 || (parts[1] != "1" && parts[1] != "-1" && parts[1] != "0")) {
        throw DatasetError(
            fmt::format("{}: {}: '{}' is not '<image id> <1|-1|0>'", ds, where, lines[n]));
      }
      const auto it = index.find(parts[0]);
      if (it == index.end()) {
        throw DatasetError(fmt::format("{}: {} names the image id {}, which {} does not list", ds,
                                       where, parts[0], id_source.string()));
      }
      int8_t& t = entries[it->second].targets[c];
      if (t != 2) {
        throw DatasetError(fmt::format("{}: {} lists the image id {} twice", ds, where, parts[0]));
      }
      t = static_cast<int8_t>(std::stoi(parts[1]));
      ++seen;
    }
    if (seen != ids.size()) {
      throw DatasetError(fmt::format("{}: {} has {} images, expected the {} of {}", ds,
                                     file.string(), seen, ids.size(), id_source.string()));
    }
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    entries[i].path = (root / "JPEGImages" / (ids[i] + ".jpg")).string();
    special::require_image(ds, id_source.string(), entries[i].path);
  }
  return std::make_unique<special::FileListDataset>(root.string(), std::move(classes),
                                                    std::move(entries), /*multi_label=*/true);
}

}  // namespace clipbench::datasets
