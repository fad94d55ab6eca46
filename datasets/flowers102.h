// Oxford Flowers-102 in the torchvision layout (flowers-102/: jpg/, imagelabels.mat, setid.mat).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "flowers102". request.root is the flowers-102 folder (torchvision.datasets.Flowers102):
//   imagelabels.mat   variable `labels`: 1 x 8189, the 1-based class of image_00001 .. image_08189
//   setid.mat         variables `trnid`, `valid`, `tstid`: 1-based image ids of train/val/test
//   jpg/image_%05d.jpg
// Splits "train" (trnid, 1020), "val" (valid, 1020), "test" (tstid, 6149); "trainval" is train
// then val. Sample order is the order of the ids in setid.mat; label = labels[id - 1] - 1, so
// label order is the Flowers-102 label id order (label 0 = id 1 = "pink primrose", which is the
// order of prompts/flowers102.json). The files hold no class names: classes() are
// request.class_names when given (102 of them), else "1" .. "102".
// Throws DatasetError for a missing .mat file or variable, an id outside 1..N, a label outside
// 1..102 (or outside the catalogue's count), or an id whose jpg file does not exist.
std::unique_ptr<Dataset> open_flowers102(const OpenRequest& request);

}  // namespace clipbench::datasets
