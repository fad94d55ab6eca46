// The Describable Textures Dataset (DTD) in its original archive layout (dtd-r1.0.1.tar.gz).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = dtd/ as extracted from dtd-r1.0.1.tar.gz:
//   images/<class>/<class>_NNNN.jpg   47 class folders; classes = the sorted folder names
//                                      (label = position; the order of prompts/dtd.json)
//   labels/{train,val,test}1.txt       partition 1 (of 10): one "<class>/<file>.jpg" a line
// Splits: "train", "val", "test" (1,880 each, partition 1, as torchvision's DTD(partition=1)), and
// "trainval" = train1.txt then val1.txt (3,760: the paper's training set size in Table 9).
// Throws DatasetError naming the dataset, the file and the entry for a missing file, a malformed
// entry or an entry whose class folder is not a class; get() throws when the image is missing.
std::unique_ptr<Dataset> open_dtd(const OpenRequest& request);

}  // namespace clipbench::datasets
