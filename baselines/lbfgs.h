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
  int max_iterations = 1000;          // scipy `maxiter` (iterations, not evaluations)
  double pgtol = 1e-4;                // stop when max_i |g_i| <= pgtol (scipy `gtol`)
  double factr = 1e7;                 // stop when (f_old - f) / max(|f_old|, |f|, 1) <= factr * eps
                                      // (scipy's default ftol = 2.22e-9 = 1e7 * DBL_EPSILON)
  int history = 10;                   // number of correction pairs (scipy `maxcor`)
  int max_line_search_steps = 20;     // evaluations per line search (scipy `maxls`)
  int max_evaluations = 15000;        // function evaluations (scipy `maxfun`)
};

// Why the minimization stopped (scipy's messages).
enum class LbfgsStop {
  kGradientTolerance,    // "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL"
  kFunctionTolerance,    // "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH"
  kMaxIterations,        // "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT"
  kMaxEvaluations,       // "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT"
  kLineSearchFailed,     // "ABNORMAL_TERMINATION_IN_LNSRCH"
};

// scipy's message for `stop`.
std::string to_string(LbfgsStop stop);

struct LbfgsResult {
  std::vector<double> x;  // the last accepted iterate
  double f = 0.0;         // objective at x
  double gradient_max_abs = 0.0;  // max_i |g_i| at x
  int iterations = 0;     // scipy's `nit` (what scikit-learn reports as n_iter_)
  int evaluations = 0;    // objective + gradient evaluations (scipy's `nfev`)
  LbfgsStop stop = LbfgsStop::kMaxIterations;
  bool converged() const {
    return stop == LbfgsStop::kGradientTolerance || stop == LbfgsStop::kFunctionTolerance;
  }
};

// Returns f(x) and writes the gradient (x.size() doubles) into `grad`.
using LbfgsObjective = std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

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
// Throws ProbeError for invalid options (non-positive history / iterations, negative tolerances)
// or when the objective returns a non-finite value at x0.
LbfgsResult minimize_lbfgs(const LbfgsObjective& objective, std::vector<double> x0,
                           const LbfgsOptions& options = {});

}  // namespace clipbench::baselines
