// The regression check: headline values of a results folder against a baseline (another results
// folder or a `clipbench report --format json` summary).
#pragma once

#include <string>
#include <vector>

#include "reports/summary.h"

namespace clipbench::reports {

// The headlines of a baseline: a folder is read with read_results; a file must be a report
// summary (json_report.h, "kind": "clipbench_report") and its "headlines" are used. Throws
// ResultsError / FileError naming the path when it is neither.
std::vector<Headline> read_baseline(const std::string& path);

struct Regression {
  HeadlineKey key;
  std::string metric;
  double baseline = 0.0, current = 0.0;  // percent
  double delta() const { return current - baseline; }
};

struct CheckResult {
  std::vector<Regression> regressions;   // current < baseline - tolerance
  std::vector<Regression> improvements;  // current > baseline + tolerance (informational)
  std::vector<Headline> missing;         // in the baseline, absent from the current results
  size_t compared = 0;                   // keys present in both
};

// Compares every baseline headline with the current one of the same key (model, checkpoint
// hash, dataset, split, task, prompt mode / seed). `tolerance_points` >= 0, in percentage
// points. Throws ResultsError when a key's metric differs between the two (not comparable).
CheckResult check_regressions(const std::vector<Headline>& baseline,
                              const std::vector<Headline>& current, double tolerance_points);

}  // namespace clipbench::reports
