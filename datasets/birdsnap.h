// Birdsnap v1.1 as distributed (birdsnap.tgz) with the images its get_birdsnap.py downloaded.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = birdsnap/ as extracted from birdsnap.tgz (readme.txt describes the files):
//   species.txt      tab-separated, header line, then "id common scientific dir" with ids 1..500;
//                    classes() = the common names in id order, label = id - 1 (alphabetical by
//                    common name: the order of prompts/birdsnap.json, which drops apostrophes)
//   images.txt       tab-separated, header line naming the columns; this adapter reads "path"
//                    ("<dir>/<file>.jpg") and "species_id"
//   test_images.txt  header line "path", then one images.txt path a line (2,443 test images)
//   download/images/<path>   the images fetched by `python get_birdsnap.py` (its default folder)
// Splits:
//   "test"  = the paths of test_images.txt; "train" = the other paths of images.txt. Every listed
//             image must exist (get() throws DatasetError naming the entry otherwise).
//   "test_downloaded", "train_downloaded" = the same lists keeping only the images present on
//             disk (checked at open; source() says how many of how many). Many Flickr URLs are
//             dead: the paper's Table 9 test size (2,149 of the 2,443 listed) is such a subset.
// Throws DatasetError naming the dataset, the file and the entry for a missing file, a missing
// column, a species_id outside 1..N, a test path that is not in images.txt.
std::unique_ptr<Dataset> open_birdsnap(const OpenRequest& request);

}  // namespace clipbench::datasets
