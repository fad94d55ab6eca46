// The JSON summary of a results folder (report.json): headlines for `clipbench check`, and per
// model the zero-shot table with paper comparisons, averages and linear-probe rows.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/paper_reference.h"
#include "reports/result_record.h"

namespace clipbench::reports {

constexpr int kReportSchemaVersion = 1;

// {"kind": "clipbench_report", "schema_version": 1, "results": <dir>, "records": N,
//  "headlines": [{model, checkpoint_hash, dataset, split, task, prompt_mode, precision, metric,
//                 value, n}],
//  "models": [{model, checkpoint_hash, precision (null for fp32 / fp64, else "bf16" / "fp16"),
//              label ("ViT-B/32", "ViT-B/32 (bf16)"),
//              "zero_shot": [{dataset, split, metric, n, raw, single, ensemble, gain,
//                             paper, ensemble_minus_paper}],
//              "averages": {datasets, raw, single, ensemble, gain, paper, ensemble_minus_paper},
//              "linear_probe": [{dataset, split, metric, value, seeds, paper, minus_paper}]}],
//  "precision": [{model, checkpoint_hash, dataset, split, task, prompt_mode, metric, precision,
//                 fp32, value, difference (value - fp32, points), n_fp32, n}]}
// "precision" (precision_table.h) only when some job has an fp32 and another precision's record;
// two precisions of one checkpoint are two entries of "models" and distinct headlines.
// Values in percent; null where a mode or a paper number is missing. Averages are over the
// datasets that have the value (paper averages over the datasets that have both).
nlohmann::json json_report(const std::vector<ResultRecord>& records, const PaperReference& paper,
                           const std::string& results_dir);

}  // namespace clipbench::reports
