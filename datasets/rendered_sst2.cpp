// Rendered SST2 in torchvision's layout (rendered-sst2/{train,valid,test}/{negative,positive}/).
#include "datasets/rendered_sst2.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_rendered_sst2(const OpenRequest& request) {
  const std::string name = dataset_name(request, "rendered-sst2");
  require_directory(name, request.root, "the Rendered SST2 folder");
  const std::string folder = request.split == "val" ? "valid" : request.split;
  const std::string dir = (fs::path(request.root) / folder).string();
  std::vector<std::string> classes = {"negative", "positive"};
  const auto on_disk = sorted_subfolders(name, dir);
  if (on_disk != classes) {
    throw DatasetError(fmt::format("{}: {} has the folders [{}]; expected [negative, positive]",
                                   name, dir, fmt::join(on_disk, ", ")));
  }
  check_class_count(request, "rendered-sst2", classes, dir);
  auto files = class_folder_files(name, dir, classes);
  return std::make_unique<LabelledFiles>(name, dir, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
