// Comparing headline values against a baseline, with a tolerance in percentage points.
#include "reports/regression_check.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace clipbench::reports {

std::vector<Headline> read_baseline(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return headlines(read_results(path));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw FileError(
        fmt::format("cannot open the baseline {} (expected a results folder or a "
                    "report.json summary)",
                    path));
  std::vector<Headline> out;
  try {
    const auto j = nlohmann::json::parse(in);
    if (!j.is_object() || j.value("kind", "") != "clipbench_report")
      throw ResultsError(fmt::format(
          "baseline {}: not a clipbench report summary (\"kind\": \"clipbench_report\" missing); "
          "give a results folder or the report.json of `clipbench report --format json`",
          path));
    if (j.at("schema_version").get<int>() != 1)
      throw ResultsError(fmt::format("baseline {}: summary schema_version {}, expected 1", path,
                                     j.at("schema_version").dump()));
    for (const auto& h : j.at("headlines")) {
      Headline x;
      x.key = {h.at("model").get<std::string>(),
               h.at("checkpoint_hash").get<std::string>(),
               h.at("dataset").get<std::string>(),
               h.at("split").get<std::string>(),
               h.at("task").get<std::string>(),
               h.at("prompt_mode").get<std::string>(),
               ""};
      // Summaries written before precision was part of a job's identity have none: fp32.
      x.precision = h.value("precision", std::string("fp32"));
      x.key.precision = precision_variant(x.precision);
      x.metric = h.at("metric").get<std::string>();
      x.value = h.at("value").get<double>();
      x.n = h.at("n").get<int64_t>();
      out.push_back(x);
    }
  } catch (const nlohmann::json::exception& e) {
    throw ResultsError(fmt::format("baseline {}: unreadable summary: {}", path, e.what()));
  }
  return out;
}

CheckResult check_regressions(const std::vector<Headline>& baseline,
                              const std::vector<Headline>& current, double tolerance_points) {
  if (!(tolerance_points >= 0.0))
    throw Error(fmt::format("tolerance {} points: expected a number >= 0", tolerance_points));
  std::map<HeadlineKey, const Headline*> now;
  for (const auto& h : current) now[h.key] = &h;
  CheckResult result;
  for (const auto& b : baseline) {
    auto it = now.find(b.key);
    if (it == now.end()) {
      result.missing.push_back(b);
      continue;
    }
    const Headline& c = *it->second;
    if (c.metric != b.metric)
      throw ResultsError(fmt::format("{}: metric {} in the baseline, {} now: not comparable",
                                     b.key.label(), b.metric, c.metric));
    ++result.compared;
    const Regression r{b.key, b.metric, b.value, c.value};
    if (c.value < b.value - tolerance_points) result.regressions.push_back(r);
    if (c.value > b.value + tolerance_points) result.improvements.push_back(r);
  }
  return result;
}

}  // namespace clipbench::reports
