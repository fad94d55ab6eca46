// TEMPORARY (lead's local stand-in until the reports branch lands; not committed)
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
namespace clipbench::harness {
struct MetricResult { double value = 0; std::map<std::string, std::optional<double>> metrics; };
MetricResult compute_metrics(const std::string& metric, const std::vector<float>& scores, int64_t n, int64_t c, const std::vector<int64_t>& labels);
MetricResult compute_multilabel_metrics(const std::string& metric, const std::vector<float>& scores, int64_t n, int64_t c, const std::vector<std::vector<int8_t>>& targets);
}
