// SUN397 in its original archive layout with the official partition files (Partitions.zip).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = SUN397/ as extracted from SUN397.tar.gz, with Partitions.zip extracted
// into it (SUN397/Partitions/):
//   ClassName.txt (SUN397/ClassName.txt, else Partitions/ClassName.txt)  397 lines "/a/abbey",
//       ..., "/w/wine_cellar/bottle_storage"; class name = the line without its "/<letter>/"
//       prefix ("abbey", "wine_cellar/bottle_storage"); label = line index (the order of
//       prompts/sun397.json: "abbey", ..., "wine cellar bottle storage", ...)
//   Partitions/Training_01.txt, Testing_01.txt   one "/a/abbey/sun_aaalbzqrimafwbiv.jpg" a line
//   <letter>/<class>/<file>.jpg                   the images, relative to SUN397/
// Splits: "train" (Training_01.txt, 19,850) and "test" (Testing_01.txt, 19,850): partition 1 of
// the 10 official ones (50 + 50 images per class), Table 9's sizes.
// Throws DatasetError naming the dataset, the file and the entry; get() throws when the image is
// missing.
std::unique_ptr<Dataset> open_sun397(const OpenRequest& request);

}  // namespace clipbench::datasets
