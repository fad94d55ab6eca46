// KITTI closest-vehicle distance (VTAB's kitti task) from the KITTI object detection training set.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "kitti-distance". request.root is the kitti folder (the object detection download):
//   training/image_2/<id>.png   the left colour camera images (7481)
//   training/label_2/<id>.txt   one object per line: type truncated occluded alpha x1 y1 x2 y2
//                               h w l x y z rotation_y  (location x y z in metres, camera frame)
// Label (VTAB task_adaptation kitti.py, _closest_vehicle_distance_pp): d = the smallest z of the
// objects of type Car, Van or Truck (1000 when there is none; DontCare and other types ignored);
// thresholds [-100, 8, 20, 999]: label = the last i with threshold[i] < d, i.e.
//   0: d <= 8 m   1: 8 < d <= 20 m   2: 20 < d <= 999 m   3: no vehicle
// which is the order of prompts/kitti.json ("car on my left or right side", "car nearby", "car in
// the distance", "no car"). classes() are request.class_names (4) when given, else short names.
// Splits (ours, deterministic): images sorted by id, position p: "test" p % 10 == 9, "val"
// p % 20 == 4, "train" the rest, "trainval" = train + val. VTAB splits by drive with the devkit's
// mapping files and NumPy's RNG (TFDS kitti: 6347 / 423 / 711); that is not reproduced here, so
// frames of one drive can fall in different splits and the sizes differ (about 85% / 5% / 10%).
// Throws DatasetError for a missing folder, an image without its label file, or a malformed line.
std::unique_ptr<Dataset> open_kitti_distance(const OpenRequest& request);

}  // namespace clipbench::datasets
