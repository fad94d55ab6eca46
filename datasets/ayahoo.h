// The aYahoo test set (Farhadi et al. 2009) with its attribute annotation file.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = ayahoo/ laid out as the two archives of the attribute datasets page
// extract (our choice of folder names, documented in datasets/catalogue/ayahoo.json):
//   ayahoo_test.txt (or attribute_data/ayahoo_test.txt, as in attribute_data.tgz)  one object a
//       line, space-separated: "<image> <class> <x1> <y1> <x2> <y2> <attribute values...>"
//   ayahoo_test_images/<image>   the images (ayahoo_test_images.tar.gz)
// Classes: the distinct class names of the annotation, sorted (bag, building, carriage, centaur,
// donkey, goat, jetski, monkey, mug, statue, wolf, zebra: the order of prompts/ayahoo.json).
// An image may hold several object lines: the split has one sample per distinct (image, class)
// pair, in the order of their first line (the boxes are not used).
// Split: "test" (the only one). Throws DatasetError naming the dataset, the file and the entry
// for a missing file or a line with fewer than 6 fields; get() throws when the image is missing.
std::unique_ptr<Dataset> open_ayahoo(const OpenRequest& request);

}  // namespace clipbench::datasets
