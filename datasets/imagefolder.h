// The "imagefolder" format: one folder per class holding image files, read as torchvision's
// datasets.ImageFolder reads it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Splits "train", "val", "test": <root>/<split>/<class>/.../<image>. Split "all": the class folders
// are directly under <root> (<root>/<class>/.../<image>), a dataset without split folders.
//
// As torchvision.datasets.ImageFolder (find_classes + make_dataset, allow_empty=False):
//   - classes: the names of the sub-folders of the split folder (symbolic links followed; files
//     ignored), sorted by byte value (Python's str sort on UTF-8); label i = classes[i];
//   - images: per class in label order, files found recursively (symlinked folders followed),
//     visiting folders in sorted path order and files in sorted name order, whose extension is
//     one of .jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp (case-insensitive); other files are
//     skipped, as torchvision does.
// When request.class_names is non-empty its size must equal the number of class folders (the
// folder names are the dataset's classes(); the catalogue's names are only counted).
// Throws DatasetError naming the dataset and folder when the split folder is missing, has no
// class folder, a class folder has no image, or the class count differs. get() returns the file
// path (decoded lazily) and throws DatasetError when the file has disappeared since open.
std::unique_ptr<Dataset> open_imagefolder(const OpenRequest& request);

// The image extensions ImageFolder accepts (lower case, with the dot).
const std::vector<std::string>& imagefolder_extensions();

}  // namespace clipbench::datasets
