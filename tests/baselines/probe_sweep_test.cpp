// Tests of the C sweep (the paper's parametric binary search) and of the few-shot draws, with the
// sweep's parity against scikit-learn on Fashion-MNIST pixels (fixtures/probe).
#include "baselines/probe_sweep.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "baselines/few_shot.h"
#include "baselines/probe_error.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/idx_reader.h"
#include "tests/support/paths.h"

using namespace clipbench::baselines;

namespace {

// Four noisy classes in 8-D: a problem where small C underfits and the val accuracy varies.
ProbeDataset noisy(int64_t n, uint64_t seed, const std::string& name) {
  torch::manual_seed(seed);
  const torch::Tensor labels = torch::arange(n, torch::kLong) % 4;
  const torch::Tensor centres = torch::eye(4, 8, torch::kDouble) * 1.5;
  const torch::Tensor x = centres.index_select(0, labels) + torch::randn({n, 8}, torch::kDouble);
  return ProbeDataset(x, labels, 4, name);
}

}  // namespace

TEST_CASE("the C sweep follows the parametric binary search", "[unit]") {
  const ProbeDataset train = noisy(200, 1, "train"), val = noisy(200, 2, "val");
  SweepOptions o;
  const SweepChoice c = choose_C(train, val, o);
  REQUIRE(c.evaluated.size() >= 7);
  // The initial grid first, ascending.
  for (size_t i = 0; i < 7; ++i) CHECK(c.evaluated[i].log10_C == o.initial_log10_C[i]);
  // Then, for steps 1, 1/2, 1/4, 1/8, the two neighbours of the best so far.
  auto acc_of = [&](double log10_C) {
    for (const auto& q : c.evaluated)
      if (q.log10_C == log10_C) return q.val_accuracy;
    FAIL("log10 C " << log10_C << " was not evaluated");
    return 0.0;
  };
  // best = the highest val accuracy, ties to the smaller C.
  auto better = [&](double a, double b) {
    return acc_of(a) > acc_of(b) || (acc_of(a) == acc_of(b) && a < b);
  };
  double best = -6;
  for (size_t i = 0; i < 7; ++i)
    if (better(c.evaluated[i].log10_C, best)) best = c.evaluated[i].log10_C;
  // Then, for steps 1, 1/2, 1/4, 1/8, the two neighbours of the best so far.
  size_t next = 7;
  for (double step : {1.0, 0.5, 0.25, 0.125}) {
    const double centre = best;
    for (double candidate : {centre - step, centre + step}) {
      REQUIRE(next < c.evaluated.size());
      CHECK(c.evaluated[next].log10_C == candidate);
      if (better(candidate, best)) best = candidate;
      ++next;
    }
  }
  CHECK(next == c.evaluated.size());
  CHECK(c.best_log10_C == best);
  CHECK(c.best_fit.C == Approx(std::pow(10.0, best)));
  // No point was evaluated twice.
  std::set<double> seen;
  for (const auto& p : c.evaluated) CHECK(seen.insert(p.log10_C).second);
}

TEST_CASE("the C sweep: ties go to the smaller C; warm starts keep the choice", "[unit]") {
  const ProbeDataset train = noisy(120, 3, "train"), val = noisy(120, 4, "val");
  SweepOptions warm, cold;
  cold.warm_start = false;
  const SweepChoice a = choose_C(train, val, warm), b = choose_C(train, val, cold);
  CHECK(a.best_log10_C == b.best_log10_C);
  for (const auto& p : a.evaluated)
    if (p.val_accuracy == a.best_val_accuracy) CHECK(p.log10_C >= a.best_log10_C);
  SweepOptions bad;
  bad.initial_log10_C = {0, 2, 3};
  CHECK_THROWS_AS(choose_C(train, val, bad), ProbeError);
}

