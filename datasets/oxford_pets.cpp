// The Oxford-IIIT Pet dataset in its original archive layout (also torchvision's OxfordIIITPet).
#include "datasets/oxford_pets.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

// "Abyssinian_100" -> "Abyssinian", "american_pit_bull_terrier_7" -> "american_pit_bull_terrier".
std::string breed_of(const std::string& image) {
  const auto underscore = image.rfind('_');
  if (underscore == std::string::npos || underscore == 0 || underscore + 1 == image.size() ||
      !std::all_of(image.begin() + static_cast<long>(underscore) + 1, image.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  return image.substr(0, underscore);
}

}  // namespace

std::unique_ptr<Dataset> open_oxford_pets(const OpenRequest& request) {
  const std::string name = dataset_name(request, "oxford-pets");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the Oxford-IIIT Pet folder");
  const std::string list_file = (root / "annotations" / (request.split + ".txt")).string();
  const int64_t max_id =
      request.class_names.empty() ? 37 : static_cast<int64_t>(request.class_names.size());

  struct Entry {
    std::string image;
    int64_t class_id;
    std::string origin;
  };
  std::vector<Entry> entries;
  std::map<int64_t, std::string> breed_of_id;
  for (const auto& line :
       read_text_lines(name, list_file, "'Image CLASS-ID SPECIES BREED-ID' lines")) {
    if (line.text[0] == '#') continue;
    const std::string origin = fmt::format("{}:{} entry '{}'", list_file, line.number, line.text);
    std::istringstream fields(line.text);
    std::string image;
    int64_t class_id = 0, species = 0, breed_id = 0;
    if (!(fields >> image >> class_id >> species >> breed_id)) {
      throw DatasetError(
          fmt::format("{}: {}: expected 'Image CLASS-ID SPECIES BREED-ID'", name, origin));
    }
    if (class_id < 1 || class_id > max_id) {
      throw DatasetError(
          fmt::format("{}: {}: CLASS-ID {} is outside [1, {}]", name, origin, class_id, max_id));
    }
    const std::string breed = breed_of(image);
    if (breed.empty()) {
      throw DatasetError(
          fmt::format("{}: {}: image name '{}' is not '<breed>_<number>'", name, origin, image));
    }
    const auto [it, added] = breed_of_id.emplace(class_id, breed);
    if (!added && it->second != breed) {
      throw DatasetError(fmt::format("{}: {}: CLASS-ID {} is breed '{}' here but '{}' earlier",
                                     name, origin, class_id, breed, it->second));
    }
    entries.push_back({image, class_id, origin});
  }
  const int64_t largest = breed_of_id.empty() ? 0 : breed_of_id.rbegin()->first;
  for (int64_t id = 1; id <= largest; ++id) {
    if (breed_of_id.count(id) == 0) {
      throw DatasetError(fmt::format(
          "{}: {}: CLASS-ID {} has no entry, so its breed name is unknown (expected every id "
          "from 1 to {})",
          name, list_file, id, largest));
    }
  }
  // prompts.md order: breed names sorted case-sensitively (byte order).
  std::vector<std::string> classes;
  for (const auto& [id, breed] : breed_of_id) classes.push_back(breed);
  std::sort(classes.begin(), classes.end());
  if (std::adjacent_find(classes.begin(), classes.end()) != classes.end()) {
    throw DatasetError(fmt::format("{}: {}: two CLASS-IDs share one breed name", name, list_file));
  }
  check_class_count(request, "oxford-pets", classes, list_file);
  std::map<int64_t, int64_t> label_of_id;
  for (const auto& [id, breed] : breed_of_id) {
    label_of_id[id] = std::lower_bound(classes.begin(), classes.end(), breed) - classes.begin();
  }
  std::vector<LabelledFile> files;
  files.reserve(entries.size());
  for (const auto& e : entries) {
    files.push_back(
        {(root / "images" / (e.image + ".jpg")).string(), label_of_id.at(e.class_id), e.origin});
  }
  return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
