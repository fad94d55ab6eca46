// Multinomial logistic regression with scikit-learn's objective, fitted by full-batch L-BFGS.
#pragma once

#include <torch/types.h>

#include <string>

#include "baselines/lbfgs.h"

namespace clipbench::baselines {

// A fitted multinomial model: logits = features @ weight^T + bias.
struct LogisticRegressionModel {
  torch::Tensor weight;  // [K, D] float64
  torch::Tensor bias;    // [K] float64

  int64_t num_classes() const { return weight.size(0); }
  int64_t num_features() const { return weight.size(1); }
  // [N, K] float64 logits for float32 / float64 features [N, D]. Throws ProbeError on a shape
  // mismatch.
  torch::Tensor decision_function(const torch::Tensor& features) const;
  // [N] int64 argmax of the logits (the first maximum on ties, as numpy's argmax).
  torch::Tensor predict(const torch::Tensor& features) const;
};

struct LogisticRegressionResult {
  LogisticRegressionModel model;
  double C = 1.0;
  // C * sum_i cross_entropy_i + 0.5 * ||weight||^2 (bias unpenalized) at the solution: the
  // objective as the fixtures report it.
  double objective = 0.0;
  int iterations = 0;        // L-BFGS iterations (scikit-learn's n_iter_)
  int evaluations = 0;       // objective + gradient evaluations
  int fast_evaluations = 0;  // of which in float32 arithmetic (mixed precision)
  // Whether the fit could use float32 arithmetic (float32 features and
  // LbfgsOptions::mixed_precision); false: float64 throughout.
  bool mixed_precision = false;
  LbfgsStop stop = LbfgsStop::kMaxIterations;
  double seconds = 0.0;  // wall time of the fit
  bool converged() const {
    return stop == LbfgsStop::kGradientTolerance || stop == LbfgsStop::kFunctionTolerance;
  }
};

// The training data in the solver's layout: features copied once to contiguous CPU memory, kept in
// float32 when they are float32 or narrower (CLIP and ResNet features are; float32 rows halve the
// solver's memory traffic and allow its float32 phase), float64 otherwise.
class ProbeDataset {
 public:
  // features: [N, D] floating point; labels: [N] integer in [0, num_classes). `name` (e.g. "train")
  // names the split in errors. Throws ProbeError on bad shapes, dtypes, non-finite features or
  // labels out of range.
  ProbeDataset(const torch::Tensor& features, const torch::Tensor& labels, int64_t num_classes,
               const std::string& name);
  // The rows of `a` followed by those of `b` (train + val for the refit); same D and K.
  static ProbeDataset concat(const ProbeDataset& a, const ProbeDataset& b, const std::string& name);

  // [N, D] float32 or float64 (see above), contiguous
  const torch::Tensor& features() const { return features_; }
  const torch::Tensor& labels() const { return labels_; }  // [N] int64
  int64_t size() const { return features_.size(0); }
  int64_t num_features() const { return features_.size(1); }
  int64_t num_classes() const { return num_classes_; }
  const std::string& name() const { return name_; }

 private:
  ProbeDataset() = default;
  torch::Tensor features_, labels_;
  int64_t num_classes_ = 0;
  std::string name_;
};

// Fits the multinomial logistic regression of scikit-learn 1.2
// LogisticRegression(C, solver="lbfgs", multi_class="multinomial", tol, max_iter): it minimizes
// sum_i CE_i + 0.5 / C * ||W||^2 (scikit-learn's scaling, so that the gradient tolerance means
// the same thing) with minimize_lbfgs and `options` (defaults = what scikit-learn passes to
// scipy), from zeros or from `warm_start` (a model of matching shape). Arithmetic: float64 for
// float64 features; for float32 features, float32 arithmetic while far from the optimum and
// float64 for the rest, every stopping test on float64 values (minimize_lbfgs's mixed precision;
// options.mixed_precision = false: float64 throughout). Every class in
// [0, num_classes) must have a training example. Throws ProbeError on C <= 0, a class without
// training examples or a warm start of the wrong shape.
LogisticRegressionResult fit_logistic_regression(
    const ProbeDataset& train, double C, const LbfgsOptions& options = {},
    const LogisticRegressionModel* warm_start = nullptr);

// Fraction of rows whose predicted class equals the label.
double accuracy(const LogisticRegressionModel& model, const ProbeDataset& data);

}  // namespace clipbench::baselines
