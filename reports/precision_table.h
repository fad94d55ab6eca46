// The "Precision" table of a report: what each non-fp32 precision costs against fp32 on the same
// job (checkpoint, dataset, split, task, prompt mode).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/result_record.h"

namespace clipbench::reports {

// One job evaluated both in fp32 and in another precision.
struct PrecisionRow {
  std::string model, checkpoint_hash, dataset, split, task;
  std::string prompt_mode;    // record_job_mode: "raw", "single", "ensemble", "seed0", ...
  std::string metric;         // the headline metric both records report
  std::string precision;      // the other precision: "bf16", "fp16"
  double fp32 = 0.0;          // the fp32 record's value, percent
  double value = 0.0;         // the other precision's value, percent
  int64_t n_fp32 = 0, n = 0;  // images scored by each
  // value - fp32, in percentage points (negative: the precision loses accuracy).
  double difference() const { return value - fp32; }
};

// For every (model, checkpoint hash, dataset, split, task, record_job_mode) that has an "fp32"
// record and records in other precisions, one row per other precision, sorted by that key (prompt
// modes as raw, single, ensemble, then other job modes by name), then precision. Jobs without an
// fp32 record (or with fp32 only) give no row; "fp64" records (probe classifiers) are not compared.
// Throws ResultsError naming the job when the two records report different metrics, or when a
// precision appears twice for one job.
std::vector<PrecisionRow> precision_rows(const std::vector<ResultRecord>& records);

}  // namespace clipbench::reports
