// Choosing the logistic-regression C on a validation split by the CLIP paper's parametric binary
// search, then refitting on train + val and scoring test.
#include "baselines/probe_sweep.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>

#include "baselines/probe_error.h"

namespace clipbench::baselines {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// log10 C values are multiples of 2^-k: exact in binary, so they can key a map directly.
struct Evaluated {
  SweepPoint point;
  LogisticRegressionResult fit;
};

}  // namespace

SweepChoice choose_C(const ProbeDataset& train, const ProbeDataset& val,
                     const SweepOptions& options) {
  const auto& grid = options.initial_log10_C;
  if (grid.empty()) throw ProbeError("C sweep: the initial log10 C grid is empty");
  if (!(options.min_step > 0.0))
    throw ProbeError(fmt::format("C sweep: min_step must be positive, got {}", options.min_step));
  double step = grid.size() > 1 ? grid[1] - grid[0] : options.min_step;
  for (size_t i = 1; i < grid.size(); ++i)
    if (!(grid[i] > grid[i - 1]) || std::abs((grid[i] - grid[i - 1]) - step) > 1e-12)
      throw ProbeError(fmt::format(
          "C sweep: the initial log10 C grid must be ascending and evenly spaced; {} follows {}",
          grid[i], grid[i - 1]));
  if (train.num_features() != val.num_features() || train.num_classes() != val.num_classes())
    throw ProbeError(fmt::format("C sweep: {} has D={}, K={} but {} has D={}, K={}", train.name(),
                                 train.num_features(), train.num_classes(), val.name(),
                                 val.num_features(), val.num_classes()));
  const auto t0 = std::chrono::steady_clock::now();
  SweepChoice choice;
  std::map<double, Evaluated> done;

  auto evaluate = [&](double log10_C) -> const Evaluated& {
    auto it = done.find(log10_C);
    if (it != done.end()) return it->second;
    const LogisticRegressionModel* warm = nullptr;
    if (options.warm_start && !done.empty()) {
      // The nearest evaluated C; on a tie the smaller one (std::map is ascending).
      double best_distance = INFINITY;
      for (const auto& [c, e] : done) {
        const double distance = std::abs(c - log10_C);
        if (distance < best_distance) {
          best_distance = distance;
          warm = &e.fit.model;
        }
      }
    }
    Evaluated e;
    e.fit = fit_logistic_regression(train, std::pow(10.0, log10_C), options.lbfgs, warm);
    e.point.log10_C = log10_C;
    e.point.val_accuracy = accuracy(e.fit.model, val);
    e.point.iterations = e.fit.iterations;
    e.point.evaluations = e.fit.evaluations;
    e.point.fast_evaluations = e.fit.fast_evaluations;
    e.point.objective = e.fit.objective;
    e.point.stop = e.fit.stop;
    e.point.seconds = e.fit.seconds;
    choice.evaluated.push_back(e.point);
    return done.emplace(log10_C, std::move(e)).first->second;
  };
  // Strictly better accuracy wins; on equal accuracy the smaller C.
  auto better = [](const SweepPoint& a, const SweepPoint& b) {
    return a.val_accuracy > b.val_accuracy ||
           (a.val_accuracy == b.val_accuracy && a.log10_C < b.log10_C);
  };

  double best = grid.front();
  for (double c : grid) {
    const SweepPoint& p = evaluate(c).point;  // before done.at(best): the first c is the best
    if (better(p, done.at(best).point)) best = c;
  }
  while (step > options.min_step * (1.0 + 1e-9)) {
    step /= 2.0;
    const double centre = best;
    for (double c : {centre - step, centre + step}) {
      const SweepPoint& p = evaluate(c).point;
      if (better(p, done.at(best).point)) best = c;
    }
  }
  const Evaluated& chosen = done.at(best);
  choice.best_log10_C = best;
  choice.best_val_accuracy = chosen.point.val_accuracy;
  choice.best_fit = chosen.fit;
  choice.seconds = seconds_since(t0);
  return choice;
}

SweepResult sweep_and_refit(const ProbeDataset& train, const ProbeDataset& val,
                            const ProbeDataset& test, const SweepOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepResult r;
  r.choice = choose_C(train, val, options);
  const ProbeDataset train_val = ProbeDataset::concat(train, val, train.name() + "+" + val.name());
  r.refit = fit_logistic_regression(train_val, std::pow(10.0, r.choice.best_log10_C), options.lbfgs,
                                    options.warm_start ? &r.choice.best_fit.model : nullptr);
  r.test_accuracy = accuracy(r.refit.model, test);
  r.seconds = seconds_since(t0);
  return r;
}

}  // namespace clipbench::baselines
