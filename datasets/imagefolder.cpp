// The "imagefolder" format: <root>/<split>/<class>/<image>, classes sorted as torchvision does.
#include "datasets/imagefolder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <utility>

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;

bool has_image_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& exts = imagefolder_extensions();
  return std::find(exts.begin(), exts.end(), ext) != exts.end();
}

// Image files under `dir` in os.walk order with sorted roots and sorted file names.
std::vector<std::string> walk_images(const fs::path& dir, const std::string& dataset) {
  std::map<std::string, std::vector<std::string>> by_folder;  // folder path -> file names
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec);
  if (ec)
    throw DatasetError(fmt::format("{}: cannot list {}: {}", dataset, dir.string(), ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) continue;
    if (has_image_extension(entry.path()))
      by_folder[entry.path().parent_path().string()].push_back(entry.path().filename().string());
  }
  if (ec)
    throw DatasetError(fmt::format("{}: cannot list {}: {}", dataset, dir.string(), ec.message()));
  std::vector<std::string> out;
  for (auto& [folder, names] : by_folder) {
    std::sort(names.begin(), names.end());
    for (const auto& name : names) out.push_back((fs::path(folder) / name).string());
  }
  return out;
}

class ImageFolderDataset : public Dataset {
 public:
  ImageFolderDataset(std::string dataset, std::string source, std::vector<std::string> classes,
                     std::vector<std::pair<std::string, int64_t>> items)
      : dataset_(std::move(dataset)),
        source_(std::move(source)),
        classes_(std::move(classes)),
        items_(std::move(items)) {}

  size_t size() const override { return items_.size(); }

  Sample get(size_t index) const override {
    if (index >= items_.size())
      throw DatasetError(fmt::format("{}: sample {} is out of range (the split has {})", dataset_,
                                     index, items_.size()));
    Sample s;
    s.name = items_[index].first;
    s.path = items_[index].first;
    s.label = items_[index].second;
    std::error_code ec;
    if (!fs::is_regular_file(s.path, ec))
      throw DatasetError(
          fmt::format("{}: the image {} (class '{}') is missing; it was listed when "
                      "{} was opened",
                      dataset_, s.path, classes_[s.label], source_));
    return s;
  }

  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string dataset_;
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<std::pair<std::string, int64_t>> items_;
};

}  // namespace

const std::vector<std::string>& imagefolder_extensions() {
  static const std::vector<std::string> kExtensions = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                                       ".pgm", ".tif",  ".tiff", ".webp"};
  return kExtensions;
}

std::unique_ptr<Dataset> open_imagefolder(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "imagefolder" : request.dataset;
  const fs::path dir =
      request.split == "all" ? fs::path(request.root) : fs::path(request.root) / request.split;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw DatasetError(fmt::format(
        "{}: the split folder {} does not exist (imagefolder expects {}/<class>/<image>)", dataset,
        dir.string(), dir.string()));

  std::vector<std::string> classes;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) classes.push_back(entry.path().filename().string());
  }
  if (ec)
    throw DatasetError(fmt::format("{}: cannot list {}: {}", dataset, dir.string(), ec.message()));
  std::sort(classes.begin(), classes.end());
  if (classes.empty())
    throw DatasetError(
        fmt::format("{}: {} has no class folder (imagefolder expects {}/<class>/<image>)", dataset,
                    dir.string(), dir.string()));
  if (!request.class_names.empty() && request.class_names.size() != classes.size())
    throw DatasetError(fmt::format("{}: {} has {} class folders, expected {} classes", dataset,
                                   dir.string(), classes.size(), request.class_names.size()));

  std::vector<std::pair<std::string, int64_t>> items;
  for (size_t label = 0; label < classes.size(); ++label) {
    const auto files = walk_images(dir / classes[label], dataset);
    if (files.empty())
      throw DatasetError(
          fmt::format("{}: the class folder {} has no image file (expected one of {})", dataset,
                      (dir / classes[label]).string(), fmt::join(imagefolder_extensions(), " ")));
    for (const auto& f : files) items.emplace_back(f, static_cast<int64_t>(label));
  }
  return std::make_unique<ImageFolderDataset>(dataset, dir.string(), std::move(classes),
                                              std::move(items));
}

}  // namespace clipbench::datasets
