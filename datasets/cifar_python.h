// The "cifar10-python" and "cifar100-python" formats: torchvision's CIFAR downloads (pickles).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// CIFAR-10 python version (cifar-10-batches-py/ in request.root, torchvision.datasets.CIFAR10):
//   train: data_batch_1 .. data_batch_5 (in that order), test: test_batch; each a pickled dict
//   with 'data' (numpy uint8 N x 3072: R, G, B planes of 32x32, row-major) and 'labels' (list of
//   int); classes: batches.meta 'label_names'.
std::unique_ptr<Dataset> open_cifar10_python(const OpenRequest& request);

// CIFAR-100 python version (cifar-100-python/, torchvision.datasets.CIFAR100): train: train,
// test: test, dicts with 'data' and 'fine_labels'; classes: meta 'fine_label_names'.
std::unique_ptr<Dataset> open_cifar100_python(const OpenRequest& request);

// Both: the pickles (protocol 2 from Python 2 cPickle, read by datasets/python_pickle.h) are parsed
// at open and the pixel arrays kept in memory (150 MB for train). Sample::pixels is RGB 32x32,
// Sample::name "data_batch_2[17]". A missing file, a pickle outside the supported subset, a data
// array that is not N x 3072 uint8, a label count that differs from N, a label outside the
// classes, or a class count that differs from request.class_names (when given) throws
// DatasetError naming the file.
}  // namespace clipbench::datasets
