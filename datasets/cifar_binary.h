// The "cifar10-binary" and "cifar100-binary" formats: the CIFAR "binary version" archives.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// CIFAR-10 binary (cifar-10-batches-bin/ in request.root):
//   train: data_batch_1.bin .. data_batch_5.bin (in that order), test: test_batch.bin
//   classes: batches.meta.txt, one name per line (trailing blanks trimmed, empty lines dropped)
//   record: 1 label byte + 3072 pixel bytes (R, G and B planes of 32x32, row-major)
std::unique_ptr<Dataset> open_cifar10_binary(const OpenRequest& request);

// CIFAR-100 binary (cifar-100-binary/ in request.root):
//   train: train.bin, test: test.bin; classes: fine_label_names.txt
//   record: coarse label byte + fine label byte + 3072 pixel bytes; the label is the fine one
std::unique_ptr<Dataset> open_cifar100_binary(const OpenRequest& request);

// Both: label bytes are read at open (one pread per record), pixels at get() (pread of the
// record); Sample::pixels is RGB 32x32 and Sample::name "data_batch_2.bin[17]". A file whose
// length is not a whole number of records, a missing file, a label outside the classes, or a
// names file whose count differs from request.class_names (when given) throws DatasetError naming
// the file.
}  // namespace clipbench::datasets
