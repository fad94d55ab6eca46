// Few-shot linear probes: k training examples per class drawn with a documented seeded procedure,
// C chosen on the validation split, averaged over seeds.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "baselines/probe_sweep.h"

namespace clipbench::baselines {

// The rows of a k-shot draw from `labels` ([N] int64, values in [0, num_classes)), ascending.
// Procedure (portable, independent of the standard library's distributions):
//   rng = std::mt19937_64(seed); for each class c = 0, 1, ..., num_classes - 1 in turn: list the
//   rows with label c in ascending order (n_c of them); for i = 0 .. k-1: draw j uniformly from
//   [i, n_c) and swap entries i and j (a partial Fisher-Yates shuffle); keep the first k entries.
//   A uniform draw in [0, m): repeat r = rng() while r < (2^64 mod m); return r mod m.
// Throws ProbeError when k < 1 or some class has fewer than k rows (naming the class and count).
std::vector<int64_t> sample_few_shot(const torch::Tensor& labels, int64_t num_classes, int k,
                                     uint64_t seed);

struct FewShotOptions {
  std::vector<int> shots = {1, 2, 4, 8, 16};  // k per class
  std::vector<uint64_t> seeds = {0, 1, 2};    // one draw per seed, averaged
  SweepOptions sweep;                         // the C search for each draw
};

struct FewShotRun {
  int k = 0;
  uint64_t seed = 0;
  double log10_C = 0.0;  // chosen on val
  double val_accuracy = 0.0;
  double test_accuracy = 0.0;  // of the fit on the k-shot rows only
  double seconds = 0.0;
};

struct FewShotResult {
  std::vector<FewShotRun> runs;              // shots x seeds, in that order
  std::map<int, double> mean_test_accuracy;  // k -> mean over seeds
};

// For each k and seed: draw k rows per class from `train` (sample_few_shot), choose C on `val`
// with choose_C fitted on those rows only, and score `test` with that fit. Validation rows are
// only scored, never fitted (no refit on train + val: that would use more than k per class).
FewShotResult few_shot_probe(const ProbeDataset& train, const ProbeDataset& val,
                             const ProbeDataset& test, const FewShotOptions& options = {});

}  // namespace clipbench::baselines
