// Loading baselines/paper_reference.json (written by scripts/gen_paper_reference.py): embedded,
// or a file given with --paper.
#include "reports/paper_reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace clipbench::embedded {
// baselines/paper_reference.json, embedded by reports/CMakeLists.txt (clip/embed_data.cmake).
extern const char kPaperReference[];
extern const std::size_t kPaperReferenceSize;
}  // namespace clipbench::embedded

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

PaperReference parse_paper_reference(const std::string& text, const std::string& path) {
  PaperReference p;
  try {
    const auto j = nlohmann::json::parse(text);
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

const PaperReference& builtin_paper_reference() {
  static const PaperReference p =
      parse_paper_reference(std::string(embedded::kPaperReference, embedded::kPaperReferenceSize),
                            kBuiltinPaperReference);
  return p;
}

PaperReference load_paper_reference(const std::string& path) {
  if (path == kBuiltinPaperReference) return builtin_paper_reference();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open the paper reference file {}", path));
  std::stringstream text;
  text << in.rdbuf();
  return parse_paper_reference(text.str(), path);
}

}  // namespace clipbench::reports
