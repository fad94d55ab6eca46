// Multinomial logistic regression with scikit-learn's objective, fitted by full-batch L-BFGS.
#include "baselines/logistic_regression.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>

#include "baselines/multinomial_loss.h"
#include "baselines/probe_error.h"
#include "clip/state_dict.h"

namespace clipbench::baselines {
namespace {

std::string sizes_string(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void check_features(const torch::Tensor& features, int64_t expected_dim, const std::string& what) {
  if (!features.defined() || features.dim() != 2 || !features.is_floating_point())
    throw ProbeError(
        fmt::format("{}: features must be a floating-point [N, D] tensor, got {} {}", what,
                    features.defined() ? c10::toString(features.scalar_type()) : "undefined",
                    features.defined() ? sizes_string(features) : ""));
  if (expected_dim >= 0 && features.size(1) != expected_dim)
    throw ProbeError(fmt::format("{}: features have {} dimensions, the model expects {}", what,
                                 features.size(1), expected_dim));
}

}  // namespace

torch::Tensor LogisticRegressionModel::decision_function(const torch::Tensor& features) const {
  check_features(features, num_features(), "decision_function");
  return torch::addmm(bias, features.to(torch::kDouble), weight.t());
}

torch::Tensor LogisticRegressionModel::predict(const torch::Tensor& features) const {
  return decision_function(features).argmax(1);
}

ProbeDataset::ProbeDataset(const torch::Tensor& features, const torch::Tensor& labels,
                           int64_t num_classes, const std::string& name)
    : num_classes_(num_classes), name_(name) {
  check_features(features, -1, name);
  if (!labels.defined() || labels.dim() != 1 || labels.is_floating_point() ||
      labels.scalar_type() == torch::kBool)
    throw ProbeError(fmt::format("{}: labels must be an integer [N] tensor", name));
  if (labels.size(0) != features.size(0))
    throw ProbeError(
        fmt::format("{}: {} feature rows but {} labels", name, features.size(0), labels.size(0)));
  if (features.size(0) == 0) throw ProbeError(fmt::format("{}: the split is empty", name));
  if (num_classes < 2)
    throw ProbeError(fmt::format("{}: expected at least 2 classes, got {}", name, num_classes));
  const bool narrow = features.scalar_type() == torch::kFloat ||
                      features.scalar_type() == torch::kHalf ||
                      features.scalar_type() == torch::kBFloat16;
  features_ = features.to(torch::kCPU, narrow ? torch::kFloat : torch::kDouble).contiguous();
  labels_ = labels.to(torch::kCPU, torch::kLong).contiguous();
  if (!torch::isfinite(features_).all().item<bool>())
    throw ProbeError(fmt::format("{}: features hold NaN or infinite values", name));
  const int64_t lo = labels_.min().item<int64_t>(), hi = labels_.max().item<int64_t>();
  if (lo < 0 || hi >= num_classes)
    throw ProbeError(fmt::format("{}: labels span [{}, {}], expected values in [0, {})", name, lo,
                                 hi, num_classes));
}

ProbeDataset ProbeDataset::concat(const ProbeDataset& a, const ProbeDataset& b,
                                  const std::string& name) {
  if (a.num_features() != b.num_features() || a.num_classes() != b.num_classes())
    throw ProbeError(fmt::format("cannot stack {} (D={}, K={}) and {} (D={}, K={})", a.name(),
                                 a.num_features(), a.num_classes(), b.name(), b.num_features(),
                                 b.num_classes()));
  ProbeDataset d;
  const bool same = a.features_.scalar_type() == b.features_.scalar_type();
  d.features_ =
      same ? torch::cat({a.features_, b.features_}, 0)
           : torch::cat({a.features_.to(torch::kDouble), b.features_.to(torch::kDouble)}, 0);
  d.labels_ = torch::cat({a.labels_, b.labels_}, 0);
  d.num_classes_ = a.num_classes_;
  d.name_ = name;
  return d;
}

LogisticRegressionResult fit_logistic_regression(const ProbeDataset& train, double C,
                                                 const LbfgsOptions& options,
                                                 const LogisticRegressionModel* warm_start) {
  if (!(C > 0.0) || !std::isfinite(C))
    throw ProbeError(fmt::format("logistic regression: C must be positive and finite, got {}", C));
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t N = train.size(), D = train.num_features(), K = train.num_classes();
  const torch::Tensor& X = train.features();
  const torch::Tensor counts = torch::bincount(train.labels(), {}, K);
  for (int64_t k = 0; k < K; ++k)
    if (counts[k].item<int64_t>() == 0)
      throw ProbeError(fmt::format(
          "{}: class {} has no example ({} classes expected); the multinomial fit needs every "
          "class present",
          train.name(), k, K));
  const double l2 = 1.0 / C;  // scikit-learn's l2_reg_strength
  const auto dbl = torch::TensorOptions().dtype(torch::kDouble);

  // x = [W (K x D, row-major), b (K)].
  std::vector<double> x0(static_cast<size_t>(K * (D + 1)), 0.0);
  if (warm_start) {
    if (!warm_start->weight.defined() || warm_start->num_classes() != K ||
        warm_start->num_features() != D)
      throw ProbeError(
          fmt::format("{}: the warm start does not have shape K={}, D={}", train.name(), K, D));
    torch::from_blob(x0.data(), {K, D}, dbl).copy_(warm_start->weight);
    torch::from_blob(x0.data() + K * D, {K}, dbl).copy_(warm_start->bias);
  }

  const int64_t* yp = train.labels().data_ptr<int64_t>();
  const bool single = X.scalar_type() == torch::kFloat;
  // The loss kernel plus the penalty 0.5 / C ||W||^2 and its gradient. float32 features also get
  // a float32-arithmetic objective, used while far from the optimum (mixed precision, see
  // minimize_lbfgs); float64 features are fitted in float64 throughout.
  enum class Arithmetic { kFloat64, kFloat32 };
  auto penalized = [&](Arithmetic arithmetic) -> LbfgsObjective {
    return [&, arithmetic](const std::vector<double>& x, std::vector<double>& grad) -> double {
      const double* W = x.data();
      double* GW = grad.data();
      const double loss = arithmetic == Arithmetic::kFloat32
                              ? multinomial_loss_gradient_float32(X.data_ptr<float>(), yp, N, D, K,
                                                                  W, W + K * D, GW, GW + K * D)
                          : single ? multinomial_loss_gradient(X.data_ptr<float>(), yp, N, D, K, W,
                                                               W + K * D, GW, GW + K * D)
                                   : multinomial_loss_gradient(X.data_ptr<double>(), yp, N, D, K, W,
                                                               W + K * D, GW, GW + K * D);
      double penalty = 0.0;
      for (int64_t i = 0; i < K * D; ++i) {
        penalty += W[i] * W[i];
        GW[i] += l2 * W[i];
      }
      return loss + 0.5 * l2 * penalty;
    };
  };
  const LbfgsObjective exact = penalized(Arithmetic::kFloat64);
  const LbfgsObjective fast = penalized(Arithmetic::kFloat32);
  const bool mixed = single && options.mixed_precision;
  LbfgsResult r = minimize_lbfgs(exact, std::move(x0), options, mixed ? &fast : nullptr);

  LogisticRegressionResult out;
  out.C = C;
  auto params = torch::from_blob(r.x.data(), {K * (D + 1)}, dbl).clone();
  out.model.weight = params.narrow(0, 0, K * D).view({K, D});
  out.model.bias = params.narrow(0, K * D, K);
  out.objective = C * r.f;
  out.iterations = r.iterations;
  out.evaluations = r.evaluations;
  out.fast_evaluations = r.fast_evaluations;
  out.mixed_precision = mixed;
  out.stop = r.stop;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

double accuracy(const LogisticRegressionModel& model, const ProbeDataset& data) {
  if (model.num_classes() != data.num_classes())
    throw ProbeError(fmt::format("{}: {} classes, the model has {}", data.name(),
                                 data.num_classes(), model.num_classes()));
  const torch::Tensor pred = model.predict(data.features());
  return pred.eq(data.labels()).to(torch::kDouble).mean().item<double>();
}

}  // namespace clipbench::baselines
