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
// Splits: VTAB's, i.e. TFDS kitti 3.x (_build_splits), rebuilt exactly: the devkit's
//   mapping/train_rand.txt     comma-separated 1-based lines of train_mapping.txt, one per image
//   mapping/train_mapping.txt  "<date> <drive> <frame>": image i belongs to video (drive)
//                              line[train_rand[i] - 1].split(' ')[1]
// (looked for in <root>/mapping, <root>/devkit_object/mapping, <root>/devkit/mapping; unzip
// devkit_object.zip there). With np.random.seed(123): test videos = np.random.choice(sorted
// videos, max(1, 10 * V // 100), replace=False), then validation videos likewise from the sorted
// rest; "train" = images of the other videos, "val", "test", "trainval" = train + val (VTAB's
// trainval: 6347 + 423 = 6770 and 711 on the real data, Table 9's sizes). NumPy's draws are
// reproduced by numpy_legacy_permutation(). Samples are in image-id order.
// Throws DatasetError for missing mapping files (saying where they are looked for), a mapping line
// out of range, a split image without its PNG or label file, or a malformed label line.
std::unique_ptr<Dataset> open_kitti_distance(const OpenRequest& request);

}  // namespace clipbench::datasets
