// Food-101 in its original archive layout (also torchvision.datasets.Food101's).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = food-101/ as extracted from food-101.tar.gz:
//   meta/classes.txt          101 class folder names, one a line ("apple_pie"); label = line index
//   meta/train.txt, test.txt  one entry a line, "<class>/<image id>" ("apple_pie/1005649")
//   images/<class>/<id>.jpg   the image of each entry
// Splits: "train" (75,750 entries), "test" (25,250). The classes.txt order is the sorted folder
// order torchvision uses and the order of prompts/food101.json.
// Throws DatasetError (naming the dataset, the file and the entry) when a file is missing, an
// entry's class is not in classes.txt or the entry is malformed; get() throws when an entry's
// image does not exist.
std::unique_ptr<Dataset> open_food101(const OpenRequest& request);

}  // namespace clipbench::datasets
