// Tests of the multinomial logistic regression: optimality of the fit, errors, and parity with
// scikit-learn 1.2 on Fashion-MNIST pixels (fixtures/probe/fashion_mnist_pixels.json).
#include "baselines/logistic_regression.h"

#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "baselines/probe_error.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/idx_reader.h"
#include "tests/support/paths.h"

using clipbench::baselines::fit_logistic_regression;
using clipbench::baselines::ProbeDataset;
using clipbench::baselines::ProbeError;

namespace {

// Three Gaussian blobs in 5-D, overlapping enough that the optimum is finite at any C.
ProbeDataset blobs(int64_t n, uint64_t seed, const std::string& name) {
  torch::manual_seed(seed);
  const torch::Tensor labels = torch::arange(n, torch::kLong) % 3;
  const torch::Tensor centres = torch::tensor(
      {{1.0, 0.0, 0.0, 0.5, 0.0}, {0.0, 1.0, 0.0, 0.0, -0.5}, {0.0, 0.0, 1.0, 0.5, 0.5}},
      torch::kDouble);
  const torch::Tensor x = centres.index_select(0, labels) + torch::randn({n, 5}, torch::kDouble);
  return ProbeDataset(x, labels, 3, name);
}

// scikit-learn's objective sum CE + 0.5 / C ||W||^2 and its gradient, by autograd.
std::pair<double, double> objective_and_max_gradient(const ProbeDataset& d, const torch::Tensor& w,
                                                     const torch::Tensor& b, double C) {
  auto W = w.clone().requires_grad_(true), B = b.clone().requires_grad_(true);
  auto z = torch::addmm(B, d.features(), W.t());
  auto f =
      torch::nn::functional::cross_entropy(
          z, d.labels(), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) +
      0.5 / C * W.pow(2).sum();
  f.backward();
  const double g =
      std::max(W.grad().abs().max().item<double>(), B.grad().abs().max().item<double>());
  return {f.item<double>(), g};
}

}  // namespace

TEST_CASE("logistic regression reaches scikit-learn's optimality test", "[unit]") {
  const ProbeDataset train = blobs(300, 1, "blobs");
  for (double C : {0.01, 1.0, 100.0}) {
    CAPTURE(C);
    const auto r = fit_logistic_regression(train, C);
    REQUIRE(r.converged());
    const auto [f, g] = objective_and_max_gradient(train, r.model.weight, r.model.bias, C);
    // Stopped by scipy's tests: max |g| <= pgtol = 1e-4 (up to summation order), or a relative
    // decrease of f below factr * eps, where the gradient is small but may exceed pgtol.
    if (r.stop == clipbench::baselines::LbfgsStop::kGradientTolerance)
      CHECK(g <= 1.5e-4);
    else
      CHECK(g <= 1e-2);
    CHECK(r.objective == Approx(C * f).epsilon(1e-12));
    CHECK(r.model.weight.sizes() == torch::IntArrayRef({3, 5}));
    CHECK(r.model.bias.sizes() == torch::IntArrayRef({3}));
  }
}

TEST_CASE("logistic regression: a warm start reaches the same optimum", "[unit]") {
  const ProbeDataset train = blobs(300, 2, "blobs");
  const auto cold = fit_logistic_regression(train, 10.0);
  const auto from_small_C = fit_logistic_regression(train, 0.1);
  const auto warm = fit_logistic_regression(train, 10.0, {}, &from_small_C.model);
  REQUIRE(cold.converged());
  REQUIRE(warm.converged());
  CHECK(warm.objective == Approx(cold.objective).epsilon(1e-7));
  CHECK((warm.model.weight - cold.model.weight).abs().max().item<double>() < 1e-3);
}

TEST_CASE("logistic regression rejects bad input with clear errors", "[unit]") {
  const torch::Tensor x = torch::randn({6, 2});
  CHECK_THROWS_AS(ProbeDataset(x, torch::tensor({0, 1, 2}, torch::kLong), 3, "train"),
                  ProbeError);  // 6 rows, 3 labels
  CHECK_THROWS_AS(ProbeDataset(x, torch::tensor({0, 1, 2, 0, 1, 3}, torch::kLong), 3, "train"),
                  ProbeError);  // label 3 outside [0, 3)
  CHECK_THROWS_AS(ProbeDataset(torch::full({6, 2}, NAN), torch::zeros({6}, torch::kLong), 3, "t"),
                  ProbeError);
  const ProbeDataset no_class2(x, torch::tensor({0, 1, 0, 1, 0, 1}, torch::kLong), 3, "train");
  try {
    fit_logistic_regression(no_class2, 1.0);
    FAIL("expected a ProbeError");
  } catch (const ProbeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("class 2 has no example"));
  }
  CHECK_THROWS_AS(fit_logistic_regression(blobs(30, 3, "b"), 0.0), ProbeError);
}

