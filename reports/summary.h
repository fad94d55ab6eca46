// Records grouped for reports and checks: one headline per job, and per model the zero-shot rows
// (raw / single / ensemble per dataset) and linear-probe rows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "reports/paper_reference.h"
#include "reports/result_record.h"

namespace clipbench::reports {

// Identifies one job across runs (the checkpoint by its hash), as record_file_name does.
struct HeadlineKey {
  std::string model, checkpoint_hash, dataset, split, task, prompt_mode;
  // precision_variant of the record: "" for fp32 / fp64, else "bf16", "fp16".
  std::string precision;
  auto tie() const {
    return std::tie(model, checkpoint_hash, dataset, split, task, prompt_mode, precision);
  }
  bool operator<(const HeadlineKey& o) const { return tie() < o.tie(); }
  bool operator==(const HeadlineKey& o) const { return tie() == o.tie(); }
  // "food101/test zero_shot ensemble (ViT-B/32)", "food101/test zero_shot ensemble (ViT-B/32
  // (bf16))"
  std::string label() const;
};

struct Headline {
  HeadlineKey key;
  std::string precision;  // the record's ("fp32", "fp64", "bf16", "fp16")
  std::string metric;     // Table 9 name
  double value = 0.0;     // percent
  int64_t n = 0;
};

// One headline per record, sorted by key. Probe records with several seeds stay separate (the
// seed is part of prompt_mode's place: "seed<seed>"). Throws ResultsError for two records of the
// same key.
std::vector<Headline> headlines(const std::vector<ResultRecord>& records);

// The prompt modes every zero-shot table shows, in this order, before any other mode a record
// names (then by name): the paper's three (harness/zero_shot.cpp registers them).
const std::vector<std::string>& standard_prompt_modes();

struct ZeroShotRow {
  std::string dataset, split, metric;
  std::map<std::string, double> scores;  // prompt mode -> percent
  int64_t n = 0;
  // The score of `mode`, when a record gave one.
  std::optional<double> score(const std::string& mode) const;
  // ensemble - raw, when both exist.
  std::optional<double> gain() const;
};

struct ProbeRow {
  std::string dataset, split, metric;
  double value = 0.0;  // percent; the mean over seeds when there are several
  int seeds = 0;
};

struct FewShotRow {
  std::string dataset, split, metric;
  int64_t shots = 0;   // examples per class (k)
  double value = 0.0;  // percent, the mean over seeds
  int seeds = 0;
};

struct ModelSummary {
  std::string model, checkpoint_hash;
  std::string precision;  // precision_variant: "" for fp32 / fp64, else "bf16", "fp16"
  // model_label(model, precision): "ViT-B/32", "ViT-B/32 (bf16)".
  std::string label() const;
  std::vector<ZeroShotRow> zero_shot;  // Table 9 order, then other datasets by id
  // The zero-shot tables' mode columns: standard_prompt_modes(), then the other modes of this
  // model's records by name.
  std::vector<std::string> prompt_modes;
  std::vector<ProbeRow> linear_probe;  // same order
  std::vector<FewShotRow> few_shot;    // same order, then by k
};

// Records grouped by (model, checkpoint_hash, precision variant), sorted by model name, then hash,
// the reference precision first: records of two precisions are never merged into one row.
// Few-shot records are averaged over seeds per (dataset, split, k). A zero-shot prompt mode other
// than the standard ones becomes a column of its own. Throws ResultsError for a zero-shot record
// without a prompt mode or two metrics for one dataset.
std::vector<ModelSummary> summarize(const std::vector<ResultRecord>& records,
                                    const PaperReference& paper);

}  // namespace clipbench::reports
