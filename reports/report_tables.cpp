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

ZeroShotAverages zero_shot_averages(const ModelSummary& m, const PaperReference& paper) {
  ZeroShotAverages a;
  a.datasets = m.zero_shot.size();
  std::vector<std::optional<double>> raw, single, ens, gain, ens_p, pap;
  for (const auto& row : m.zero_shot) {
    raw.push_back(row.raw);
    single.push_back(row.single);
    ens.push_back(row.ensemble);
    gain.push_back(row.gain());
    const auto p = paper.zero_shot_score(m.model, row.dataset);
    if (p && row.ensemble) {
      ens_p.push_back(row.ensemble);
      pap.push_back(p);
    }
  }
  a.raw = mean_of(raw);
  a.single = mean_of(single);
  a.ensemble = mean_of(ens);
  a.gain = mean_of(gain);
  a.ensemble_on_paper_datasets = mean_of(ens_p);
  a.paper = mean_of(pap);
  a.paper_datasets = pap.size();
  return a;
}

}  // namespace clipbench::reports