TEST_CASE("logistic regression matches scikit-learn on Fashion-MNIST pixels at fixed C",
          "[parity]") {
  const auto fx =
      clipbench::test::read_json_file(clipbench::test::fixture("probe/fashion_mnist_pixels.json"));
  const auto tr = clipbench::test::fashion_mnist_pixels("train", 0, 5000);
  const auto va = clipbench::test::fashion_mnist_pixels("train", 5000, 6000);
  const auto te = clipbench::test::fashion_mnist_pixels("t10k", 0, 2000);
  const ProbeDataset train(tr.features, tr.labels, 10, "train");
  const ProbeDataset val(va.features, va.labels, 10, "val");
  const ProbeDataset test(te.features, te.labels, 10, "test");
  for (const auto& [c_text, ref] : fx.at("fixed_C").items()) {
    const double C = std::stod(c_text);
    const auto r = fit_logistic_regression(train, C);
    const double val_acc = clipbench::baselines::accuracy(r.model, val);
    const double test_acc = clipbench::baselines::accuracy(r.model, test);
    INFO("C=" << C << " objective " << r.objective << " (sklearn " << ref.at("objective")
              << ") iterations " << r.iterations << " (sklearn " << ref.at("n_iter") << ") val "
              << val_acc << " test " << test_acc << " (sklearn " << ref.at("test_acc") << ") "
              << r.seconds << " s (sklearn " << ref.at("seconds") << " s)");
    CHECK(std::abs(test_acc - ref.at("test_acc").get<double>()) <= 0.005);
    CHECK(std::abs(r.objective / ref.at("objective").get<double>() - 1.0) <= 1e-3);
    WARN("C=" << C << ": objective " << r.objective << " vs " << ref.at("objective")
              << ", iterations " << r.iterations << " vs " << ref.at("n_iter") << ", val "
              << val_acc << " vs " << ref.at("val_acc") << ", test " << test_acc << " vs "
              << ref.at("test_acc") << ", " << r.seconds << " s vs " << ref.at("seconds") << " s");
  }
}

TEST_CASE("float32 features are kept in float32 and fit as their float64 values", "[unit]") {
  const ProbeDataset wide = blobs(200, 7, "blobs64");
  const ProbeDataset narrow(wide.features().to(torch::kFloat), wide.labels(), 3, "blobs32");
  CHECK(narrow.features().scalar_type() == torch::kFloat);
  CHECK(ProbeDataset(wide.features().to(torch::kHalf), wide.labels(), 3, "h")
            .features()
            .scalar_type() == torch::kFloat);
  CHECK(wide.features().scalar_type() == torch::kDouble);
  // The float64 copy of the float32 values: the same numbers. In float64 arithmetic, the same fit
  // (float32 rows are widened exactly and summed in the same order).
  const ProbeDataset widened(narrow.features().to(torch::kDouble), wide.labels(), 3, "widened");
  clipbench::baselines::LbfgsOptions float64;
  float64.mixed_precision = false;
  const auto a = fit_logistic_regression(narrow, 1.0, float64);
  const auto b = fit_logistic_regression(widened, 1.0);
  CHECK(a.fast_evaluations == 0);
  CHECK(b.fast_evaluations == 0);  // float64 features: no float32 phase
  CHECK(a.iterations == b.iterations);
  CHECK(a.objective == Approx(b.objective).epsilon(1e-12));
  CHECK((a.model.weight - b.model.weight).abs().max().item<double>() < 1e-9);
  // Mixed precision (the default for float32 features): float32 iterations first, then float64
  // to the same stopping rule, so the same optimum to the solver's tolerance.
  const auto m = fit_logistic_regression(narrow, 1.0);
  CHECK(m.fast_evaluations > 0);
  CHECK(m.evaluations > m.fast_evaluations);
  CHECK(m.converged());
  CHECK(m.objective == Approx(b.objective).epsilon(1e-7));
  CHECK((m.model.weight - b.model.weight).abs().max().item<double>() <
        1e-3 * b.model.weight.abs().max().item<double>());
  // Stacking a float32 and a float64 split promotes to float64.
  const ProbeDataset both = ProbeDataset::concat(narrow, wide, "both");
  CHECK(both.features().scalar_type() == torch::kDouble);
  CHECK(both.size() == 400);
}
