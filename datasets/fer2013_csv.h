// The "fer2013-csv" format: FER2013 as the Kaggle CSV files (torchvision.datasets.FER2013 layout).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root (torchvision's <root>/fer2013 folder). The first file found is used, as in
// torchvision 0.19+:
//   fer2013.csv         columns emotion,pixels,Usage (the full Kaggle release):
//                       Usage Training -> train, PublicTest -> val, PrivateTest -> test
//   icml_face_data.csv  the same columns (header names with leading spaces, trimmed here)
//   train.csv/test.csv  the challenge files: train.csv (emotion,pixels) -> train, test.csv -> test
//                       (it must have an emotion column: the challenge's test.csv has none and is
//                       rejected); no val split.
// Rows are read in file order. pixels: 48*48 = 2304 space-separated values 0..255, row-major.
// Sample::pixels is mode L 48x48, Sample::name "fer2013.csv:line 12". Labels: the emotion value
// 0..6 (angry, disgust, fear, happy, sad, surprise, neutral). Classes: request.class_names
// (the catalogue's), else "0".."max label". A missing file or column, a pixels cell of the wrong
// length or with a value outside 0..255, or a label outside the classes throws DatasetError
// naming the file and line. The whole split is parsed and kept in memory at open (83 MB for the
// full CSV).
std::unique_ptr<Dataset> open_fer2013_csv(const OpenRequest& request);

}  // namespace clipbench::datasets
