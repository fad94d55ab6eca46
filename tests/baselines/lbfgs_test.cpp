// Tests of the L-BFGS minimizer: convergence on classic problems, scipy's stopping rules, errors.
#include "baselines/lbfgs.h"

#include <cmath>

#include "baselines/probe_error.h"
#include "tests/support/catch.h"

using clipbench::baselines::LbfgsOptions;
using clipbench::baselines::LbfgsStop;
using clipbench::baselines::minimize_lbfgs;

namespace {

// The n-dimensional Rosenbrock function (minimum 0 at all ones).
double rosenbrock(const std::vector<double>& x, std::vector<double>& g) {
  double f = 0.0;
  std::fill(g.begin(), g.end(), 0.0);
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i], b = 1.0 - x[i];
    f += 100.0 * a * a + b * b;
    g[i] += -400.0 * a * x[i] - 2.0 * b;
    g[i + 1] += 200.0 * a;
  }
  return f;
}

// The same function evaluated in float32 (the mixed-precision solver's "fast" objective).
double rosenbrock_float32(const std::vector<double>& x, std::vector<double>& g) {
  float f = 0.0f;
  std::vector<float> gf(x.size(), 0.0f);
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    const float xi = static_cast<float>(x[i]), xj = static_cast<float>(x[i + 1]);
    const float a = xj - xi * xi, b = 1.0f - xi;
    f += 100.0f * a * a + b * b;
    gf[i] += -400.0f * a * xi - 2.0f * b;
    gf[i + 1] += 200.0f * a;
  }
  std::copy(gf.begin(), gf.end(), g.begin());
  return f;
}

}  // namespace

TEST_CASE("mixed precision: a fast objective far from the optimum, exact values for every stop",
          "[unit]") {
  const clipbench::baselines::LbfgsObjective fast = rosenbrock_float32;
  std::vector<double> g(10);
  SECTION("converges to the exact tolerance, the fast objective doing the early iterations") {
    LbfgsOptions o;
    o.pgtol = 1e-8;  // far below what float32 gradients can resolve near the optimum
    o.factr = 0.0;
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(10, -1.2), o, &fast);
    REQUIRE(r.stop == LbfgsStop::kGradientTolerance);
    CHECK(r.fast_evaluations > 10);
    CHECK(r.evaluations > r.fast_evaluations);
    for (double v : r.x) CHECK(std::abs(v - 1.0) < 1e-6);
    CHECK(r.f == rosenbrock(r.x, g));  // reported values are the exact objective's
    CHECK(r.gradient_max_abs <= 1e-8);
  }
  SECTION("mixed_precision = false ignores the fast objective") {
    LbfgsOptions o;
    o.mixed_precision = false;
    const auto with = minimize_lbfgs(rosenbrock, std::vector<double>(10, -1.2), o, &fast);
    const auto without = minimize_lbfgs(rosenbrock, std::vector<double>(10, -1.2), o);
    CHECK(with.fast_evaluations == 0);
    CHECK(with.x == without.x);
    CHECK(with.evaluations == without.evaluations);
  }
  SECTION("a run stopped by the iteration limit in the fast phase reports exact values") {
    LbfgsOptions o;
    o.max_iterations = 5;
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(10, -1.2), o, &fast);
    CHECK(r.stop == LbfgsStop::kMaxIterations);
    CHECK(r.iterations == 5);
    CHECK(r.fast_evaluations == r.evaluations - 1);  // one exact evaluation, at the end
    CHECK(r.f == rosenbrock(r.x, g));
  }
  SECTION("a fast objective that misleads the line search hands over to the exact one") {
    // Its gradient points the wrong way, so no step satisfies the sufficient-decrease test.
    const clipbench::baselines::LbfgsObjective wrong = [](const std::vector<double>& x,
                                                          std::vector<double>& grad) {
      const double f = rosenbrock(x, grad);
      for (double& v : grad) v = -v;
      return f;
    };
    LbfgsOptions o;
    o.pgtol = 1e-6;
    o.factr = 0.0;
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(4, -1.2), o, &wrong);
    REQUIRE(r.stop == LbfgsStop::kGradientTolerance);
    CHECK(r.fast_evaluations >= 1);
    for (double v : r.x) CHECK(std::abs(v - 1.0) < 1e-4);
  }
}

TEST_CASE("L-BFGS minimizes the Rosenbrock function to the gradient tolerance", "[unit]") {
  std::vector<double> x0(10, -1.2);
  LbfgsOptions o;
  o.pgtol = 1e-8;
  o.factr = 0.0;  // only the gradient test
  const auto r = minimize_lbfgs(rosenbrock, x0, o);
  REQUIRE(r.stop == LbfgsStop::kGradientTolerance);
  CHECK(r.gradient_max_abs <= 1e-8);
  for (double v : r.x) CHECK(std::abs(v - 1.0) < 1e-6);
  CHECK(r.f < 1e-12);
  CHECK(r.iterations > 10);
  CHECK(r.evaluations >= r.iterations);
}

TEST_CASE("L-BFGS stops on scipy's rules: iterations, relative decrease, start point", "[unit]") {
  SECTION("the iteration limit counts iterations, as scipy's maxiter") {
    LbfgsOptions o;
    o.max_iterations = 5;
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(4, -1.2), o);
    CHECK(r.stop == LbfgsStop::kMaxIterations);
    CHECK(r.iterations == 5);
  }
  SECTION("a loose factr stops on the relative decrease of f") {
    LbfgsOptions o;
    o.pgtol = 0.0;
    o.factr = 1e13;  // ftol ~ 2e-3
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(4, -1.2), o);
    CHECK(r.stop == LbfgsStop::kFunctionTolerance);
    CHECK(r.iterations < 1000);
  }
  SECTION("a start point already within pgtol takes no iteration") {
    const auto r = minimize_lbfgs(rosenbrock, std::vector<double>(4, 1.0));
    CHECK(r.stop == LbfgsStop::kGradientTolerance);
    CHECK(r.iterations == 0);
    CHECK(r.evaluations == 1);
  }
  SECTION("a quadratic is solved to high accuracy") {
    // f = 0.5 sum_i (i + 1) x_i^2 - sum_i x_i: minimum at x_i = 1 / (i + 1).
    auto quad = [](const std::vector<double>& x, std::vector<double>& g) {
      double f = 0.0;
      for (size_t i = 0; i < x.size(); ++i) {
        f += 0.5 * (i + 1.0) * x[i] * x[i] - x[i];
        g[i] = (i + 1.0) * x[i] - 1.0;
      }
      return f;
    };
    LbfgsOptions o;
    o.pgtol = 1e-10;
    o.factr = 0.0;
    const auto r = minimize_lbfgs(quad, std::vector<double>(5, 0.0), o);
    REQUIRE(r.converged());
    for (size_t i = 0; i < 5; ++i) CHECK(std::abs(r.x[i] - 1.0 / (i + 1.0)) < 1e-9);
    CHECK(r.iterations <= 30);
  }
}

TEST_CASE("L-BFGS rejects invalid options and a non-finite start", "[unit]") {
  LbfgsOptions o;
  o.history = 0;
  CHECK_THROWS_AS(minimize_lbfgs(rosenbrock, {0.0, 0.0}, o), clipbench::baselines::ProbeError);
  auto nan_objective = [](const std::vector<double>&, std::vector<double>& g) {
    std::fill(g.begin(), g.end(), 0.0);
    return std::nan("");
  };
  CHECK_THROWS_AS(minimize_lbfgs(nan_objective, {0.0}), clipbench::baselines::ProbeError);
}
