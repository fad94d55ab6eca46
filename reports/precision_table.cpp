// Pairing records of one job across precisions: fp32 against each other precision.
#include "reports/precision_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "reports/summary.h"

namespace clipbench::reports {

std::vector<PrecisionRow> precision_rows(const std::vector<ResultRecord>& records) {
  using Job = std::tuple<std::string, std::string, std::string, std::string, std::string,
                         std::string>;  // model, hash, dataset, split, task, job mode
  // job -> precision -> record
  std::map<Job, std::map<std::string, const ResultRecord*>> jobs;
  for (const auto& r : records) {
    precision_variant(r.precision);  // an unknown precision is an error, not a new column
    const Job job{r.model, r.checkpoint_hash, r.dataset, r.split, r.task, record_job_mode(r)};
    if (!jobs[job].emplace(r.precision, &r).second)
      throw ResultsError(fmt::format("two {} result records for {}/{} {} {} of {}", r.precision,
                                     r.dataset, r.split, r.task, record_job_mode(r), r.model));
  }
  std::vector<PrecisionRow> rows;
  for (const auto& [job, by_precision] : jobs) {
    const auto ref = by_precision.find("fp32");
    if (ref == by_precision.end()) continue;
    const ResultRecord& base = *ref->second;
    for (const auto& [precision, r] : by_precision) {
      if (precision_variant(precision).empty()) continue;  // fp32 itself; fp64
      if (r->metric != base.metric)
        throw ResultsError(fmt::format(
            "{}/{} {} {} of {}: metric {} in fp32, {} in {}: the precisions are not comparable",
            base.dataset, base.split, base.task, std::get<5>(job), base.model, base.metric,
            r->metric, precision));
      PrecisionRow row;
      std::tie(row.model, row.checkpoint_hash, row.dataset, row.split, row.task, row.prompt_mode) =
          job;
      row.metric = base.metric;
      row.precision = precision;
      row.fp32 = base.value;
      row.value = r->value;
      row.n_fp32 = base.n;
      row.n = r->n;
      rows.push_back(row);
    }
  }
  // Prompt modes in the reports' order (raw, single, ensemble), then others (probe seeds) by name.
  auto mode_rank = [](const std::string& mode) {
    const auto& standard = standard_prompt_modes();
    return std::find(standard.begin(), standard.end(), mode) - standard.begin();
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const PrecisionRow& a, const PrecisionRow& b) {
    return std::make_tuple(a.model, a.checkpoint_hash, a.dataset, a.split, a.task,
                           mode_rank(a.prompt_mode)) < std::make_tuple(b.model, b.checkpoint_hash,
                                                                       b.dataset, b.split, b.task,
                                                                       mode_rank(b.prompt_mode));
  });
  return rows;
}

}  // namespace clipbench::reports
