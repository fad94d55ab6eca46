// Limited-memory BFGS with a Moré–Thuente line search (scipy L-BFGS-B semantics, no bounds).
#include "baselines/lbfgs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <deque>

#include "baselines/probe_error.h"

namespace clipbench::baselines {
namespace {

// Eight interleaved partial sums (independent chains the compiler vectorizes; one chain was
// latency-bound: the two-loop recursion's ~25 dot products per iteration cost 5% of a probe
// sweep), added in a fixed order, so the result is deterministic.
double dot(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = a.size();
  double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) p[k] += a[i + k] * b[i + k];
  double s = ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const std::vector<double>& a) {
  double m = 0.0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

// One safeguarded step of Moré & Thuente's interval update (MINPACK-2 dcstep): from the best
// step so far (stx, fx, dx), the other interval end (sty, fy, dy) and the trial (stp, fp, dp),
// computes the next trial step from cubic / quadratic interpolation and updates the interval.
void more_thuente_step(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy,
                       double& stp, double fp, double dp, bool& bracketed, double stpmin,
                       double stpmax) {
  const double sgnd = dp * (dx / std::abs(dx));
  double stpf;
  if (fp > fx) {
    // Case 1: higher function value; the minimum is bracketed.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const double p = (gamma - dx) + theta;
    const double q = ((gamma - dx) + gamma) + dp;
    const double r = p / q;
    const double stpc = stx + r * (stp - stx);
    const double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
    if (std::abs(stpc - stx) < std::abs(stpq - stx))
      stpf = stpc;
    else
      stpf = stpc + (stpq - stpc) / 2.0;
    bracketed = true;
  } else if (sgnd < 0.0) {
    // Case 2: lower value, derivatives of opposite sign; the minimum is bracketed.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - dp) + theta;
    const double q = ((gamma - dp) + gamma) + dx;
    const double r = p / q;
    const double stpc = stp + r * (stx - stp);
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
    bracketed = true;
  } else if (std::abs(dp) < std::abs(dx)) {
    // Case 3: lower value, same-sign derivative decreasing in magnitude.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - dp) + theta;
    const double q = (gamma + (dx - dp)) + gamma;
    const double r = p / q;
    double stpc;
    if (r < 0.0 && gamma != 0.0)
      stpc = stp + r * (stx - stp);
    else if (stp > stx)
      stpc = stpmax;
    else
      stpc = stpmin;
    const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (bracketed) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      if (stp > stx)
        stpf = std::min(stp + 0.66 * (sty - stp), stpf);
      else
        stpf = std::max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::max(stpmin, std::min(stpmax, stpf));
    }
  } else {
    // Case 4: lower value, same-sign derivative not decreasing in magnitude.
    if (bracketed) {
      const double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
      const double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
      double gamma = s * std::sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const double p = (gamma - dp) + theta;
      const double q = ((gamma - dp) + gamma) + dy;
      const double r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  // Update the interval that contains a minimizer.
  if (fp > fx) {
    sty = stp;
    fy = fp;
    dy = dp;
  } else {
    if (sgnd < 0.0) {
      sty = stx;
      fy = fx;
      dy = dx;
    }
    stx = stp;
    fx = fp;
    dx = dp;
  }
  stp = stpf;
}

// Moré & Thuente's line search (MINPACK-2 dcsrch) in reverse communication: start() with the
// value and directional derivative at step 0, then next() with each trial's value and derivative
// until it reports done (converged, or a warning: rounding errors, xtol, stpmax / stpmin, all of
// which L-BFGS-B accepts).
class MoreThuente {
 public:
  MoreThuente(double ftol, double gtol, double xtol, double stpmin, double stpmax)
      : ftol_(ftol), gtol_(gtol), xtol_(xtol), stpmin_(stpmin), stpmax_(stpmax) {}

  void start(double f0, double g0, double stp) {
    bracketed_ = false;
    stage_ = 1;
    finit_ = f0;
    ginit_ = g0;
    gtest_ = ftol_ * ginit_;
    width_ = stpmax_ - stpmin_;
    width1_ = width_ / 0.5;
    stx_ = 0.0;
    fx_ = finit_;
    gx_ = ginit_;
    sty_ = 0.0;
    fy_ = finit_;
    gy_ = ginit_;
    stmin_ = 0.0;
    stmax_ = stp + 4.0 * stp;
  }

  // Given f and g (directional derivative) at `stp`, returns true when the search is done
  // (stp is then the accepted step), else sets `stp` to the next trial step.
  bool next(double f, double g, double& stp) {
    const double ftest = finit_ + stp * gtest_;
    if (stage_ == 1 && f <= ftest && g >= 0.0) stage_ = 2;
    bool done = false;
    if (bracketed_ && (stp <= stmin_ || stp >= stmax_)) done = true;   // rounding errors
    if (bracketed_ && stmax_ - stmin_ <= xtol_ * stmax_) done = true;  // xtol test
    if (stp == stpmax_ && f <= ftest && g <= gtest_) done = true;      // stp = stpmax
    if (stp == stpmin_ && (f > ftest || g >= gtest_)) done = true;     // stp = stpmin
    if (f <= ftest && std::abs(g) <= gtol_ * (-ginit_)) done = true;   // strong Wolfe holds
    if (done) return true;

    if (stage_ == 1 && f <= fx_ && f > ftest) {
      // The modified function psi(a) = f(a) - a * gtest until sufficient decrease holds.
      const double fm = f - stp * gtest_;
      double fxm = fx_ - stx_ * gtest_, fym = fy_ - sty_ * gtest_;
      const double gm = g - gtest_;
      double gxm = gx_ - gtest_, gym = gy_ - gtest_;
      more_thuente_step(stx_, fxm, gxm, sty_, fym, gym, stp, fm, gm, bracketed_, stmin_, stmax_);
      fx_ = fxm + stx_ * gtest_;
      fy_ = fym + sty_ * gtest_;
      gx_ = gxm + gtest_;
      gy_ = gym + gtest_;
    } else {
      more_thuente_step(stx_, fx_, gx_, sty_, fy_, gy_, stp, f, g, bracketed_, stmin_, stmax_);
    }
    if (bracketed_) {
      // Bisect when the interval did not shrink enough.
      if (std::abs(sty_ - stx_) >= 0.66 * width1_) stp = stx_ + 0.5 * (sty_ - stx_);
      width1_ = width_;
      width_ = std::abs(sty_ - stx_);
      stmin_ = std::min(stx_, sty_);
      stmax_ = std::max(stx_, sty_);
    } else {
      stmin_ = stp + 1.1 * (stp - stx_);
      stmax_ = stp + 4.0 * (stp - stx_);
    }
    stp = std::max(stp, stpmin_);
    stp = std::min(stp, stpmax_);
    // No further progress possible: fall back to the best step so far.
    if ((bracketed_ && (stp <= stmin_ || stp >= stmax_)) ||
        (bracketed_ && stmax_ - stmin_ <= xtol_ * stmax_))
      stp = stx_;
    return false;
  }

 private:
  double ftol_, gtol_, xtol_, stpmin_, stpmax_;
  bool bracketed_ = false;
  int stage_ = 1;
  double finit_ = 0, ginit_ = 0, gtest_ = 0, width_ = 0, width1_ = 0;
  double stx_ = 0, fx_ = 0, gx_ = 0, sty_ = 0, fy_ = 0, gy_ = 0, stmin_ = 0, stmax_ = 0;
};

struct CorrectionPair {
  std::vector<double> s, y;
  double sy;  // s'y
};

// Appends the pair s = x - x_old, y = g - g_old (dropping the oldest beyond `history`), unless the
// curvature s'y is not clearly positive: s'y <= eps * (-g_old'd * step) = eps * `decrease_rate`.
void add_correction_pair(std::deque<CorrectionPair>& memory, int history,
                         const std::vector<double>& x, const std::vector<double>& x_old,
                         const std::vector<double>& g, const std::vector<double>& g_old,
                         double decrease_rate) {
  const size_t n = x.size();
  CorrectionPair p;
  p.s.resize(n);
  p.y.resize(n);
  for (size_t i = 0; i < n; ++i) {
    p.s[i] = x[i] - x_old[i];
    p.y[i] = g[i] - g_old[i];
  }
  p.sy = dot(p.s, p.y);
  if (p.sy <= DBL_EPSILON * decrease_rate) return;
  if (static_cast<int>(memory.size()) == history) memory.pop_front();
  memory.push_back(std::move(p));
}

// d = -H g by the two-loop recursion, H0 = (s'y / y'y) of the newest pair (identity if none).
void search_direction(const std::deque<CorrectionPair>& memory, const std::vector<double>& g,
                      std::vector<double>& d) {
  const size_t n = g.size();
  d = g;
  std::vector<double> alpha(memory.size());
  for (size_t k = memory.size(); k-- > 0;) {
    const auto& p = memory[k];
    alpha[k] = dot(p.s, d) / p.sy;
    for (size_t i = 0; i < n; ++i) d[i] -= alpha[k] * p.y[i];
  }
  if (!memory.empty()) {
    const auto& p = memory.back();
    const double h0 = p.sy / dot(p.y, p.y);
    for (double& v : d) v *= h0;
  }
  for (size_t k = 0; k < memory.size(); ++k) {
    const auto& p = memory[k];
    const double beta = dot(p.y, d) / p.sy;
    for (size_t i = 0; i < n; ++i) d[i] += (alpha[k] - beta) * p.s[i];
  }
  for (double& v : d) v = -v;
}

}  // namespace

std::string to_string(LbfgsStop stop) {
  switch (stop) {
    case LbfgsStop::kGradientTolerance:
      return "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL";
    case LbfgsStop::kFunctionTolerance:
      return "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH";
    case LbfgsStop::kMaxIterations:
      return "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT";
    case LbfgsStop::kMaxEvaluations:
      return "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT";
    case LbfgsStop::kLineSearchFailed:
      return "ABNORMAL_TERMINATION_IN_LNSRCH";
  }
  return "unknown";
}

LbfgsResult minimize_lbfgs(const LbfgsObjective& objective, std::vector<double> x0,
                           const LbfgsOptions& o, const LbfgsObjective* fast) {
  if (o.max_iterations < 1 || o.history < 1 || o.max_line_search_steps < 1 ||
      o.max_evaluations < 1 || !(o.pgtol >= 0.0) || !(o.factr >= 0.0) || !(o.fast_until >= 0.0))
    throw ProbeError(fmt::format(
        "L-BFGS options: expected max_iterations, history, max_line_search_steps and "
        "max_evaluations >= 1 and pgtol, factr, fast_until >= 0; got {}, {}, {}, {}, {}, {}, {}",
        o.max_iterations, o.history, o.max_line_search_steps, o.max_evaluations, o.pgtol, o.factr,
        o.fast_until));
  constexpr double kStepMax = 1e10;  // L-BFGS-B's `big` for unbounded problems
  const size_t n = x0.size();
  LbfgsResult r;
  r.x = std::move(x0);
  std::vector<double> g(n), d(n), x_old(n), g_old(n);
  bool use_fast = fast != nullptr && o.mixed_precision;
  auto evaluate = [&](const std::vector<double>& x, std::vector<double>& grad) {
    ++r.evaluations;
    if (!use_fast) return objective(x, grad);
    ++r.fast_evaluations;
    return (*fast)(x, grad);
  };
  // Leaves the fast phase: f and g at r.x, exactly.
  auto switch_to_exact = [&] {
    use_fast = false;
    r.f = evaluate(r.x, g);
    r.gradient_max_abs = max_abs(g);
  };
  // The stops that need one value only, in L-BFGS-B's order: iteration and evaluation limits, then
  // the projected gradient. Sets r.stop and returns true when one holds.
  auto limit_or_gradient_stop = [&] {
    if (r.iterations >= o.max_iterations)
      r.stop = LbfgsStop::kMaxIterations;
    else if (r.evaluations > o.max_evaluations)
      r.stop = LbfgsStop::kMaxEvaluations;
    else if (r.gradient_max_abs <= o.pgtol)
      r.stop = LbfgsStop::kGradientTolerance;
    else
      return false;
    return true;
  };
  r.f = evaluate(r.x, g);
  if (use_fast && std::isfinite(r.f) && max_abs(g) <= o.pgtol) switch_to_exact();
  if (!std::isfinite(r.f))
    throw ProbeError(fmt::format("L-BFGS: the objective is {} at the starting point", r.f));
  r.gradient_max_abs = max_abs(g);
  if (r.gradient_max_abs <= o.pgtol) {
    r.stop = LbfgsStop::kGradientTolerance;
    return r;
  }
  std::deque<CorrectionPair> memory;
  bool first = true;  // L-BFGS-B's iter == 0: steepest descent with step 1 / ||d||
  MoreThuente line_search(1e-3, 0.9, 0.1, 0.0, kStepMax);
  while (true) {
    search_direction(memory, g, d);
    double gd = dot(g, d);
    if (!(gd < 0.0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      memory.clear();
      search_direction(memory, g, d);
      gd = dot(g, d);
    }
    const double dnorm = std::sqrt(dot(d, d));
    double stp = first ? std::min(1.0 / dnorm, kStepMax) : 1.0;
    x_old = r.x;
    g_old = g;
    const double f_old = r.f, gd_old = gd;
    line_search.start(f_old, gd_old, stp);
    int trials = 0;
    bool accepted = false;
    while (true) {
      if (trials >= o.max_line_search_steps) break;
      if (r.evaluations >= o.max_evaluations) break;
      for (size_t i = 0; i < n; ++i) r.x[i] = x_old[i] + stp * d[i];
      r.f = evaluate(r.x, g);
      ++trials;
      if (!std::isfinite(r.f)) {
        stp *= 0.1;  // overflow far along the line: step back (dcsrch would fail here)
        continue;
      }
      if (line_search.next(r.f, dot(g, d), stp)) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      r.x = x_old;
      g = g_old;
      r.f = f_old;
      if (use_fast) {  // the fast objective's error can stall a line search: retry it exactly
        switch_to_exact();
        if (r.evaluations >= o.max_evaluations) {
          r.stop = LbfgsStop::kMaxEvaluations;
          break;
        }
        continue;
      }
      if (r.evaluations >= o.max_evaluations) {
        r.stop = LbfgsStop::kMaxEvaluations;
        break;
      }
      if (memory.empty()) {
        r.stop = LbfgsStop::kLineSearchFailed;
        ++r.iterations;
        break;
      }
      memory.clear();  // refresh the memory and retry from steepest descent
      continue;
    }
    first = false;
    ++r.iterations;
    r.gradient_max_abs = max_abs(g);
    const double decrease = (f_old - r.f) / std::max({std::abs(f_old), std::abs(r.f), 1.0});
    if (use_fast) {
      const bool stopping = r.iterations >= o.max_iterations || r.evaluations > o.max_evaluations;
      const bool switching = r.gradient_max_abs <= o.pgtol || decrease <= o.fast_until;
      // The correction pair from the fast values (they are consistent with each other); on a
      // switch, f and g exactly after it, and the relative-decrease test waits for two exact
      // values.
      add_correction_pair(memory, o.history, r.x, x_old, g, g_old, -gd_old * stp);
      if (stopping || switching) {
        switch_to_exact();
        if (limit_or_gradient_stop()) break;
      }
      continue;
    }
    if (limit_or_gradient_stop()) break;
    if (decrease <= o.factr * DBL_EPSILON) {
      r.stop = LbfgsStop::kFunctionTolerance;
      break;
    }
    add_correction_pair(memory, o.history, r.x, x_old, g, g_old, -gd_old * stp);
  }
  if (use_fast) switch_to_exact();  // stopped in the fast phase (evaluation limit): exact f, g
  return r;
}

}  // namespace clipbench::baselines
