// Choosing the logistic-regression C on a validation split by the CLIP paper's parametric binary
// search, then refitting on train + val and scoring test.
#pragma once

#include <vector>

#include "baselines/lbfgs.h"
#include "baselines/logistic_regression.h"

namespace clipbench::baselines {

struct SweepOptions {
  // The first grid (log10 C), evenly spaced; its spacing is the first step.
  std::vector<double> initial_log10_C = {-6, -4, -2, 0, 2, 4, 6};
  double min_step = 0.125;  // stop once the step (in decades) has been halved down to this
  // Start each fit from the solution at the nearest already evaluated C (ties: the smaller C), and
  // the refit from the chosen C's fit on train. Off: every fit starts from zeros as
  // scikit-learn's does. Converged fits reach the same optimum either way (to the solver's
  // tolerance); fits that stop at max_iterations (large C) may differ slightly.
  bool warm_start = true;
  LbfgsOptions lbfgs;  // per fit (scikit-learn's defaults)
};

// One evaluated C.
struct SweepPoint {
  double log10_C = 0.0;
  double val_accuracy = 0.0;
  int iterations = 0;
  int evaluations = 0;       // objective + gradient evaluations (scipy's nfev)
  int fast_evaluations = 0;  // of which in float32 arithmetic (mixed precision)
  double objective = 0.0;    // C * sum CE + 0.5 ||W||^2 on train
  LbfgsStop stop = LbfgsStop::kMaxIterations;
  double seconds = 0.0;
};

struct SweepChoice {
  std::vector<SweepPoint> evaluated;  // in evaluation order
  double best_log10_C = 0.0;
  double best_val_accuracy = 0.0;
  LogisticRegressionResult best_fit;  // the fit on train at the chosen C
  double seconds = 0.0;
};

// The search: fit on `train` and score `val` at each log10 C of the initial grid (ascending);
// best = highest val accuracy (ties: the smaller C); then repeatedly halve the step and evaluate
// best - step and best + step, keeping the best of {best - step, best, best + step} (ties: the
// smaller C), until the step equals min_step. A C evaluated before is not refitted.
// Throws ProbeError when the grid is empty, not ascending and evenly spaced, or min_step <= 0,
// or when train / val disagree in D or K.
SweepChoice choose_C(const ProbeDataset& train, const ProbeDataset& val,
                     const SweepOptions& options = {});

struct SweepResult {
  SweepChoice choice;
  LogisticRegressionResult refit;  // on train + val at the chosen C
  double test_accuracy = 0.0;
  double seconds = 0.0;  // choice + refit + scoring
};

// choose_C, then the refit on train + val at the chosen C, scored on `test` (the paper's
// protocol, as fixtures/probe/fashion_mnist_pixels.json "sweep" reproduces).
SweepResult sweep_and_refit(const ProbeDataset& train, const ProbeDataset& val,
                            const ProbeDataset& test, const SweepOptions& options = {});

}  // namespace clipbench::baselines
