// The CLIP paper's reference numbers (baselines/paper_reference.json): Table 11 zero-shot, Table 10
// linear probe, Figure 5 deltas and Table 1 (Visual N-Grams), as reports compare against them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/result_record.h"

namespace clipbench::reports {

struct VisualNgramsRow {
  std::string column;    // Table 1's column name ("aYahoo", "ImageNet", "SUN")
  double visual_ngrams;  // percent
  double clip;           // the paper's best CLIP model, percent
};

struct PaperReference {
  std::vector<std::string> dataset_order;            // Table 9 order
  std::map<std::string, std::string> dataset_names;  // id -> printed name ("Food-101")
  // model ("ViT-B/32", "RN50"; probes also "ResNet-50") -> dataset id -> percent.
  std::map<std::string, std::map<std::string, double>> zero_shot, linear_probe;
  std::map<std::string, double> figure5_delta;  // dataset id -> zero-shot CLIP - ResNet-50 probe
  std::map<std::string, VisualNgramsRow> visual_ngrams;  // catalogue id -> row
  std::string zero_shot_source, linear_probe_source, figure5_source, visual_ngrams_source;

  std::optional<double> zero_shot_score(const std::string& model, const std::string& dataset) const;
  std::optional<double> probe_score(const std::string& model, const std::string& dataset) const;
  // The dataset's position in Table 9 (unknown datasets after all of them).
  size_t order(const std::string& dataset) const;
};

// The default file: <source dir>/baselines/paper_reference.json (CLIPBENCH_PAPER_REFERENCE).
std::string default_paper_reference_path();
// Throws FileError when unreadable, ResultsError naming the file and key when malformed.
PaperReference load_paper_reference(const std::string& path);

}  // namespace clipbench::reports