TEST_CASE("few-shot draws are seeded, k per class, and fit without validation rows", "[unit]") {
  const torch::Tensor labels = torch::arange(100, torch::kLong) % 5;
  const auto a = sample_few_shot(labels, 5, 4, 7), b = sample_few_shot(labels, 5, 4, 7),
             c = sample_few_shot(labels, 5, 4, 8);
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE(a.size() == 20);
  CHECK(std::is_sorted(a.begin(), a.end()));
  std::vector<int> per_class(5, 0);
  for (int64_t i : a) ++per_class[labels[i].item<int64_t>()];
  CHECK(per_class == std::vector<int>(5, 4));
  CHECK(std::set<int64_t>(a.begin(), a.end()).size() == 20);
  CHECK_THROWS_AS(sample_few_shot(labels, 5, 21, 0), ProbeError);  // 20 rows per class
  CHECK_THROWS_AS(sample_few_shot(labels, 5, 0, 0), ProbeError);

  const ProbeDataset train = noisy(200, 5, "train"), val = noisy(100, 6, "val"),
                     test = noisy(100, 7, "test");
  FewShotOptions o;
  o.shots = {2, 8};
  o.seeds = {0, 1};
  const FewShotResult r = few_shot_probe(train, val, test, o);
  REQUIRE(r.runs.size() == 4);
  // Each run's test accuracy is that of the fit on its k-shot rows alone at the chosen C.
  for (const auto& run : r.runs) {
    const auto rows = sample_few_shot(train.labels(), 4, run.k, run.seed);
    const auto index = torch::tensor(rows, torch::kLong);
    const ProbeDataset subset(train.features().index_select(0, index),
                              train.labels().index_select(0, index), 4, "subset");
    const auto fit = fit_logistic_regression(subset, std::pow(10.0, run.log10_C));
    CHECK(accuracy(fit.model, test) == Approx(run.test_accuracy).margin(0.02));
  }
  CHECK(r.mean_test_accuracy.at(2) ==
        Approx((r.runs[0].test_accuracy + r.runs[1].test_accuracy) / 2));
}

TEST_CASE("the C sweep matches scikit-learn's on Fashion-MNIST pixels", "[parity]") {
  const auto fx =
      clipbench::test::read_json_file(clipbench::test::fixture("probe/fashion_mnist_pixels.json"));
  const auto& ref = fx.at("sweep");
  const auto tr = clipbench::test::fashion_mnist_pixels("train", 0, 5000);
  const auto va = clipbench::test::fashion_mnist_pixels("train", 5000, 6000);
  const auto te = clipbench::test::fashion_mnist_pixels("t10k", 0, 2000);
  const ProbeDataset train(tr.features, tr.labels, 10, "train");
  const ProbeDataset val(va.features, va.labels, 10, "val");
  const ProbeDataset test(te.features, te.labels, 10, "test");
  const SweepResult r = sweep_and_refit(train, val, test);
  for (const auto& p : r.choice.evaluated) {
    const std::string key = p.log10_C == std::round(p.log10_C)
                                ? std::to_string(static_cast<int>(p.log10_C))
                                : fmt::format("{}", p.log10_C);
    const auto& evaluated = ref.at("evaluated_log10C");
    const std::string ref_acc = evaluated.contains(key)          ? evaluated.at(key).dump()
                                : evaluated.contains(key + ".0") ? evaluated.at(key + ".0").dump()
                                                                 : "-";
    WARN("log10 C " << p.log10_C << ": val " << p.val_accuracy << " (sklearn " << ref_acc << "), "
                    << p.iterations << " iterations, " << p.seconds << " s");
  }
  WARN("chosen log10 C " << r.choice.best_log10_C << " (sklearn " << ref.at("best_log10C")
                         << "), test " << r.test_accuracy << " (sklearn " << ref.at("test_acc")
                         << "), " << r.seconds << " s (sklearn " << ref.at("seconds_total")
                         << " s)");
  CHECK(std::abs(r.choice.best_log10_C - ref.at("best_log10C").get<double>()) <= 0.125 + 1e-9);
  CHECK(std::abs(r.test_accuracy - ref.at("test_acc").get<double>()) <= 0.005);
}
