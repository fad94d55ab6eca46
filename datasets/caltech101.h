// Caltech-101 in its original archive layout (101_ObjectCategories/), with a deterministic split.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = caltech101/ holding 101_ObjectCategories/<class>/image_NNNN.jpg (as
// extracted from 101_ObjectCategories.tar.gz, also torchvision's Caltech101 download).
// Classes: all 102 class folders sorted by byte value, BACKGROUND_Google included
// (BACKGROUND_Google, Faces, Faces_easy, Leopards, Motorbikes, accordion, ...): the order and
// count of prompts/caltech101.json ("background", "off-center face", "centered face", ...) and
// Table 9. (torchvision drops BACKGROUND_Google and has 101 classes.)
// Split (the dataset has none; the paper samples 30 training images per class): per class, the
// files in natural name order; "train" = the first 30, "test" = the rest (3,060 / 6,085 on the
// full dataset of 9,145 images: Table 9's sizes). A class with 30 images or fewer is an error.
// Throws DatasetError naming the dataset and the folder.
std::unique_ptr<Dataset> open_caltech101(const OpenRequest& request);

}  // namespace clipbench::datasets
