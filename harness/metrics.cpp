// Evaluation metrics of the paper's Table 9 on plain score matrices (see metrics.h for the rules).
#include "harness/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "clip/registry.h"

namespace clipbench::harness {
namespace {

void check_shape(int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 1)
    throw MetricError(fmt::format(
        "scores: shape [{}, {}] is not usable, expected rows >= 0 and cols >= 1", rows, cols));
}

template <typename T>
void check_size(const std::vector<T>& values, int64_t rows, int64_t cols) {
  check_shape(rows, cols);
  if (static_cast<int64_t>(values.size()) != rows * cols)
    throw MetricError(fmt::format("scores: {} values, expected [{}, {}] = {} (row-major)",
                                  values.size(), rows, cols, rows * cols));
}

// Checks labels against the scores (count, range) and the scores for NaN.
void check_labels(const Scores& s, const std::vector<int64_t>& labels) {
  if (static_cast<int64_t>(labels.size()) != s.rows())
    throw MetricError(fmt::format("{} labels for {} rows of scores: expected one label per row",
                                  labels.size(), s.rows()));
  if (s.rows() == 0) throw MetricError("no rows to score: a metric over 0 samples is undefined");
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= s.cols())
      throw MetricError(fmt::format("label {} of row {} is outside [0, {}) ({} classes)", labels[i],
                                    i, s.cols(), s.cols()));
  for (int64_t r = 0; r < s.rows(); ++r)
    for (int64_t c = 0; c < s.cols(); ++c)
      if (std::isnan(s.at(r, c))) throw MetricError(fmt::format("score [{}, {}] is NaN", r, c));
}

// Classes ranked above the true class of `row` (ties to the lower class index).
int64_t rank_of_true_class(const Scores& s, int64_t row, int64_t label) {
  const double t = s.at(row, label);
  int64_t above = 0;
  for (int64_t c = 0; c < s.cols(); ++c) {
    const double v = s.at(row, c);
    if (v > t || (v == t && c < label)) ++above;
  }
  return above;
}

double top_k_unchecked(const Scores& s, const std::vector<int64_t>& labels, int64_t k) {
  int64_t hits = 0;
  for (int64_t r = 0; r < s.rows(); ++r)
    if (rank_of_true_class(s, r, labels[r]) < k) ++hits;
  return static_cast<double>(hits) / static_cast<double>(s.rows());
}

double pct(double fraction) { return 100.0 * fraction; }
std::optional<double> pct(std::optional<double> fraction) {
  if (!fraction) return std::nullopt;
  return 100.0 * *fraction;
}

using SingleLabelMetric = std::function<MetricValues(const Scores&, const std::vector<int64_t>&)>;

MetricValues make(const std::string& name, double headline_fraction) {
  MetricValues m;
  m.metric = name;
  m.value = pct(headline_fraction);
  m.metrics[name] = m.value;
  return m;
}

const Registry<SingleLabelMetric>& single_label_metrics() {
  static const Registry<SingleLabelMetric> registry = [] {
    Registry<SingleLabelMetric> r("single-label metric");
    r.add("accuracy", [](const Scores& s, const std::vector<int64_t>& y) {
      MetricValues m = make("accuracy", top1_accuracy(s, y));
      m.metrics["top1"] = m.value;
      m.metrics["top5"] = pct(top_k_accuracy(s, y, 5));
      return m;
    });
    r.add("mean_per_class_recall", [](const Scores& s, const std::vector<int64_t>& y) {
      MetricValues m = make("mean_per_class_recall", mean_per_class_recall(s, y));
      m.metrics["top1"] = pct(top1_accuracy(s, y));
      m.metrics["top5"] = pct(top_k_accuracy(s, y, 5));
      return m;
    });
    r.add("mean_top1_top5", [](const Scores& s, const std::vector<int64_t>& y) {
      const auto mean = mean_top1_top5(s, y);
      if (!mean)
        throw MetricError(fmt::format(
            "mean_top1_top5 needs at least 5 classes (top-5 is undefined), the scores have {}",
            s.cols()));
      MetricValues m = make("mean_top1_top5", *mean);
      m.metrics["top1"] = pct(top1_accuracy(s, y));
      m.metrics["top5"] = pct(top_k_accuracy(s, y, 5));
      return m;
    });
    r.add("roc_auc", [](const Scores& s, const std::vector<int64_t>& y) {
      MetricValues m = make("roc_auc", roc_auc(positive_scores(s), y));
      if (s.cols() == 2) m.metrics["top1"] = pct(top1_accuracy(s, y));
      return m;
    });
    return r;
  }();
  return registry;
}

}  // namespace

