// The registry of on-disk dataset formats: format name -> a function that opens one split.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "clip/registry.h"
#include "datasets/dataset.h"

namespace clipbench::datasets {

// A dataset that cannot be read as its layout says: a missing file or folder, a label outside the
// class range, an annotation naming a missing image, an unknown split. The message names the
// dataset, the file and what was expected.
class DatasetError : public Error {
 public:
  using Error::Error;
};

// What an adapter gets when it opens a split.
struct OpenRequest {
  std::string dataset;  // catalogue id ("food101"), or the format name for ad-hoc use
  std::string root;     // the folder (or file) of the dataset's layout, e.g. <data-root>/food-101
  std::string split;    // "train", "val", "test", ... (each format documents the splits it knows)
  // Class names in label order from the catalogue (prompts/<id>.json, first name of each class);
  // formats whose files carry no class names (idx, CIFAR binary, CSV lists) use them; formats
  // that read names from disk check the count against them when non-empty.
  std::vector<std::string> class_names;
};

using OpenFunction = std::function<std::unique_ptr<Dataset>(const OpenRequest&)>;

struct DatasetFormat {
  std::string name;         // "imagefolder", "webdataset", "mnist-idx", "cifar10-binary", ...
  std::string description;  // the on-disk layout in one or two lines, for `clipbench datasets`
  std::vector<std::string> splits;  // the split names the format accepts
  OpenFunction open;
};

// Every format, in registration order. Formats are registered once, by register_builtin_formats()
// (called by the accessor); a duplicate name throws RegistryError; an unknown name suggests near
// matches.
const DatasetFormat& dataset_format(const std::string& name);
std::vector<std::string> dataset_format_names();

// Opens `request.split` of `request.root` with the named format. Throws DatasetError for an
// unknown split (listing the format's splits), RegistryError for an unknown format.
std::unique_ptr<Dataset> open_format(const std::string& format, const OpenRequest& request);

}  // namespace clipbench::datasets

namespace clipbench::datasets::detail {

using FormatRegistry = Registry<DatasetFormat>;

// Each group file registers its formats (explicit calls, so a static library drops none):
//   formats_generic.cpp  imagefolder, file list CSV, webdataset, idx, CIFAR, STL-10, FER2013, GTSRB
//   formats_lists.cpp    image lists with split files (ImageNet, Food-101, Pets, DTD, ...)
//   formats_special.cpp  .mat, HDF5, VOC, CLEVR, KITTI, Hateful Memes, video datasets
void register_generic_formats(FormatRegistry& registry);
void register_list_formats(FormatRegistry& registry);
void register_special_formats(FormatRegistry& registry);

}  // namespace clipbench::datasets::detail
