// Loading baselines/paper_reference.json (written by scripts/gen_paper_reference.py).
#include "reports/paper_reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

namespace clipbench::reports {
namespace {

std::map<std::string, std::map<std::string, double>> read_tables(const nlohmann::json& models) {
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& [model, table] : models.items())
    for (const auto& [dataset, v] : table.items()) out[model][dataset] = v.get<double>();
  return out;
}

std::optional<double> lookup(const std::map<std::string, std::map<std::string, double>>& t,
                             const std::string& model, const std::string& dataset) {
  auto m = t.find(model);
  if (m == t.end()) return std::nullopt;
  auto d = m->second.find(dataset);
  if (d == m->second.end()) return std::nullopt;
  return d->second;
}

}  // namespace

std::optional<double> PaperReference::zero_shot_score(const std::string& model,
                                                      const std::string& dataset) const {
  return lookup(zero_shot, model, dataset);
}
std::optional<double> PaperReference::probe_score(const std::string& model,
                                                  const std::string& dataset) const {
  return lookup(linear_probe, model, dataset);
}
size_t PaperReference::order(const std::string& dataset) const {
  auto it = std::find(dataset_order.begin(), dataset_order.end(), dataset);
  return static_cast<size_t>(it - dataset_order.begin());
}

std::string default_paper_reference_path() { return CLIPBENCH_PAPER_REFERENCE; }

PaperReference load_paper_reference(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open the paper reference file {}", path));
  PaperReference p;
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.at("schema_version").get<int>() != 1)
      throw ResultsError(fmt::format("paper reference {}: schema_version {}, expected 1", path,
                                     j.at("schema_version").dump()));
    p.dataset_order = j.at("dataset_order").get<std::vector<std::string>>();
    for (const auto& [id, d] : j.at("datasets").items())
      p.dataset_names[id] = d.at("name").get<std::string>();
    p.zero_shot = read_tables(j.at("zero_shot").at("models"));
    p.linear_probe = read_tables(j.at("linear_probe").at("models"));
    p.figure5_delta = j.at("figure5").at("deltas").get<std::map<std::string, double>>();
    for (const auto& [id, row] : j.at("visual_ngrams").at("datasets").items())
      p.visual_ngrams[id] = {row.at("column").get<std::string>(),
                             row.at("visual_ngrams").get<double>(), row.at("clip").get<double>()};
    p.zero_shot_source = j.at("zero_shot").at("source").get<std::string>();
    p.linear_probe_source = j.at("linear_probe").at("source").get<std::string>();
    p.figure5_source = j.at("figure5").at("source").get<std::string>();
    p.visual_ngrams_source = j.at("visual_ngrams").at("source").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw ResultsError(fmt::format("paper reference {}: {}", path, e.what()));
  }
  return p;
}

}  // namespace clipbench::reports
