// The "gtsrb" format: the German Traffic Sign Recognition Benchmark in torchvision's layout.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root (torchvision's <root>/gtsrb folder, torchvision.datasets.GTSRB):
//   train: GTSRB/Training/<00000..00042>/*.ppm; the label is the class folder's number; class
//          folders in name order, files in name order within a folder (torchvision's
//          make_dataset order). The per-class GT-000NN.csv files are not read.
//   test:  GT-final_test.csv (semicolon-separated; columns Filename, ..., ClassId) naming images
//          in GTSRB/Final_Test/Images/; samples in CSV row order, label = ClassId.
// Samples carry Sample::path (PPM files, decoded by clip's decoder registry through OpenCV).
// Classes: request.class_names (the catalogue's 43 names), else "0".."max label". A missing
// folder or CSV, a class folder whose name is not a number, a CSV row naming a missing image, a
// ClassId that is not an integer, or a label outside the classes throws DatasetError naming the
// file (and CSV line).
std::unique_ptr<Dataset> open_gtsrb(const OpenRequest& request);

}  // namespace clipbench::datasets
