// Evaluation metrics of the paper's Table 9 (accuracy, top-k, mean per-class recall, ROC AUC,
// VOC 2007 11-point mAP) on plain score matrices; no LibTorch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clip/errors.h"

namespace clipbench::harness {

// Inputs a metric cannot use: sizes that do not match, a label outside [0, C), a NaN score, a
// target other than 1 / -1 / 0, an unknown metric name, a binary AUC with one class only.
class MetricError : public Error {
 public:
  using Error::Error;
};

// A read-only row-major [rows, cols] view of float or double scores (logits, probabilities).
// The data must outlive the view. Constructing from a vector checks that it holds rows * cols
// values (MetricError otherwise); rows >= 0, cols >= 1.
class Scores {
 public:
  Scores(const std::vector<float>& values, int64_t rows, int64_t cols);
  Scores(const std::vector<double>& values, int64_t rows, int64_t cols);
  Scores(const float* data, int64_t rows, int64_t cols);
  Scores(const double* data, int64_t rows, int64_t cols);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  double at(int64_t row, int64_t col) const {
    const int64_t i = row * cols_ + col;
    return f32_ ? static_cast<double>(f32_[i]) : f64_[i];
  }

 private:
  const float* f32_ = nullptr;
  const double* f64_ = nullptr;
  int64_t rows_ = 0;
  int64_t cols_ = 0;
};

// Every metric below returns a fraction in [0, 1] (the fixtures' unit); compute_metrics returns
// percent. Each throws MetricError when labels.size() != scores.rows(), when a label is outside
// [0, scores.cols()), when a score is NaN, or when there are no rows.

// Top-k accuracy: the fraction of rows whose true class is among the k highest scores.
// Ties are broken toward the lower class index (as numpy / torch argmax do for top-1): class j
// ranks above the true class t when s[j] > s[t], or s[j] == s[t] and j < t. Returns std::nullopt
// ("undefined", not an error) when k > number of classes; k < 1 is a MetricError.
std::optional<double> top_k_accuracy(const Scores& scores, const std::vector<int64_t>& labels,
                                     int64_t k);
// top_k_accuracy with k = 1 (always defined).
double top1_accuracy(const Scores& scores, const std::vector<int64_t>& labels);

// Mean per-class recall of the top-1 prediction (argmax, ties to the lower class index): as
// scikit-learn's balanced_accuracy_score, the mean over the classes present in `labels` of
// (correct predictions of the class) / (rows of the class); classes absent from `labels` are
// left out of the mean (scikit-learn drops their NaN recall).
double mean_per_class_recall(const Scores& scores, const std::vector<int64_t>& labels);

// (top-1 + top-5) / 2, the paper's Kinetics-700 metric; std::nullopt when fewer than 5 classes.
std::optional<double> mean_top1_top5(const Scores& scores, const std::vector<int64_t>& labels);

// Binary ROC AUC as scikit-learn's roc_auc_score: labels 0 / 1, one score per row where higher
// means "positive"; tied scores count one half (the trapezoid over distinct thresholds), so all
// scores equal gives 0.5. Computed exactly from integer pair counts. MetricError for a label
// other than 0 / 1, for a NaN score, or when only one class is present (undefined, as
// scikit-learn raises).
double roc_auc(const std::vector<double>& scores, const std::vector<int64_t>& labels);
// The positive-class score of a score matrix: the column itself for one column; for two columns
// s[:,1] - s[:,0] (a monotone function of the softmax probability of class 1, so the same AUC
// without ties created by rounding probabilities). MetricError for more than two columns.
std::vector<double> positive_scores(const Scores& scores);

// Multi-label targets for VOC 2007 classification: row-major [rows, cols], each 1 (present),
// -1 (absent) or 0 (difficult: ignored for that class).
struct MultiLabelTargets {
  std::vector<int> values;
  int64_t rows = 0;
  int64_t cols = 0;
};

// VOC 2007 11-point interpolated average precision per class: drop the difficult (0) rows, rank
// the rest by score, descending (ties keep row order: a stable sort), precision and recall at
// each rank; AP = mean over t in {0, 0.1, ..., 1} of the highest precision at recall >= t (0 when
// there is none). The thresholds are i * 0.1 in double (0.30000000000000004, as numpy's
// np.arange(0., 1.1, 0.1) in the Python VOC evaluation code), which decides recalls landing
// exactly on 0.3 / 0.6 / 0.7. A class without positives has AP std::nullopt (undefined: recall
// is 0 / 0). MetricError when targets and scores differ in shape or hold another value.
std::vector<std::optional<double>> voc11_average_precision(const Scores& scores,
                                                           const MultiLabelTargets& targets);
// The mean of the defined per-class APs (classes without positives left out); MetricError when
// no class has a positive.
double voc11_map(const Scores& scores, const MultiLabelTargets& targets);

// The headline metric of a dataset and every metric computed with it, in percent (0..100) as
// ResultRecord stores them; std::nullopt where undefined (top-5 below 5 classes).
struct MetricValues {
  std::string metric;                                    // the headline's Table 9 name
  double value = 0.0;                                    // the headline, percent
  std::map<std::string, std::optional<double>> metrics;  // headline included, percent
};

// The Table 9 metric names compute_metrics knows, in a fixed order: "accuracy",
// "mean_per_class_recall", "11_point_map", "mean_top1_top5", "roc_auc".
const std::vector<std::string>& metric_names();

// Single-label metrics from [N, C] scores and N class indices:
//   accuracy              -> top1 (headline), top5
//   mean_per_class_recall -> mean_per_class_recall (headline), top1, top5
//   mean_top1_top5        -> mean_top1_top5 (headline), top1, top5
//   roc_auc               -> roc_auc (headline, positive_scores of the matrix), and top1 when
//                            the matrix has two columns (labels 0 / 1)
// Throws MetricError for "11_point_map" (it needs MultiLabelTargets) and RegistryError naming
// near matches for an unknown name.
MetricValues compute_metrics(const std::string& metric, const Scores& scores,
                             const std::vector<int64_t>& labels);
// "11_point_map" -> 11_point_map (headline). MetricError for any other name.
MetricValues compute_metrics(const std::string& metric, const Scores& scores,
                             const MultiLabelTargets& targets);

}  // namespace clipbench::harness
