// The Describable Textures Dataset (DTD) in its original archive layout (dtd-r1.0.1.tar.gz).
#include "datasets/dtd.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_dtd(const OpenRequest& request) {
  const std::string name = dataset_name(request, "dtd");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the DTD folder");
  const std::string images = (root / "images").string();
  std::vector<std::string> classes = sorted_subfolders(name, images);
  check_class_count(request, "dtd", classes, images);
  std::map<std::string, int64_t> index;
  for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i], static_cast<int64_t>(i));

  const std::vector<std::string> parts = request.split == "trainval"
                                             ? std::vector<std::string>{"train", "val"}
                                             : std::vector<std::string>{request.split};
  std::vector<LabelledFile> files;
  std::string source;
  for (const auto& part : parts) {
    const std::string list_file = (root / "labels" / (part + "1.txt")).string();
    source += (source.empty() ? "" : " + ") + list_file;
    for (const auto& line : read_text_lines(name, list_file, "one '<class>/<file>.jpg' a line")) {
      const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
      const auto slash = line.text.find('/');
      if (slash == std::string::npos || slash == 0) {
        throw DatasetError(fmt::format("{}: {}: expected '<class>/<file>.jpg'", name, origin));
      }
      const auto it = index.find(line.text.substr(0, slash));
      if (it == index.end()) {
        throw DatasetError(fmt::format("{}: {}: class '{}' is not a folder of {}", name, origin,
                                       line.text.substr(0, slash), images));
      }
      files.push_back({(root / "images" / line.text).string(), it->second, origin});
    }
  }
  return std::make_unique<LabelledFiles>(name, source, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
