// SUN397 in its original archive layout with the official partition files (Partitions.zip).
#include "datasets/sun397.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

// "/a/abbey" -> "abbey"; "" when the line is not "/<letter>/<name>".
std::string class_of_line(const std::string& line) {
  if (line.size() < 4 || line[0] != '/' || line[2] != '/') return {};
  return line.substr(3);
}

}  // namespace

std::unique_ptr<Dataset> open_sun397(const OpenRequest& request) {
  const std::string name = dataset_name(request, "sun397");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the SUN397 folder");
  std::error_code ec;
  std::string class_file = (root / "ClassName.txt").string();
  if (!fs::is_regular_file(class_file, ec)) {
    class_file = (root / "Partitions" / "ClassName.txt").string();
  }
  std::vector<std::string> classes;
  std::map<std::string, int64_t> index;
  for (const auto& line : read_text_lines(name, class_file, "one '/<letter>/<class>' a line")) {
    const std::string cls = class_of_line(line.text);
    if (cls.empty()) {
      throw DatasetError(fmt::format("{}: {}:{} entry '{}': expected '/<letter>/<class>'", name,
                                     class_file, line.number, line.text));
    }
    index.emplace(cls, static_cast<int64_t>(classes.size()));
    classes.push_back(cls);
  }
  check_class_count(request, "sun397", classes, class_file);

  const std::string list_file =
      (root / "Partitions" / (request.split == "train" ? "Training_01.txt" : "Testing_01.txt"))
          .string();
  std::vector<LabelledFile> files;
  for (const auto& line :
       read_text_lines(name, list_file, "one '/<letter>/<class>/<file>.jpg' a line")) {
    const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
    const auto slash = line.text.rfind('/');
    const std::string cls =
        slash == std::string::npos ? std::string() : class_of_line(line.text.substr(0, slash));
    if (cls.empty() || slash + 1 == line.text.size()) {
      throw DatasetError(
          fmt::format("{}: {}: expected '/<letter>/<class>/<file>.jpg'", name, origin));
    }
    const auto it = index.find(cls);
    if (it == index.end()) {
      throw DatasetError(
          fmt::format("{}: {}: class '{}' is not in {}", name, origin, cls, class_file));
    }
    files.push_back({(root / line.text.substr(1)).string(), it->second, origin});
  }
  return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
