// The paper's linear probe of a dataset (Appendix A.3): features of train / val / test, C chosen
// on validation, refit on train + val, test accuracy as a result record.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness/feature_cache.h"
#include "reports/result_record.h"

namespace clipbench::harness {

// The catalogue's hold-out rule: per class, the last floor(fraction * n_c) rows of that class (in
// split order; at least 1 when the class has 2 or more rows) go to validation, the rest stay in
// train. Returns (train rows, val rows), each ascending. labels: int64 [N].
std::pair<std::vector<int64_t>, std::vector<int64_t>> holdout_split(const at::Tensor& labels,
                                                                    double fraction = 0.1);

struct ProbeOptions {
  std::string data_root;
  std::string out_dir = "results";  // records; features cached in <out_dir>/cache/features
  LoaderOptions loader;             // batch size, threads, limit (applied to every split)
  bool force = false;
  std::string model;       // record's model name
  std::string checkpoint;  // record's checkpoint path
  std::string device = "cpu";
  // Data parallel (see harness/distributed.h): every rank calls in step, encodes its shard of each
  // split; rank 0 decides what is done, fits and writes. nullptr: one process.
  ProcessGroup* group = nullptr;
};

struct ProbeOutcome {
  // Written now, or read back when skipped (on ranks other than 0 of a data-parallel run: only
  // the job's identity; rank 0 holds the result).
  reports::ResultRecord record;
  bool skipped = false;  // the record existed (and force was off)
};

// Runs the probe on the catalogue's probe splits (probe_train_split, probe_val_split or the
// hold-out, eval_split for test) and writes one "linear_probe" record (seed 0). Skips when the
// record exists unless force.
ProbeOutcome evaluate_linear_probe(const FeatureExtractor& extractor, const std::string& dataset_id,
                                   const ProbeOptions& options);

// Few-shot probes (baselines::few_shot_probe) on the same splits and cached features: for each k
// in `shots` and each seed in `seeds`, k training rows per class (from the probe train split minus
// the validation hold-out, so nothing from validation is fitted), C chosen on validation, test
// accuracy. One "few_shot" record per (k, seed) with extra.shots = k; existing records are kept
// unless force. Throws baselines::ProbeError naming the class when a class has fewer than k rows.
// Returns the records in shots x seeds order (on rank 0; other ranks of a data-parallel run get
// none).
struct FewShotOutcome {
  std::vector<reports::ResultRecord> records;  // shots x seeds order (rank 0; see above)
  size_t written = 0;                          // records fitted and written by this call
};
FewShotOutcome evaluate_few_shot(const FeatureExtractor& extractor, const std::string& dataset_id,
                                 const ProbeOptions& options, const std::vector<int>& shots,
                                 const std::vector<uint64_t>& seeds);

}  // namespace clipbench::harness
