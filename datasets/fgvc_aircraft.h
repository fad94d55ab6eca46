// FGVC-Aircraft 2013b in its original archive layout (also torchvision.datasets.FGVCAircraft's).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = fgvc-aircraft-2013b/ as extracted from fgvc-aircraft-2013b.tar.gz, at the
// variant level (100 classes, the paper's):
//   data/variants.txt                       the 100 variant names, one a line; label = line index
//                                           (the order of prompts/fgvc_aircraft.json)
//   data/images_variant_<split>.txt         "<image id> <variant>" a line; the variant is the rest
//                                           of the line after the first space and may hold spaces
//                                           and slashes ("Cessna 172", "F/A-18")
//   data/images/<image id>.jpg
// Splits: "train", "val", "test", "trainval" (6,667 trainval / 3,333 test as in Table 9).
// Throws DatasetError naming the dataset, the file and the entry for a missing file, a malformed
// entry or a variant not in variants.txt; get() throws when the image is missing.
std::unique_ptr<Dataset> open_fgvc_aircraft(const OpenRequest& request);

}  // namespace clipbench::datasets
