// ImageNet (ILSVRC2012) in the layouts torchvision and the original archives produce.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = imagenet/ in one of two layouts:
//  1. class folders (torchvision.datasets.ImageNet after parse_val_archive, or any
//     "ILSVRC/Data/CLS-LOC"-style copy): <split>/<wnid>/*.JPEG. Classes = the wnid folders sorted
//     (n01440764, ..., n15075141), label = position. Files in natural name order.
//  2. flat validation images as in ILSVRC2012_img_val.tar: val/ILSVRC2012_val_00000001.JPEG, ...
//     with the devkit (ILSVRC2012_devkit_t12.tar.gz) extracted next to it:
//       ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt  line i = the
//           ILSVRC2012_ID (1-based) of ILSVRC2012_val_<i, 8 digits>.JPEG
//       ILSVRC2012_devkit_t12/data/meta.mat  struct array `synsets` with fields ILSVRC2012_ID,
//           WNID, num_children; the leaf synsets (num_children == 0) are the classes.
//     The devkit's ILSVRC2012_IDs are not in wnid order (ID 1 is n02119789), so the label is
//     the position of the image's wnid among the sorted leaf wnids, as in layout 1.
//     Read with matio. Only "val" exists in this layout.
// Layout 2 is used when val/ holds no sub-folder. The sorted-wnid order is the standard
// 1000-class order of prompts/imagenet.json (tench = n01440764 first, toilet tissue = n15075141
// last). Splits: "train" (train/, class folders only), "val" (the 50,000 images the paper
// reports as its test set). Throws DatasetError naming the dataset, the file and the entry (a
// missing file, an ILSVRC2012_ID that is not a leaf synset of meta.mat, a malformed line);
// get() throws when the image is missing.
std::unique_ptr<Dataset> open_imagenet(const OpenRequest& request);

}  // namespace clipbench::datasets
