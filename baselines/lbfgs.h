// Limited-memory BFGS minimization with a Moré–Thuente line search, following scipy's L-BFGS-B
// (the solver scikit-learn's LogisticRegression(solver="lbfgs") calls) on unbounded problems.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace clipbench::baselines {

// Options with scipy.optimize.minimize(method="L-BFGS-B") semantics. The defaults are what
// scikit-learn 1.2 LogisticRegression(solver="lbfgs", tol=1e-4, max_iter=1000) passes:
// options={"gtol": tol, "maxiter": max_iter}, everything else at scipy's defaults.
struct LbfgsOptions {
  int max_iterations = 1000;       // scipy `maxiter` (iterations, not evaluations)
  double pgtol = 1e-4;             // stop when max_i |g_i| <= pgtol (scipy `gtol`)
  double factr = 1e7;              // stop when (f_old - f) / max(|f_old|, |f|, 1) <= factr * eps
                                   // (scipy's default ftol = 2.22e-9 = 1e7 * DBL_EPSILON)
  int history = 10;                // number of correction pairs (scipy `maxcor`)
  int max_line_search_steps = 20;  // evaluations per line search (scipy `maxls`)
  int max_evaluations = 15000;     // function evaluations (scipy `maxfun`)
  // Mixed precision (see minimize_lbfgs): when a fast objective is given and mixed_precision is
  // set, use it while every iteration lowers f by more than fast_until, as a fraction
  // (f_old - f) / max(|f_old|, |f|, 1), then the exact objective to the end.
  bool mixed_precision = true;
  double fast_until = 1e-6;
};

// Why the minimization stopped (scipy's messages).
enum class LbfgsStop {
  kGradientTolerance,  // "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL"
  kFunctionTolerance,  // "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH"
  kMaxIterations,      // "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT"
  kMaxEvaluations,     // "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT"
  kLineSearchFailed,   // "ABNORMAL_TERMINATION_IN_LNSRCH"
};

// scipy's message for `stop`.
std::string to_string(LbfgsStop stop);

struct LbfgsResult {
  std::vector<double> x;          // the last accepted iterate
  double f = 0.0;                 // objective at x
  double gradient_max_abs = 0.0;  // max_i |g_i| at x
  int iterations = 0;             // scipy's `nit` (what scikit-learn reports as n_iter_)
  int evaluations = 0;            // objective + gradient evaluations (scipy's `nfev`), both kinds
  int fast_evaluations = 0;       // of which with the fast objective
  LbfgsStop stop = LbfgsStop::kMaxIterations;
  bool converged() const {
    return stop == LbfgsStop::kGradientTolerance || stop == LbfgsStop::kFunctionTolerance;
  }
};

// Returns f(x) and writes the gradient (x.size() doubles) into `grad`.
using LbfgsObjective =
    std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

// Minimizes `objective` from `x0`.
//
// Algorithm (L-BFGS-B 3.0 with no bounds, where its Cauchy point + subspace minimization reduce
// to the two-loop recursion d = -H g, H0 = (s'y / y'y) I from the newest pair):
//  - first iteration: d = -g and initial step 1 / ||d||_2; later iterations: initial step 1;
//  - line search: Moré & Thuente (1994), MINPACK-2 dcsrch/dcstep, with ftol = 1e-3 (sufficient
//    decrease), gtol = 0.9 (curvature, strong Wolfe: |g(x + a d)'d| <= 0.9 |g(x)'d|),
//    xtol = 0.1, steps in [0, 1e10]; a line search that needs more than `max_line_search_steps`
//    evaluations or fails restores the previous iterate and restarts from steepest descent with an
//    empty memory (or stops with kLineSearchFailed when the memory is already empty);
//  - a correction pair is skipped when s'y <= eps * (-g_old's);
//  - after each accepted step the iteration count is incremented and the tests run in scipy's
//    order: iterations >= max_iterations, then max|g| <= pgtol, then the relative decrease of f
//    against factr * eps. Before the first iteration, max|g0| <= pgtol stops with 0 iterations.
//
// Mixed precision: `fast`, when given, is a cheaper, less exact evaluation of the same function
// and gradient (the probe's float32 kernel: ~1e-7 relative error in f). It is used from x0 while
// far from the optimum; the solver switches to `objective` for good, re-evaluating f and g at the
// current iterate (the L-BFGS memory is kept), at the first accepted step whose relative decrease
// is <= options.fast_until or whose max|g| <= pgtol, and on a failed line search (which is then
// retried exactly). So every stopping test above is made on exact values; only the iterates
// before the switch differ from an exact run's, within the fast objective's error. A run that
// reaches max_iterations / max_evaluations before switching re-evaluates x exactly for f and
// gradient_max_abs (one more evaluation).
// Throws ProbeError for invalid options (non-positive history / iterations, negative tolerances)
// or when the objective returns a non-finite value at x0.
LbfgsResult minimize_lbfgs(const LbfgsObjective& objective, std::vector<double> x0,
                           const LbfgsOptions& options = {}, const LbfgsObjective* fast = nullptr);

}  // namespace clipbench::baselines
