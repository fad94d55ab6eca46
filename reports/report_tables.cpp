// Averages shared by the Markdown and JSON reports.
#include "reports/report_tables.h"

namespace clipbench::reports {

std::optional<double> mean_of(const std::vector<std::optional<double>>& values) {
  double sum = 0.0;
  size_t n = 0;
  for (const auto& v : values)
    if (v) {
      sum += *v;
      ++n;
    }
  if (n == 0) return std::nullopt;
  return sum / static_cast<double>(n);
}

std::optional<double> difference(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a - *b;
}

std::optional<double> ZeroShotAverages::ensemble_minus_paper() const {
  return difference(ensemble_on_paper_datasets, paper);
}

std::optional<double> ZeroShotAverages::mode(const std::string& name) const {
  const auto it = modes.find(name);
  return it == modes.end() ? std::nullopt : it->second;
}

ZeroShotAverages zero_shot_averages(const ModelSummary& m, const PaperReference& paper) {
  ZeroShotAverages a;
  a.datasets = m.zero_shot.size();
  std::vector<std::optional<double>> gain, ens_p, pap;
  for (const auto& row : m.zero_shot) {
    gain.push_back(row.gain());
    const auto p = paper.zero_shot_score(m.model, row.dataset);
    if (p && row.score("ensemble")) {
      ens_p.push_back(row.score("ensemble"));
      pap.push_back(p);
    }
  }
  for (const auto& mode : m.prompt_modes) {
    std::vector<std::optional<double>> values;
    for (const auto& row : m.zero_shot) values.push_back(row.score(mode));
    a.modes[mode] = mean_of(values);
  }
  a.gain = mean_of(gain);
  a.ensemble_on_paper_datasets = mean_of(ens_p);
  a.paper = mean_of(pap);
  a.paper_datasets = pap.size();
  return a;
}

}  // namespace clipbench::reports
