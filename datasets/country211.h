// Country211 in torchvision's layout (country211/{train,valid,test}/<country code>/*.jpg).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = country211/ as extracted from country211.tgz (torchvision's Country211):
//   {train,valid,test}/<ISO 3166-1 alpha-2 code>/<id>.jpg
// Classes: the 211 country-code folders of the split, sorted (AD, AE, AF, ..., ZW); label =
// position. prompts/country211.json lists the country names in that same code order (Andorra,
// United Arab Emirates, Afghanistan, ..., Zimbabwe). Files within a class in natural name order.
// Splits: "train" (train/, 31,650), "val" (valid/, 10,550), "test" (test/, 21,100). Table 9's
// training size prints 43,200; train + valid = 42,200. Throws DatasetError naming the dataset and
// the folder.
std::unique_ptr<Dataset> open_country211(const OpenRequest& request);

}  // namespace clipbench::datasets
