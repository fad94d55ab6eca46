// The Oxford-IIIT Pet dataset in its original archive layout (also torchvision's OxfordIIITPet).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = oxford-iiit-pet/ as extracted from images.tar.gz and annotations.tar.gz:
//   annotations/trainval.txt, test.txt   "Image CLASS-ID SPECIES BREED-ID" a line, e.g.
//                                         "Abyssinian_100 1 1 1"; '#' lines are comments
//   images/<Image>.jpg
// The breed name of an image is its name without the final "_<number>".
// Class order: the dataset's CLASS-IDs 1..37 sort the breed names case-insensitively
// (Abyssinian, american_bulldog, ..., Bengal, ...), but prompts.md (prompts/oxford_pets.json)
// sorts them case-sensitively (the 12 capitalised cat breeds first). This adapter follows the
// prompts: classes() = the breed names in byte order, label = position there. The CLASS-ID is
// still checked: in [1, 37] (or the class list's size) and always paired with the same breed.
// Every CLASS-ID from 1 to the largest one must occur in the split file (its breed name is read
// from its images). Splits: "trainval" (3,680) and "test" (3,669), as in Table 9.
// Throws DatasetError naming the dataset, the file and the entry; get() throws when the image
// is missing.
std::unique_ptr<Dataset> open_oxford_pets(const OpenRequest& request);

}  // namespace clipbench::datasets
