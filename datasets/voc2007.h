// Pascal VOC 2007 classification in the devkit layout (VOCdevkit/VOC2007), multi-label.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "voc2007". request.root is VOCdevkit/VOC2007 (the trainval and test tars extract there):
//   ImageSets/Main/<split>.txt          image ids of the split, one per line (optional: when
//                                       absent the first class file's ids are used)
//   ImageSets/Main/<class>_<split>.txt  lines "<id> <v>", v = 1 present, -1 absent, 0 difficult
//   JPEGImages/<id>.jpg
// Splits "train", "val", "trainval" (5011 images), "test" (4952). Multi-label: Sample::targets
// has one entry per class (1 / -1 / 0 as in the files), Sample::label = -1, multi_label() true.
// Class order: request.class_names when given (the catalogue's order, prompts/voc2007.json, which
// is NOT the devkit's alphabetical order: ..., sheep, sofa, diningtable, pottedplant, train,
// tvmonitor), each name must have its <class>_<split>.txt; without them, the classes whose files
// exist, sorted by name (the devkit's order). Every class file must list exactly the split's ids.
// Throws DatasetError for a missing file, a value other than 1/-1/0, an id missing from or
// repeated in a class file, or an id whose JPEG does not exist.
std::unique_ptr<Dataset> open_voc2007(const OpenRequest& request);

}  // namespace clipbench::datasets
