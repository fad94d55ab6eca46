// Registration of the special dataset formats: .mat, HDF5, VOC, CLEVR, KITTI, Hateful Memes and
// the video datasets (one adapter per format, see each header for its layout).
#include "datasets/clevr_counts.h"
#include "datasets/flowers102.h"
#include "datasets/format_registry.h"
#include "datasets/hateful_memes.h"
#include "datasets/kinetics700.h"
#include "datasets/kitti_distance.h"
#include "datasets/pcam.h"
#include "datasets/stanford_cars.h"
#include "datasets/ucf101.h"
#include "datasets/voc2007.h"

namespace clipbench::datasets::detail {

void register_special_formats(FormatRegistry& registry) {
  const auto add = [&](DatasetFormat f) {
    const std::string name = f.name;
    registry.add(name, std::move(f));
  };
  add({"stanford-cars",
       "stanford_cars/: devkit/cars_meta.mat, devkit/cars_train_annos.mat, cars_train/, "
       "cars_test_annos_withlabels.mat, cars_test/ (torchvision)",
       {"train", "test"},
       open_stanford_cars});
  add({"flowers102",
       "flowers-102/: jpg/image_%05d.jpg, imagelabels.mat, setid.mat (torchvision)",
       {"train", "val", "trainval", "test"},
       open_flowers102});
  add({"pcam",
       "pcam/: camelyonpatch_level_2_split_{train,valid,test}_{x,y}.h5 (HDF5, torchvision)",
       {"train", "val", "test"},
       open_pcam});
  add({"voc2007",
       "VOCdevkit/VOC2007/: ImageSets/Main/<class>_<split>.txt, JPEGImages/ (multi-label)",
       {"train", "val", "trainval", "test"},
       open_voc2007});
  add({"clevr-counts",
       "CLEVR_v1.0/: scenes/CLEVR_{train,val}_scenes.json, images/{train,val}/ (VTAB count_all)",
       {"train", "val", "trainval", "test", "train_2000", "test_500"},
       open_clevr_counts});
  add({"kitti-distance",
       "kitti/: training/image_2/*.png, training/label_2/*.txt (VTAB closest vehicle distance)",
       {"train", "val", "trainval", "test"},
       open_kitti_distance});
  add({"hateful-memes",
       "hateful_memes/: train.jsonl, dev.jsonl or dev_seen.jsonl, img/*.png",
       {"train", "test", "dev"},
       open_hateful_memes});
  add({"ucf101-video",
       "UCF-101/<Class>/*.avi + ucfTrainTestlist/ (split 1; middle frame via OpenCV)",
       {"train", "test"},
       open_ucf101_video});
  add({"ucf101-frames",
       "ucf101_frames/<split>/<Class>/<video>.jpg (extracted middle frames)",
       {"train", "test"},
       open_ucf101_frames});
  add({"kinetics700-video",
       "kinetics700/<split>/<class>/<clip>.mp4 (middle frame via OpenCV)",
       {"train", "val", "test"},
       open_kinetics700_video});
  add({"kinetics700-frames",
       "kinetics700_frames/<split>/<class>/<clip>.jpg (extracted middle frames)",
       {"train", "val", "test"},
       open_kinetics700_frames});
}

}  // namespace clipbench::datasets::detail
