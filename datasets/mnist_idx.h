// The "mnist-idx" format: MNIST-style idx files (MNIST, Fashion-MNIST), gzipped or not.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads torchvision's MNIST/raw layout (and the Debian / original download, which has only the
// .gz files) in request.root:
//   train: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]
//   test:  t10k-images-idx3-ubyte[.gz],  t10k-labels-idx1-ubyte[.gz]
// The uncompressed file is used when present, else the .gz one (decompressed with zlib once, at
// open; the split is held in memory: 47 MB for MNIST train). Files are checked as LeCun's idx
// format: images magic 0x00000803 (ubyte, 3 dims: count, rows, cols), labels magic 0x00000801
// (ubyte, 1 dim), big-endian sizes, exact file lengths, equal counts in both files.
// Samples: Sample::pixels in mode L, rows x cols (28x28), label = the label byte.
// Classes: request.class_names (the catalogue's); when empty, "0".."max label". A label outside
// the classes throws DatasetError naming the labels file and the index.
std::unique_ptr<Dataset> open_mnist_idx(const OpenRequest& request);

}  // namespace clipbench::datasets
