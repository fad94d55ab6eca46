// Registration of the list dataset formats: image lists with split files (ImageNet, Food-101, ...).
#include "datasets/ayahoo.h"
#include "datasets/birdsnap.h"
#include "datasets/caltech101.h"
#include "datasets/country211.h"
#include "datasets/dtd.h"
#include "datasets/eurosat.h"
#include "datasets/fgvc_aircraft.h"
#include "datasets/food101.h"
#include "datasets/format_registry.h"
#include "datasets/imagenet.h"
#include "datasets/oxford_pets.h"
#include "datasets/rendered_sst2.h"
#include "datasets/resisc45.h"
#include "datasets/sun397.h"

namespace clipbench::datasets::detail {

void register_list_formats(FormatRegistry& registry) {
  registry.add("imagenet", {"imagenet",
                            "imagenet/: {train,val}/<wnid>/*.JPEG, or val/ILSVRC2012_val_*.JPEG + "
                            "ILSVRC2012_devkit_t12/data/{ILSVRC2012_validation_ground_truth.txt,"
                            "meta.mat}",
                            {"train", "val"},
                            open_imagenet});
  registry.add("food101", {"food101",
                           "food-101/: meta/classes.txt, meta/{train,test}.txt, "
                           "images/<class>/<id>.jpg",
                           {"train", "test"},
                           open_food101});
  registry.add("oxford-pets", {"oxford-pets",
                               "oxford-iiit-pet/: annotations/{trainval,test}.txt, "
                               "images/<Image>.jpg; labels in prompts.md's breed order",
                               {"trainval", "test"},
                               open_oxford_pets});
  registry.add("dtd", {"dtd",
                       "dtd/: labels/{train,val,test}1.txt (partition 1), images/<class>/*.jpg",
                       {"train", "val", "test", "trainval"},
                       open_dtd});
  registry.add("fgvc-aircraft", {"fgvc-aircraft",
                                 "fgvc-aircraft-2013b/data/: variants.txt, "
                                 "images_variant_<split>.txt, images/<id>.jpg (100 variants)",
                                 {"train", "val", "test", "trainval"},
                                 open_fgvc_aircraft});
  registry.add("sun397", {"sun397",
                          "SUN397/: ClassName.txt, Partitions/{Training,Testing}_01.txt, "
                          "<letter>/<class>/*.jpg",
                          {"train", "test"},
                          open_sun397});
  registry.add("caltech101", {"caltech101",
                              "caltech101/101_ObjectCategories/<class>/*.jpg (102 classes); "
                              "train = first 30 per class, test = the rest",
                              {"train", "test"},
                              open_caltech101});
  registry.add("eurosat", {"eurosat",
                           "eurosat/2750/<class>/*.jpg; per class train = first 1000, "
                           "test = next 500 (natural name order)",
                           {"train", "test"},
                           open_eurosat});
  registry.add("country211", {"country211",
                              "country211/{train,valid,test}/<country code>/*.jpg",
                              {"train", "val", "test"},
                              open_country211});
  registry.add("rendered-sst2", {"rendered-sst2",
                                 "rendered-sst2/{train,valid,test}/{negative,positive}/*.png",
                                 {"train", "val", "test"},
                                 open_rendered_sst2});
  registry.add("resisc45", {"resisc45",
                            "resisc45/NWPU-RESISC45/<class>/*.jpg + optional resisc45-<split>.txt; "
                            "else per class train = first 70, val = next 70, test = the rest",
                            {"train", "val", "test"},
                            open_resisc45});
  registry.add("birdsnap", {"birdsnap",
                            "birdsnap/: species.txt, images.txt, test_images.txt, "
                            "download/images/<path>; *_downloaded keeps the images on disk",
                            {"train", "test", "train_downloaded", "test_downloaded"},
                            open_birdsnap});
  registry.add("ayahoo", {"ayahoo",
                          "ayahoo/: ayahoo_test.txt (or attribute_data/ayahoo_test.txt), "
                          "ayahoo_test_images/<image>",
                          {"test"},
                          open_ayahoo});
}

}  // namespace clipbench::datasets::detail