Scores::Scores(const std::vector<float>& values, int64_t rows, int64_t cols)
    : f32_(values.data()), rows_(rows), cols_(cols) {
  check_size(values, rows, cols);
}
Scores::Scores(const std::vector<double>& values, int64_t rows, int64_t cols)
    : f64_(values.data()), rows_(rows), cols_(cols) {
  check_size(values, rows, cols);
}
Scores::Scores(const float* data, int64_t rows, int64_t cols)
    : f32_(data), rows_(rows), cols_(cols) {
  check_shape(rows, cols);
}
Scores::Scores(const double* data, int64_t rows, int64_t cols)
    : f64_(data), rows_(rows), cols_(cols) {
  check_shape(rows, cols);
}

std::optional<double> top_k_accuracy(const Scores& scores, const std::vector<int64_t>& labels,
                                     int64_t k) {
  if (k < 1) throw MetricError(fmt::format("top-k accuracy: k = {}, expected k >= 1", k));
  check_labels(scores, labels);
  if (k > scores.cols()) return std::nullopt;
  return top_k_unchecked(scores, labels, k);
}

double top1_accuracy(const Scores& scores, const std::vector<int64_t>& labels) {
  return *top_k_accuracy(scores, labels, 1);
}

double mean_per_class_recall(const Scores& scores, const std::vector<int64_t>& labels) {
  check_labels(scores, labels);
  std::vector<int64_t> total(scores.cols(), 0), correct(scores.cols(), 0);
  for (int64_t r = 0; r < scores.rows(); ++r) {
    ++total[labels[r]];
    if (rank_of_true_class(scores, r, labels[r]) == 0) ++correct[labels[r]];
  }
  double sum = 0.0;
  int64_t present = 0;
  for (int64_t c = 0; c < scores.cols(); ++c) {
    if (total[c] == 0) continue;
    sum += static_cast<double>(correct[c]) / static_cast<double>(total[c]);
    ++present;
  }
  return sum / static_cast<double>(present);
}

std::optional<double> mean_top1_top5(const Scores& scores, const std::vector<int64_t>& labels) {
  const auto top5 = top_k_accuracy(scores, labels, 5);
  if (!top5) return std::nullopt;
  return (top1_accuracy(scores, labels) + *top5) / 2.0;
}

double roc_auc(const std::vector<double>& scores, const std::vector<int64_t>& labels) {
  if (scores.size() != labels.size())
    throw MetricError(fmt::format("roc_auc: {} scores for {} labels, expected one score per label",
                                  scores.size(), labels.size()));
  int64_t npos = 0, nneg = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1)
      throw MetricError(fmt::format("roc_auc: label {} of row {}, expected 0 or 1", labels[i], i));
    if (std::isnan(scores[i])) throw MetricError(fmt::format("roc_auc: score {} is NaN", i));
    (labels[i] == 1 ? npos : nneg)++;
  }
  if (npos == 0 || nneg == 0)
    throw MetricError(fmt::format(
        "roc_auc: only one class present ({} positives, {} negatives): ROC AUC is undefined", npos,
        nneg));
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Twice the Mann-Whitney U: each (positive, negative) pair with the positive above counts 2,
  // a tied pair counts 1. Integers, so the result is exact up to the final division.
  int64_t twice_u = 0, negatives_below = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    int64_t p = 0, q = 0;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      (labels[order[j]] == 1 ? p : q)++;
      ++j;
    }
    twice_u += 2 * p * negatives_below + p * q;
    negatives_below += q;
    i = j;
  }
  return static_cast<double>(twice_u) / (2.0 * static_cast<double>(npos) * nneg);
}

std::vector<double> positive_scores(const Scores& scores) {
  if (scores.cols() > 2)
    throw MetricError(
        fmt::format("roc_auc is binary: expected 1 or 2 score columns, got {}", scores.cols()));
  std::vector<double> out(scores.rows());
  for (int64_t r = 0; r < scores.rows(); ++r)
    out[r] = scores.cols() == 1 ? scores.at(r, 0) : scores.at(r, 1) - scores.at(r, 0);
  return out;
}

