// Grouping result records into headlines and per-model zero-shot / probe rows.
#include "reports/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace clipbench::reports {
namespace {

HeadlineKey key_of(const ResultRecord& r) {
  return HeadlineKey{r.model,
                     r.checkpoint_hash,
                     r.dataset,
                     r.split,
                     r.task,
                     record_job_mode(r),
                     record_precision_variant(r)};
}

void check_metric(const std::string& have, const ResultRecord& r) {
  if (have != r.metric)
    throw ResultsError(fmt::format("{} {} {} of {}: metric {} here, {} in another record",
                                   r.dataset, r.split, r.task, r.model, r.metric, have));
}

}  // namespace

std::string HeadlineKey::label() const {
  return fmt::format("{}/{} {} {} ({})", dataset, split, task, prompt_mode,
                     model_label(model, precision));
}

std::string ModelSummary::label() const { return model_label(model, precision); }

std::vector<Headline> headlines(const std::vector<ResultRecord>& records) {
  std::map<HeadlineKey, Headline> by_key;
  for (const auto& r : records) {
    Headline h{key_of(r), r.precision, r.metric, r.value, r.n};
    if (!by_key.emplace(h.key, h).second)
      throw ResultsError(fmt::format("two result records for the same job {}", h.key.label()));
  }
  std::vector<Headline> out;
  for (auto& [k, h] : by_key) out.push_back(h);
  return out;
}

const std::vector<std::string>& standard_prompt_modes() {
  static const std::vector<std::string> modes = {"raw", "single", "ensemble"};
  return modes;
}

std::optional<double> ZeroShotRow::score(const std::string& mode) const {
  const auto it = scores.find(mode);
  if (it == scores.end()) return std::nullopt;
  return it->second;
}

std::optional<double> ZeroShotRow::gain() const {
  const auto raw = score("raw"), ensemble = score("ensemble");
  if (!raw || !ensemble) return std::nullopt;
  return *ensemble - *raw;
}

std::vector<ModelSummary> summarize(const std::vector<ResultRecord>& records,
                                    const PaperReference& paper) {
  // (model, hash, precision variant): two precisions of one checkpoint are two summaries.
  using Id = std::tuple<std::string, std::string, std::string>;
  std::map<Id, ModelSummary> models;
  // id -> dataset/split -> row
  std::map<Id, std::map<std::string, ZeroShotRow>> zs;
  std::map<Id, std::map<std::string, ProbeRow>> probes;
  std::map<Id, std::map<std::pair<std::string, int64_t>, FewShotRow>> few;
  for (const auto& r : records) {
    const Id id{r.model, r.checkpoint_hash, record_precision_variant(r)};
    auto& m = models[id];
    m.model = r.model;
    m.checkpoint_hash = r.checkpoint_hash;
    m.precision = std::get<2>(id);
    const std::string where = r.dataset + "/" + r.split;
    if (r.task == "zero_shot") {
      auto [it, fresh] = zs[id].try_emplace(where);
      ZeroShotRow& row = it->second;
      if (fresh) {
        row.dataset = r.dataset;
        row.split = r.split;
        row.metric = r.metric;
      }
      check_metric(row.metric, r);
      row.n = std::max(row.n, r.n);
      if (r.prompt_mode.empty())
        throw ResultsError(
            fmt::format("zero-shot record {} of {}: no prompt_mode", where, r.model));
      row.scores[r.prompt_mode] = r.value;
    } else if (r.task == "linear_probe") {
      auto [it, fresh] = probes[id].try_emplace(where);
      ProbeRow& row = it->second;
      if (fresh) {
        row.dataset = r.dataset;
        row.split = r.split;
        row.metric = r.metric;
      }
      check_metric(row.metric, r);
      row.value = (row.value * row.seeds + r.value) / (row.seeds + 1);
      ++row.seeds;
    } else if (r.task == "few_shot") {
      record_job_mode(r);  // checks extra.shots
      const int64_t k = r.extra.at("shots").get<int64_t>();
      auto [it, fresh] = few[id].try_emplace({where, k});
      FewShotRow& row = it->second;
      if (fresh) {
        row.dataset = r.dataset;
        row.split = r.split;
        row.metric = r.metric;
        row.shots = k;
      }
      check_metric(row.metric, r);
      row.value = (row.value * row.seeds + r.value) / (row.seeds + 1);
      ++row.seeds;
    }
  }
  auto by_table9 = [&](const auto& a, const auto& b) {
    return std::make_tuple(paper.order(a.dataset), a.dataset, a.split) <
           std::make_tuple(paper.order(b.dataset), b.dataset, b.split);
  };
  std::vector<ModelSummary> out;
  for (auto& [id, m] : models) {
    const auto& standard = standard_prompt_modes();
    m.prompt_modes = standard;
    std::set<std::string> others;
    for (auto& [w, row] : zs[id]) {
      for (const auto& [mode, value] : row.scores)
        if (std::find(standard.begin(), standard.end(), mode) == standard.end())
          others.insert(mode);
      m.zero_shot.push_back(row);
    }
    m.prompt_modes.insert(m.prompt_modes.end(), others.begin(), others.end());
    for (auto& [w, row] : probes[id]) m.linear_probe.push_back(row);
    std::sort(m.zero_shot.begin(), m.zero_shot.end(), by_table9);
    std::sort(m.linear_probe.begin(), m.linear_probe.end(), by_table9);
    for (auto& [w, row] : few[id]) m.few_shot.push_back(row);
    std::stable_sort(m.few_shot.begin(), m.few_shot.end(), [&](const auto& a, const auto& b) {
      return std::make_tuple(paper.order(a.dataset), a.dataset, a.split, a.shots) <
             std::make_tuple(paper.order(b.dataset), b.dataset, b.split, b.shots);
    });
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace clipbench::reports
