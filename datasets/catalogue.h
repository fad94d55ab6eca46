// The dataset catalogue: the paper's 27 datasets, aYahoo and Fashion-MNIST, with their metric,
// class count, splits and the on-disk layouts clipbench reads (data: datasets/catalogue/<id>.json,
// embedded at build time), plus user-defined entries read from a folder at run time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clip/registry.h"
#include "datasets/dataset.h"
#include "datasets/prompts.h"

namespace clipbench::datasets {

// One on-disk layout a dataset may have under a data root.
struct Layout {
  std::string format;  // a registered dataset format ("food101", "webdataset", ...)
  // Relative to the data root ("food-101", "wds_food101"). User entries may give an absolute path,
  // used as is.
  std::string path;
};

// One catalogue entry. The JSON file (schema_version 1) has exactly these fields (plus
// "schema_version"); unknown fields are an error. Required: id, display_name, metric, num_classes,
// prompt_classes, splits, eval_split, probe_train_split, probe_val_split (both "" for a
// zero-shot-only dataset), layouts, source, from_paper. Optional (default empty): class_count_note
// (required when num_classes != prompt_classes), probe_val_rule (required when probe_val_split is
// "holdout"), split_note, prompts; version (default 1).
struct DatasetInfo {
  std::string id;            // "food101": as in ../shared/reference/clip_paper.json and prompts/
  std::string display_name;  // "Food-101"
  // What the adapter and split rules make of the files (>= 1): raised whenever a change alters
  // the items or labels of a split, so that resume re-runs the records of an older version
  // (ResultRecord::dataset_version, reports::record_exists).
  int64_t version = 1;
  // The paper's Table 9 metric: "accuracy", "mean_per_class_recall", "11_point_map",
  // "mean_top1_top5", "roc_auc".
  std::string metric;
  int64_t num_classes = 0;          // the paper's Table 9 class count
  int64_t prompt_classes = 0;       // the number of classes in prompts/<id>.json
  std::string class_count_note;     // when Table 9 and the class list disagree, why (else empty)
  std::vector<std::string> splits;  // splits the layouts provide
  std::string eval_split;           // the split the paper's zero-shot number uses ("test")
  // Split the probe trains on ("train"); empty (with probe_val_split) for a zero-shot-only
  // dataset such as aYahoo.
  std::string probe_train_split;
  // The probe's validation split: a split name, or "holdout" for the deterministic
  // class-stratified hold-out from probe_train_split described in probe_val_rule.
  std::string probe_val_split;
  std::string probe_val_rule;
  std::string split_note;       // where the paper's split is not the dataset's own, the rule used
  std::vector<Layout> layouts;  // tried in order under --data-root
  std::string source;           // where the dataset comes from (URL / paper)
  bool from_paper = true;       // false for Fashion-MNIST (ours)
  // The prompts file: empty for the embedded prompts/<id>.json; for user entries the path given in
  // the entry's "prompts" field (relative paths are resolved against the entry file's folder).
  std::string prompts;
};

// The metric names a catalogue entry may use.
const std::vector<std::string>& catalogue_metrics();

// A set of catalogue entries with their prompt sets. Copyable; lookups are const and thread-safe.
class Catalogue {
 public:
  // The embedded catalogue (datasets/catalogue/*.json), built and validated on first use. Order:
  // datasets/catalogue_order.json (Table 9 rows, then ayahoo, fashion_mnist). Throws DatasetError
  // naming the entry when an embedded entry is invalid (a bug caught by
  // tests/datasets/catalogue_test.cpp).
  static const Catalogue& builtin();

  // The embedded catalogue plus every `*.json` file of `dir`, sorted by file name, after the
  // embedded entries: user-defined datasets, e.g. an ImageFolder of one's own with its own
  // prompts file ("prompts": "../my_prompts.json"). Each `*.json` of `dir` is an entry, so keep
  // prompts files outside it. Entries are validated as the embedded ones, and
  // also their layouts' formats must be registered. Throws FileError when `dir` is not a folder,
  // DatasetError naming the file for an invalid entry or prompts file, RegistryError for an id
  // that is already catalogued or a format that is not registered (with near matches).
  static Catalogue with_user_dir(const std::string& dir);

  // Ids in catalogue order.
  std::vector<std::string> ids() const { return entries_.names(); }
  // Throws RegistryError naming near matches for an unknown id.
  const DatasetInfo& info(const std::string& id) const { return entries_.at(id); }
  bool contains(const std::string& id) const { return entries_.contains(id); }
  // The entry's prompt set: the embedded prompts/<id>.json or the user entry's prompts file.
  const PromptSet& prompts(const std::string& id) const;

  // See open_dataset() below.
  std::unique_ptr<Dataset> open(const std::string& id, const std::string& data_root,
                                const std::string& split) const;

 private:
  explicit Catalogue(std::string what) : entries_(std::move(what)) {}
  void add(DatasetInfo info, std::shared_ptr<const PromptSet> prompts);

  Registry<DatasetInfo> entries_;
  std::map<std::string, std::shared_ptr<const PromptSet>> prompts_;
};

// Parses and validates one catalogue entry (the text of a JSON file); `where` names it in errors.
// Checks: schema_version 1, field names and types, a non-empty id made of [a-z0-9_], metric in
// catalogue_metrics(), num_classes and prompt_classes > 0, class_count_note present when they
// differ, unique non-empty splits, eval_split among splits, probe_train_split among splits and
// probe_val_split among splits or "holdout" (then probe_val_rule is required) -- or both probe
// splits "" for a zero-shot-only dataset --, at least one layout with a format and a path. Throws
// DatasetError naming `where` and the field. Does not look at prompts or formats (Catalogue does).
DatasetInfo parse_dataset_info(const std::string& text, const std::string& where);

// The builtin catalogue's ids: Table 9 order, then ayahoo, then fashion_mnist (those present).
std::vector<std::string> dataset_ids();
// Throws RegistryError naming near matches for an unknown id.
const DatasetInfo& dataset_info(const std::string& id);

// True when this build registers the layout's format. The embedded catalogue may name formats a
// build lacks (tests/datasets/catalogue_test.cpp requires all of them in the full build); such
// layouts are never found or opened.
bool layout_available(const Layout& layout);
// The folder (or file) a layout names under data_root (absolute layout paths as they are).
std::string layout_root(const Layout& layout, const std::string& data_root);

// The first layout of `info` whose path exists under `data_root` and whose format is registered,
// or nullopt.
std::optional<Layout> find_layout(const DatasetInfo& info, const std::string& data_root);

// Opens a split of a catalogued dataset found under data_root, with OpenRequest::class_names the
// prompts' first names. Throws RegistryError for an unknown id, DatasetError for a split the entry
// does not list, when none of its layouts exists there (the message lists every path that was
// looked for), and when the adapter's class count differs from the prompts' class count.
std::unique_ptr<Dataset> open_dataset(const std::string& id, const std::string& data_root,
                                      const std::string& split);

}  // namespace clipbench::datasets
