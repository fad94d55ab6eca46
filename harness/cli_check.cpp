// `clipbench check`: headline values of a results folder against a baseline; exit 1 on a
// regression beyond the tolerance (or a missing result), 0 otherwise, 2 on unusable input.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "reports/regression_check.h"

namespace clipbench::cli {
namespace {

struct CheckOptions {
  std::string results;
  std::string baseline;
  double tolerance = 0.5;
  bool allow_missing = false;
};

int run_check(const CheckOptions& o) {
  const auto baseline = reports::read_baseline(o.baseline);
  if (baseline.empty())
    throw reports::ResultsError(
        fmt::format("baseline {} holds no results: nothing to check against", o.baseline));
  const auto current = reports::headlines(read_result_records(o.results));
  const auto r = reports::check_regressions(baseline, current, o.tolerance);
  for (const auto& x : r.regressions)
    std::cout << fmt::format("REGRESSION {}: {} {:.2f} -> {:.2f} ({:+.2f} points)\n", x.key.label(),
                             x.metric, x.baseline, x.current, x.delta());
  for (const auto& m : r.missing)
    std::cout << fmt::format("MISSING    {}: {} {:.2f} in the baseline, no result in {}\n",
                             m.key.label(), m.metric, m.value, o.results);
  for (const auto& x : r.improvements)
    std::cout << fmt::format("improved   {}: {} {:.2f} -> {:.2f} ({:+.2f} points)\n", x.key.label(),
                             x.metric, x.baseline, x.current, x.delta());
  const bool failed = !r.regressions.empty() || (!o.allow_missing && !r.missing.empty());
  std::cout << fmt::format(
      "check: {} compared, {} regression(s), {} missing, {} improved (tolerance {} points): {}\n",
      r.compared, r.regressions.size(), r.missing.size(), r.improvements.size(), o.tolerance,
      failed ? "FAIL" : "OK");
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Compare the headline values of a results folder with a baseline; exit 1 when one moved down "
      "by more than the tolerance or is missing, 0 otherwise");
  cmd->add_option("--results", o->results, "Results folder of this run")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--baseline", o->baseline,
                  "Baseline: a results folder, or the report.json of `clipbench report`")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--tolerance", o->tolerance,
                  "Allowed drop in percentage points before a value counts as a regression")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--allow-missing", o->allow_missing,
                "Do not fail when a baseline result is missing from --results (still listed)");
  cmd->callback([o] {
    const int rc = run_check(*o);
    if (rc != kExitOk) throw CommandExit{rc};
  });
}

}  // namespace clipbench::cli
