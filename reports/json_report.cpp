// The JSON summary of a results folder (see json_report.h for its layout).
#include "reports/json_report.h"

#include "reports/precision_table.h"
#include "reports/report_tables.h"
#include "reports/summary.h"

namespace clipbench::reports {
namespace {

nlohmann::json opt(std::optional<double> v) { return v ? nlohmann::json(*v) : nullptr; }

}  // namespace

nlohmann::json json_report(const std::vector<ResultRecord>& records, const PaperReference& paper,
                           const std::string& results_dir) {
  nlohmann::json j;
  j["kind"] = "clipbench_report";
  j["schema_version"] = kReportSchemaVersion;
  j["results"] = results_dir;
  j["records"] = records.size();
  nlohmann::json hs = nlohmann::json::array();
  for (const auto& h : headlines(records))
    hs.push_back({{"model", h.key.model},
                  {"checkpoint_hash", h.key.checkpoint_hash},
                  {"dataset", h.key.dataset},
                  {"split", h.key.split},
                  {"task", h.key.task},
                  {"prompt_mode", h.key.prompt_mode},
                  {"precision", h.precision},
                  {"metric", h.metric},
                  {"value", h.value},
                  {"n", h.n}});
  j["headlines"] = hs;
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : summarize(records, paper)) {
    nlohmann::json jm;
    jm["model"] = m.model;
    jm["checkpoint_hash"] = m.checkpoint_hash;
    jm["precision"] = m.precision.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.precision);
    jm["label"] = m.label();
    nlohmann::json zs = nlohmann::json::array();
    for (const auto& row : m.zero_shot) {
      const auto p = paper.zero_shot_score(m.model, row.dataset);
      nlohmann::json scores = nlohmann::json::object();
      for (const auto& mode : m.prompt_modes) scores[mode] = opt(row.score(mode));
      zs.push_back({{"dataset", row.dataset},
                    {"split", row.split},
                    {"metric", row.metric},
                    {"n", row.n},
                    {"raw", opt(row.score("raw"))},
                    {"single", opt(row.score("single"))},
                    {"ensemble", opt(row.score("ensemble"))},
                    {"scores", scores},
                    {"gain", opt(row.gain())},
                    {"paper", opt(p)},
                    {"ensemble_minus_paper", opt(difference(row.score("ensemble"), p))}});
    }
    jm["zero_shot"] = zs;
    const auto a = zero_shot_averages(m, paper);
    nlohmann::json average_scores = nlohmann::json::object();
    for (const auto& mode : m.prompt_modes) average_scores[mode] = opt(a.mode(mode));
    jm["prompt_modes"] = m.prompt_modes;
    jm["averages"] = {{"datasets", a.datasets},
                      {"raw", opt(a.mode("raw"))},
                      {"single", opt(a.mode("single"))},
                      {"ensemble", opt(a.mode("ensemble"))},
                      {"scores", average_scores},
                      {"gain", opt(a.gain)},
                      {"paper_datasets", a.paper_datasets},
                      {"ensemble_on_paper_datasets", opt(a.ensemble_on_paper_datasets)},
                      {"paper", opt(a.paper)},
                      {"ensemble_minus_paper", opt(a.ensemble_minus_paper())}};
    nlohmann::json lp = nlohmann::json::array();
    for (const auto& row : m.linear_probe) {
      const auto p = paper.probe_score(m.model, row.dataset);
      lp.push_back({{"dataset", row.dataset},
                    {"split", row.split},
                    {"metric", row.metric},
                    {"value", row.value},
                    {"seeds", row.seeds},
                    {"paper", opt(p)},
                    {"minus_paper", opt(difference(row.value, p))}});
    }
    jm["linear_probe"] = lp;
    nlohmann::json fs = nlohmann::json::array();
    for (const auto& row : m.few_shot)
      fs.push_back({{"dataset", row.dataset},
                    {"split", row.split},
                    {"metric", row.metric},
                    {"shots", row.shots},
                    {"value", row.value},
                    {"seeds", row.seeds}});
    jm["few_shot"] = fs;
    models.push_back(jm);
  }
  j["models"] = models;
  nlohmann::json precision = nlohmann::json::array();
  for (const auto& r : precision_rows(records))
    precision.push_back({{"model", r.model},
                         {"checkpoint_hash", r.checkpoint_hash},
                         {"dataset", r.dataset},
                         {"split", r.split},
                         {"task", r.task},
                         {"prompt_mode", r.prompt_mode},
                         {"metric", r.metric},
                         {"precision", r.precision},
                         {"fp32", r.fp32},
                         {"value", r.value},
                         {"difference", r.difference()},
                         {"n_fp32", r.n_fp32},
                         {"n", r.n}});
  if (!precision.empty()) j["precision"] = precision;
  return j;
}

}  // namespace clipbench::reports
