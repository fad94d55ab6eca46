// Few-shot linear probes: k training examples per class drawn with a documented seeded procedure,
// C chosen on the validation split, averaged over seeds.
#include "baselines/few_shot.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <random>

#include "baselines/probe_error.h"

namespace clipbench::baselines {
namespace {

// Uniform in [0, m) without modulo bias: reject r < 2^64 mod m.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t m) {
  const uint64_t threshold = (0 - m) % m;  // == 2^64 mod m
  uint64_t r;
  do {
    r = rng();
  } while (r < threshold);
  return r % m;
}

}  // namespace

std::vector<int64_t> sample_few_shot(const torch::Tensor& labels, int64_t num_classes, int k,
                                     uint64_t seed) {
  if (k < 1) throw ProbeError(fmt::format("few-shot: k must be at least 1, got {}", k));
  const torch::Tensor l = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(num_classes));
  for (int64_t i = 0; i < l.numel(); ++i) {
    if (p[i] < 0 || p[i] >= num_classes)
      throw ProbeError(
          fmt::format("few-shot: label {} at row {} is outside [0, {})", p[i], i, num_classes));
    rows[static_cast<size_t>(p[i])].push_back(i);
  }
  std::mt19937_64 rng(seed);
  std::vector<int64_t> chosen;
  for (int64_t c = 0; c < num_classes; ++c) {
    auto& r = rows[static_cast<size_t>(c)];
    if (static_cast<int64_t>(r.size()) < k)
      throw ProbeError(
          fmt::format("few-shot: class {} has {} training rows, {} requested", c, r.size(), k));
    for (size_t i = 0; i < static_cast<size_t>(k); ++i)
      std::swap(r[i], r[i + uniform_below(rng, r.size() - i)]);
    chosen.insert(chosen.end(), r.begin(), r.begin() + k);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

FewShotResult few_shot_probe(const ProbeDataset& train, const ProbeDataset& val,
                             const ProbeDataset& test, const FewShotOptions& options) {
  if (options.shots.empty() || options.seeds.empty())
    throw ProbeError("few-shot: give at least one k and one seed");
  FewShotResult result;
  for (int k : options.shots) {
    double sum = 0.0;
    for (uint64_t seed : options.seeds) {
      const std::vector<int64_t> rows =
          sample_few_shot(train.labels(), train.num_classes(), k, seed);
      const torch::Tensor index = torch::tensor(rows, torch::kLong);
      const ProbeDataset subset(train.features().index_select(0, index),
                                train.labels().index_select(0, index), train.num_classes(),
                                fmt::format("{}[{}-shot seed {}]", train.name(), k, seed));
      const SweepChoice choice = choose_C(subset, val, options.sweep);
      FewShotRun run;
      run.k = k;
      run.seed = seed;
      run.log10_C = choice.best_log10_C;
      run.val_accuracy = choice.best_val_accuracy;
      run.test_accuracy = accuracy(choice.best_fit.model, test);
      run.seconds = choice.seconds;
      sum += run.test_accuracy;
      result.runs.push_back(run);
    }
    result.mean_test_accuracy[k] = sum / static_cast<double>(options.seeds.size());
  }
  return result;
}

}  // namespace clipbench::baselines
