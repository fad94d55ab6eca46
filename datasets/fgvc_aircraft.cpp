// FGVC-Aircraft 2013b in its original archive layout (also torchvision.datasets.FGVCAircraft's).
#include "datasets/fgvc_aircraft.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_fgvc_aircraft(const OpenRequest& request) {
  const std::string name = dataset_name(request, "fgvc-aircraft");
  const fs::path data = fs::path(request.root) / "data";
  require_directory(name, data.string(), "the FGVC-Aircraft data folder");
  const std::string variants_file = (data / "variants.txt").string();
  std::vector<std::string> classes;
  std::map<std::string, int64_t> index;
  for (const auto& line : read_text_lines(name, variants_file, "one variant name a line")) {
    if (!index.emplace(line.text, static_cast<int64_t>(classes.size())).second) {
      throw DatasetError(fmt::format("{}: {}:{}: variant '{}' is listed twice", name, variants_file,
                                     line.number, line.text));
    }
    classes.push_back(line.text);
  }
  check_class_count(request, "fgvc-aircraft", classes, variants_file);

  const std::string list_file = (data / ("images_variant_" + request.split + ".txt")).string();
  std::vector<LabelledFile> files;
  for (const auto& line : read_text_lines(name, list_file, "one '<image id> <variant>' a line")) {
    const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
    const auto space = line.text.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.text.size()) {
      throw DatasetError(fmt::format("{}: {}: expected '<image id> <variant>'", name, origin));
    }
    const std::string variant = line.text.substr(space + 1);
    const auto it = index.find(variant);
    if (it == index.end()) {
      throw DatasetError(
          fmt::format("{}: {}: variant '{}' is not in {}", name, origin, variant, variants_file));
    }
    files.push_back(
        {(data / "images" / (line.text.substr(0, space) + ".jpg")).string(), it->second, origin});
  }
  return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
