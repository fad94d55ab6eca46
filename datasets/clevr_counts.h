// CLEVR Counts (VTAB's clevr count_all task) from the CLEVR v1.0 release (images + scene JSON).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "clevr-counts". request.root is CLEVR_v1.0:
//   scenes/CLEVR_train_scenes.json, scenes/CLEVR_val_scenes.json
//       {"scenes": [{"image_filename": "CLEVR_train_000000.png", "objects": [...], ...}, ...]}
//       (parsed with a SAX handler that keeps only file names and object counts)
//   images/train/<image_filename>, images/val/<image_filename>
// The label is the number of objects in the scene (3..10). Class order is the prompts' order,
// which is string order: "10", "3", "4", ..., "9" (prompts/clevr_counts.json), so count 10 ->
// label 0 and count c -> c - 2; with request.class_names those names are used and each count maps
// to the position of its decimal string among them.
// Splits, as VTAB (task_adaptation clevr.py, TRAIN_SPLIT_PERCENT = 90) sizes them: "train" = the
// first 90% of CLEVR train (63000), "val" = the last 10% (7000), "trainval" = all of CLEVR train
// (70000), "test" = CLEVR val (15000; CLEVR test has no scenes). VTAB slices TFDS's record order
// (records sorted by a hash of the file name); that order is not reproduced: ours is scene-file
// order, so the train/val membership differs from VTAB's. The paper's Table 9 uses 2000 / 500
// images, a sample it does not publish; ours is "train_2000" / "test_500": images
// floor(i * N / k), i = 0..k-1, of "train" / "test".
// Throws DatasetError for a missing scenes file, malformed JSON, a scene without a file name, a
// count outside the classes, or an image that does not exist.
std::unique_ptr<Dataset> open_clevr_counts(const OpenRequest& request);

}  // namespace clipbench::datasets
