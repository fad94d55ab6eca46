// PatchCamelyon in its HDF5 release (pcam/camelyonpatch_level_2_split_<split>_{x,y}.h5).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "pcam". request.root is the pcam folder (torchvision.datasets.PCAM layout):
//   camelyonpatch_level_2_split_{train,valid,test}_x.h5   dataset "x": uint8 [N, 96, 96, 3]
//   camelyonpatch_level_2_split_{train,valid,test}_y.h5   dataset "y": uint8 [N, 1, 1, 1]
// Splits "train" (262144), "val" (file name "valid", 32768), "test" (32768). The labels (N
// bytes) are read at open time, 0 = no tumour tissue ("lymph node"), 1 = metastatic tissue;
// get(i) reads row i of "x" with an HDF5 hyperslab and returns it as Sample::pixels (RGB 96x96).
// HDF5 is not thread-safe by default: every HDF5 call holds one process-wide mutex, so
// concurrent get() is safe (and serialised). classes() are request.class_names (2) when given,
// else "0", "1". Throws DatasetError for a missing file, a missing dataset, a wrong shape or
// type, differing x/y row counts, or a label other than 0/1.
std::unique_ptr<Dataset> open_pcam(const OpenRequest& request);

}  // namespace clipbench::datasets
