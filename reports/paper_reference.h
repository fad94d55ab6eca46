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

// The name of the embedded copy of baselines/paper_reference.json (the default of `report
// --paper`): a binary carries its reference numbers wherever it is copied.
inline constexpr const char* kBuiltinPaperReference = "builtin:paper_reference.json";
// The embedded baselines/paper_reference.json, parsed once (validated by the reports tests).
const PaperReference& builtin_paper_reference();
// kBuiltinPaperReference, or a file in the same schema. Throws FileError when the file is
// unreadable, ResultsError naming the file and key when malformed.
PaperReference load_paper_reference(const std::string& path);
// Parses the JSON text of a paper reference; `path` names it in errors (ResultsError).
PaperReference parse_paper_reference(const std::string& text, const std::string& path);

}  // namespace clipbench::reports
