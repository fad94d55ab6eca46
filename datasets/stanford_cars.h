// Stanford Cars in the torchvision layout (devkit .mat annotations, cars_train/, cars_test/).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "stanford-cars". request.root is the stanford_cars folder (torchvision.datasets.
// StanfordCars):
//   devkit/cars_meta.mat              `class_names`: 1 x 196 cell of char, label order
//   devkit/cars_train_annos.mat       `annotations`: struct array (bbox_x1..bbox_y2, class,
//                                      fname); class is 1-based
//   cars_train/<fname>                8144 images
//   cars_test_annos_withlabels.mat    `annotations` of the test images, same fields
//   cars_test/<fname>                 8041 images
// Splits "train" and "test"; samples in annotation order; label = class - 1 (torchvision does
// the same), so classes() are cars_meta's names in their order (prompts/stanford_cars.json
// follows it). Bounding boxes are not used (the paper classifies whole images).
// Throws DatasetError for a missing .mat file / variable / field, a class outside 1..196, a
// class-count mismatch with the catalogue, or an fname whose image does not exist.
std::unique_ptr<Dataset> open_stanford_cars(const OpenRequest& request);

}  // namespace clipbench::datasets
