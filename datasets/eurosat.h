// EuroSAT (RGB) in its original archive layout (2750/<class>/), with a deterministic split.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = eurosat/ holding 2750/<class>/<class>_<n>.jpg (EuroSAT.zip as extracted by
// torchvision's EuroSAT; 27,000 images, 10 class folders of 2,000 to 3,000 images).
// Classes (label order) follow prompts/eurosat.json, which is not the alphabetical folder order:
//   Forest, PermanentCrop, Residential, River, Pasture, SeaLake, HerbaceousVegetation,
//   AnnualCrop, Industrial, Highway
// ("forest", "permanent crop land", "residential buildings ...", "river", "pasture land",
// "lake or sea", "brushland or shrubland", "annual crop land", "industrial buildings ...",
// "highway or road"). classes() returns these folder names in that order.
// Split (the dataset has none; Table 9 has 10,000 train / 5,000 test): per class, the files in
// natural name order (AnnualCrop_1, AnnualCrop_2, ..., AnnualCrop_10, ...); "train" = the first
// 1,000, "test" = the next 500. The remaining images are not used. A class with fewer than 1,500
// images is an error. Throws DatasetError naming the dataset and the folder.
std::unique_ptr<Dataset> open_eurosat(const OpenRequest& request);

}  // namespace clipbench::datasets
