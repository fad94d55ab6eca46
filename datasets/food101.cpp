// Food-101 in its original archive layout (also torchvision.datasets.Food101's).
#include "datasets/food101.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_food101(const OpenRequest& request) {
  const std::string name = dataset_name(request, "food101");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the Food-101 folder");
  const std::string classes_file = (root / "meta" / "classes.txt").string();
  std::vector<std::string> classes;
  std::map<std::string, int64_t> index;
  for (const auto& line : read_text_lines(name, classes_file, "one class name a line")) {
    index.emplace(line.text, static_cast<int64_t>(classes.size()));
    classes.push_back(line.text);
  }
  check_class_count(request, "food101", classes, classes_file);

  const std::string list_file = (root / "meta" / (request.split + ".txt")).string();
  std::vector<LabelledFile> files;
  for (const auto& line : read_text_lines(name, list_file, "one '<class>/<image id>' a line")) {
    const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
    const auto slash = line.text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == line.text.size()) {
      throw DatasetError(fmt::format("{}: {}: expected '<class>/<image id>'", name, origin));
    }
    const auto it = index.find(line.text.substr(0, slash));
    if (it == index.end()) {
      throw DatasetError(fmt::format("{}: {}: class '{}' is not in {}", name, origin,
                                     line.text.substr(0, slash), classes_file));
    }
    files.push_back({(root / "images" / (line.text + ".jpg")).string(), it->second, origin});
  }
  return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
