// NWPU-RESISC45 as extracted from NWPU-RESISC45.rar, with optional split files or a fixed rule.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = resisc45/ holding NWPU-RESISC45/<class>/<class>_NNN.jpg (45 classes of 700
// images). Classes = the class folders sorted (airplane, airport, ..., wetland), label = position:
// the order of prompts/resisc45.json.
// Splits "train", "val", "test":
//  - when resisc45/resisc45-<split>.txt exists (the split files distributed for tfds/torchgeo:
//    one image file name a line, "airplane_001.jpg", 60/20/20%), its entries in file order; the
//    class of an entry is its name without the final "_<number>.jpg";
//  - otherwise the deterministic rule (the dataset has no official split): per class, the files
//    in natural name order; train = the first 70, val = the next 70, test = the rest (3,150 /
//    3,150 / 25,200 on the full dataset: Table 9's train and test sizes). A class with 140
//    images or fewer is an error.
// Throws DatasetError naming the dataset, the file and the entry; get() throws when a listed
// image is missing.
std::unique_ptr<Dataset> open_resisc45(const OpenRequest& request);

}  // namespace clipbench::datasets
