// Averages shared by the Markdown and JSON reports (the same numbers in both).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/paper_reference.h"
#include "reports/summary.h"

namespace clipbench::reports {

// Mean of the present values; std::nullopt when none.
std::optional<double> mean_of(const std::vector<std::optional<double>>& values);

struct ZeroShotAverages {
  size_t datasets = 0;
  std::map<std::string, std::optional<double>> modes;  // mean per ModelSummary::prompt_modes
  std::optional<double> gain;
  std::optional<double> mode(const std::string& name) const;
  // Over the datasets with both an ensemble score and a Table 11 number for the model.
  size_t paper_datasets = 0;
  std::optional<double> ensemble_on_paper_datasets, paper;
  std::optional<double> ensemble_minus_paper() const;
};

ZeroShotAverages zero_shot_averages(const ModelSummary& m, const PaperReference& paper);

// a - b when both exist.
std::optional<double> difference(std::optional<double> a, std::optional<double> b);

}  // namespace clipbench::reports
