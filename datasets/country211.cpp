// Country211 in torchvision's layout (country211/{train,valid,test}/<country code>/*.jpg).
#include "datasets/country211.h"

#include <filesystem>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_country211(const OpenRequest& request) {
  const std::string name = dataset_name(request, "country211");
  require_directory(name, request.root, "the Country211 folder");
  const std::string folder = request.split == "val" ? "valid" : request.split;
  const std::string dir = (fs::path(request.root) / folder).string();
  std::vector<std::string> classes = sorted_subfolders(name, dir);
  check_class_count(request, "country211", classes, dir);
  auto files = class_folder_files(name, dir, classes);
  return std::make_unique<LabelledFiles>(name, dir, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
