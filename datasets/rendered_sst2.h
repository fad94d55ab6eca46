// Rendered SST2 in torchvision's layout (rendered-sst2/{train,valid,test}/{negative,positive}/).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root = rendered-sst2/ as extracted from rendered-sst2.tgz (torchvision's
// RenderedSST2): {train,valid,test}/{negative,positive}/<id>.png.
// Classes: exactly "negative" (label 0) and "positive" (1), the order of
// prompts/rendered_sst2.json; another folder in the split is an error. Files in natural order.
// Splits: "train" (6,920), "val" (valid/, 872), "test" (1,821). Table 9's 7,792 training
// images are train + valid. Throws DatasetError naming the dataset and the folder.
std::unique_ptr<Dataset> open_rendered_sst2(const OpenRequest& request);

}  // namespace clipbench::datasets
