// The dataset catalogue: the paper's 27 datasets, aYahoo and Fashion-MNIST, with their metric,
// class count, splits and the on-disk layouts clipbench reads (data: datasets/catalogue.json).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace clipbench::datasets {

// One on-disk layout a dataset may have under a data root.
struct Layout {
  std::string format;  // a registered dataset format ("food101", "webdataset", ...)
  std::string path;    // relative to the data root ("food-101", "wds_food101")
};

struct DatasetInfo {
  std::string id;            // "food101": as in ../shared/reference/clip_paper.json and prompts/
  std::string display_name;  // "Food-101"
  // The paper's Table 9 metric: "accuracy", "mean_per_class_recall", "11_point_map",
  // "mean_top1_top5", "roc_auc".
  std::string metric;
  int64_t num_classes = 0;        // the paper's Table 9 class count
  int64_t prompt_classes = 0;     // the number of classes in prompts/<id>.json
  std::string class_count_note;   // when Table 9 and the class list disagree, why (else empty)
  std::vector<std::string> splits;  // splits the layouts provide
  std::string eval_split;           // the split the paper's zero-shot number uses ("test")
  std::string probe_train_split;    // split the probe trains on ("train")
  // The probe's validation split: a split name, or "holdout" for the deterministic
  // class-stratified hold-out from probe_train_split described in probe_val_rule.
  std::string probe_val_split;
  std::string probe_val_rule;
  std::string split_note;  // where the paper's split is not the dataset's own, the rule used
  std::vector<Layout> layouts;  // tried in order under --data-root
  std::string source;           // where the dataset comes from (URL / paper)
  bool from_paper = true;       // false for Fashion-MNIST (ours)
};

// Catalogue ids in the paper's Table 9 order, then aYahoo and Fashion-MNIST.
std::vector<std::string> dataset_ids();
// Throws RegistryError naming near matches for an unknown id.
const DatasetInfo& dataset_info(const std::string& id);

// The first layout of `info` whose path exists under `data_root`, or nullopt.
std::optional<Layout> find_layout(const DatasetInfo& info, const std::string& data_root);

// Opens a split of a catalogued dataset found under data_root. Throws DatasetError when none of
// its layouts exists there (the message lists every path that was looked for), and checks that
// the adapter's class count equals the prompts' class count.
std::unique_ptr<Dataset> open_dataset(const std::string& id, const std::string& data_root,
                                      const std::string& split);

}  // namespace clipbench::datasets