std::vector<std::optional<double>> voc11_average_precision(const Scores& scores,
                                                           const MultiLabelTargets& t) {
  if (t.rows != scores.rows() || t.cols != scores.cols())
    throw MetricError(
        fmt::format("11-point mAP: targets are [{}, {}], scores [{}, {}]: expected "
                    "the same shape",
                    t.rows, t.cols, scores.rows(), scores.cols()));
  if (static_cast<int64_t>(t.values.size()) != t.rows * t.cols)
    throw MetricError(fmt::format("11-point mAP: {} target values, expected [{}, {}] = {}",
                                  t.values.size(), t.rows, t.cols, t.rows * t.cols));
  for (size_t i = 0; i < t.values.size(); ++i)
    if (t.values[i] != 1 && t.values[i] != -1 && t.values[i] != 0)
      throw MetricError(fmt::format(
          "11-point mAP: target [{}, {}] is {}, expected 1 (present), -1 (absent) or 0 "
          "(difficult)",
          static_cast<int64_t>(i) / t.cols, static_cast<int64_t>(i) % t.cols, t.values[i]));
  std::vector<std::optional<double>> ap(t.cols);
  for (int64_t c = 0; c < t.cols; ++c) {
    std::vector<int64_t> rows;
    int64_t npos = 0;
    for (int64_t r = 0; r < t.rows; ++r) {
      const int v = t.values[r * t.cols + c];
      if (v == 0) continue;
      if (std::isnan(scores.at(r, c)))
        throw MetricError(fmt::format("11-point mAP: score [{}, {}] is NaN", r, c));
      rows.push_back(r);
      if (v == 1) ++npos;
    }
    if (npos == 0) continue;
    std::stable_sort(rows.begin(), rows.end(),
                     [&](int64_t a, int64_t b) { return scores.at(a, c) > scores.at(b, c); });
    std::vector<double> precision(rows.size()), recall(rows.size());
    int64_t tp = 0;
    for (size_t k = 0; k < rows.size(); ++k) {
      if (t.values[rows[k] * t.cols + c] == 1) ++tp;
      precision[k] = static_cast<double>(tp) / static_cast<double>(k + 1);
      recall[k] = static_cast<double>(tp) / static_cast<double>(npos);
    }
    double sum = 0.0;
    for (int i = 0; i <= 10; ++i) {
      const double threshold = i * 0.1;
      double best = 0.0;
      for (size_t k = 0; k < rows.size(); ++k)
        if (recall[k] >= threshold) best = std::max(best, precision[k]);
      sum += best;
    }
    ap[c] = sum / 11.0;
  }
  return ap;
}

double voc11_map(const Scores& scores, const MultiLabelTargets& targets) {
  double sum = 0.0;
  int64_t defined = 0;
  for (const auto& ap : voc11_average_precision(scores, targets)) {
    if (!ap) continue;
    sum += *ap;
    ++defined;
  }
  if (defined == 0)
    throw MetricError("11-point mAP: no class has a positive target: the mean AP is undefined");
  return sum / static_cast<double>(defined);
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"accuracy", "mean_per_class_recall",
                                                 "11_point_map", "mean_top1_top5", "roc_auc"};
  return names;
}

MetricValues compute_metrics(const std::string& metric, const Scores& scores,
                             const std::vector<int64_t>& labels) {
  if (metric == "11_point_map")
    throw MetricError("metric 11_point_map is multi-label: give MultiLabelTargets, not labels");
  if (!single_label_metrics().contains(metric))
    throw_unknown_name("metric", metric, metric_names());
  return single_label_metrics().at(metric)(scores, labels);
}

MetricValues compute_metrics(const std::string& metric, const Scores& scores,
                             const MultiLabelTargets& targets) {
  const auto& names = metric_names();
  if (std::find(names.begin(), names.end(), metric) == names.end())
    throw_unknown_name("metric", metric, names);
  if (metric != "11_point_map")
    throw MetricError(fmt::format(
        "metric {} takes one class label per row; only 11_point_map takes multi-label targets",
        metric));
  return make("11_point_map", voc11_map(scores, targets));
}

}  // namespace clipbench::harness
