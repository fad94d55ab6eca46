// The "stl10-binary" format: the STL-10 binary archive as torchvision.datasets.STL10 reads it.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads stl10_binary/ in request.root:
//   train: train_X.bin + train_y.bin, test: test_X.bin + test_y.bin; classes: class_names.txt
//   (one name per line, label order). The unlabeled split and the 10 training folds
//   (fold_indices.txt) are not read.
//   X: N records of 3 x 96 x 96 bytes, each channel plane column-major (MATLAB order);
//   y: N bytes, labels 1..10 (the sample label is y - 1).
// Labels are read at open, pixels at get() with pread. Sample::pixels is RGB 96x96, Sample::name
// "test_X.bin[17]". A missing file, an X file that is not a whole number of records, X and y
// counts that differ, a label outside 1..classes, or a class count that differs from
// request.class_names (when given) throws DatasetError naming the file.
std::unique_ptr<Dataset> open_stl10_binary(const OpenRequest& request);

}  // namespace clipbench::datasets
