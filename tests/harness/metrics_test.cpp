// Tests for harness/metrics: parity with the scikit-learn / VOC goldens and the edge cases.
#include "harness/metrics.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/catch.h"
#include "tests/support/paths.h"

using namespace clipbench::harness;
using Catch::Contains;

namespace {

nlohmann::json load_fixture() {
  std::ifstream in(clipbench::test::fixture("metrics/metrics.json"));
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// A JSON [N][C] array as a row-major vector; sets rows / cols.
template <typename T>
std::vector<T> flatten(const nlohmann::json& rows_json, int64_t& rows, int64_t& cols) {
  rows = static_cast<int64_t>(rows_json.size());
  cols = static_cast<int64_t>(rows_json.at(0).size());
  std::vector<T> out;
  for (const auto& row : rows_json) {
    REQUIRE(static_cast<int64_t>(row.size()) == cols);
    for (const auto& v : row) out.push_back(v.get<T>());
  }
  return out;
}

constexpr double kTol = 1e-9;

}  // namespace

TEST_CASE("metrics reproduce every value of fixtures/metrics/metrics.json", "[parity]") {
  const auto fx = load_fixture();

  SECTION("multiclass: top-1, top-5, mean per-class recall, mean(top-1, top-5)") {
    const auto& m = fx.at("multiclass");
    int64_t rows = 0, cols = 0;
    const auto logits = flatten<double>(m.at("logits"), rows, cols);
    const auto labels = m.at("labels").get<std::vector<int64_t>>();
    const Scores s(logits, rows, cols);
    CHECK(top1_accuracy(s, labels) == Approx(m.at("top1").get<double>()).margin(kTol));
    CHECK(*top_k_accuracy(s, labels, 5) == Approx(m.at("top5").get<double>()).margin(kTol));
    CHECK(mean_per_class_recall(s, labels) ==
          Approx(m.at("mean_per_class_recall").get<double>()).margin(kTol));
    CHECK(*mean_top1_top5(s, labels) == Approx(m.at("mean_top1_top5").get<double>()).margin(kTol));

    // The same through compute_metrics, in percent.
    const auto acc = compute_metrics("accuracy", s, labels);
    CHECK(acc.metric == "accuracy");
    CHECK(acc.value / 100 == Approx(m.at("top1").get<double>()).margin(kTol));
    CHECK(*acc.metrics.at("top5") / 100 == Approx(m.at("top5").get<double>()).margin(kTol));
    const auto mpcr = compute_metrics("mean_per_class_recall", s, labels);
    CHECK(mpcr.value / 100 == Approx(m.at("mean_per_class_recall").get<double>()).margin(kTol));
    CHECK(*mpcr.metrics.at("top1") / 100 == Approx(m.at("top1").get<double>()).margin(kTol));
    const auto k700 = compute_metrics("mean_top1_top5", s, labels);
    CHECK(k700.value / 100 == Approx(m.at("mean_top1_top5").get<double>()).margin(kTol));

    // float scores (what an evaluator hands over) rank the same way.
    const auto logits_f = flatten<float>(m.at("logits"), rows, cols);
    const Scores sf(logits_f, rows, cols);
    CHECK(top1_accuracy(sf, labels) == Approx(m.at("top1").get<double>()).margin(kTol));
    CHECK(*top_k_accuracy(sf, labels, 5) == Approx(m.at("top5").get<double>()).margin(kTol));
  }

  SECTION("binary ROC AUC with tied scores") {
    const auto& b = fx.at("binary");
    const auto scores = b.at("scores").get<std::vector<double>>();
    const auto labels = b.at("labels").get<std::vector<int64_t>>();
    CHECK(roc_auc(scores, labels) == Approx(b.at("roc_auc").get<double>()).margin(kTol));
    const Scores column(scores, static_cast<int64_t>(scores.size()), 1);
    const auto r = compute_metrics("roc_auc", column, labels);
    CHECK(r.value / 100 == Approx(b.at("roc_auc").get<double>()).margin(kTol));
    CHECK(r.metrics.count("top1") == 0);  // one column: no class decision to score
  }

  SECTION("VOC 2007 11-point mAP, difficult targets ignored") {
    const auto& v = fx.at("voc2007");
    int64_t rows = 0, cols = 0;
    const auto scores = flatten<double>(v.at("scores"), rows, cols);
    MultiLabelTargets t;
    t.values = flatten<int>(v.at("labels"), t.rows, t.cols);
    const Scores s(scores, rows, cols);
    const auto ap = voc11_average_precision(s, t);
    const auto expected = v.at("ap11_per_class").get<std::vector<double>>();
    REQUIRE(ap.size() == expected.size());
    for (size_t c = 0; c < ap.size(); ++c) {
      INFO("class " << c);
      REQUIRE(ap[c].has_value());
      CHECK(*ap[c] == Approx(expected[c]).margin(kTol));
    }
    CHECK(voc11_map(s, t) == Approx(v.at("map11").get<double>()).margin(kTol));
    const auto r = compute_metrics("11_point_map", s, t);
    CHECK(r.metric == "11_point_map");
    CHECK(r.value / 100 == Approx(v.at("map11").get<double>()).margin(kTol));
  }
}

TEST_CASE("top-k: undefined above the class count, ties to the lower class index", "[unit]") {
  // 3 classes: top-5 is undefined, not an error.
  const std::vector<double> s = {0.1, 0.7, 0.2,  //
                                 0.5, 0.5, 0.0};
  const Scores scores(s, 2, 3);
  CHECK_FALSE(top_k_accuracy(scores, {1, 1}, 5).has_value());
  CHECK_FALSE(mean_top1_top5(scores, {1, 1}).has_value());
  CHECK(*top_k_accuracy(scores, {1, 1}, 3) == 1.0);
  // Row 1 ties classes 0 and 1: class 0 wins top-1.
  CHECK(top1_accuracy(scores, {1, 0}) == 1.0);
  CHECK(top1_accuracy(scores, {1, 1}) == 0.5);
  CHECK(*top_k_accuracy(scores, {1, 1}, 2) == 1.0);
  const auto m = compute_metrics("accuracy", scores, {1, 1});
  CHECK(m.value == 50.0);
  REQUIRE(m.metrics.count("top5") == 1);
  CHECK_FALSE(m.metrics.at("top5").has_value());
  CHECK_THROWS_WITH(compute_metrics("mean_top1_top5", scores, {1, 1}),
                    Contains("at least 5 classes"));
  CHECK_THROWS_AS(top_k_accuracy(scores, {1, 1}, 0), MetricError);
}

TEST_CASE("mean per-class recall averages only the classes present in the labels", "[unit]") {
  // Class 2 never occurs in the labels (it is predicted once): scikit-learn leaves it out.
  const std::vector<double> s = {1, 0, 0,  //
                                 0, 0, 1,  //
                                 0, 1, 0,  //
                                 0, 1, 0};
  const Scores scores(s, 4, 3);
  // class 0: 1/2 right, class 1: 2/2 right -> 0.75
  CHECK(mean_per_class_recall(scores, {0, 0, 1, 1}) == Approx(0.75));
  // class 0: 1/3, class 1: 1/1 -> (1/3 + 1) / 2, accuracy 2/4
  CHECK(mean_per_class_recall(scores, {0, 0, 0, 1}) == Approx((1.0 / 3 + 1.0) / 2));
  CHECK(top1_accuracy(scores, {0, 0, 0, 1}) == Approx(0.5));
}

TEST_CASE("ROC AUC: all ties give 0.5, perfect and reversed rankings, undefined with one class",
          "[unit]") {
  CHECK(roc_auc({0.3, 0.3, 0.3, 0.3}, {0, 1, 0, 1}) == 0.5);
  CHECK(roc_auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}) == 1.0);
  CHECK(roc_auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}) == 0.0);
  // one tied pair out of four: (3 + 0.5) / 4
  CHECK(roc_auc({0.1, 0.5, 0.5, 0.9}, {0, 0, 1, 1}) == 0.875);
  CHECK_THROWS_WITH(roc_auc({0.1, 0.2}, {1, 1}), Contains("only one class"));
  CHECK_THROWS_WITH(roc_auc({0.1, 0.2}, {0, 2}), Contains("expected 0 or 1"));
  // Two columns: the score is s1 - s0, and top-1 comes with it.
  const std::vector<float> two = {0.0f, 1.0f, 1.0f, 0.0f, 0.2f, 0.1f};
  const auto m = compute_metrics("roc_auc", Scores(two, 3, 2), {1, 0, 1});
  CHECK(m.value == Approx(100.0));
  CHECK(*m.metrics.at("top1") == Approx(100.0 * 2 / 3));
  const std::vector<double> three(9, 0.0);
  CHECK_THROWS_WITH(compute_metrics("roc_auc", Scores(three, 3, 3), {0, 1, 0}),
                    Contains("1 or 2 score columns"));
}

TEST_CASE("11-point mAP: a class without positives is undefined and left out of the mean",
          "[unit]") {
  // 3 images x 2 classes; class 1 has only negatives and a difficult one.
  const std::vector<double> s = {0.9, 0.1,  //
                                 0.2, 0.8,  //
                                 0.5, 0.3};
  MultiLabelTargets t{{1, -1,  //
                       -1, 0,  //
                       0, -1},
                      3,
                      2};
  const Scores scores(s, 3, 2);
  const auto ap = voc11_average_precision(scores, t);
  REQUIRE(ap.size() == 2);
  REQUIRE(ap[0].has_value());
  CHECK(*ap[0] == 1.0);  // the difficult row 2 (score 0.5) is ignored, not a false positive
  CHECK_FALSE(ap[1].has_value());
  CHECK(voc11_map(scores, t) == 1.0);
  t.values = {-1, -1, -1, 0, 0, -1};
  CHECK_THROWS_WITH(voc11_map(scores, t), Contains("no class has a positive"));
  t.values = {1, -1, 2, 0, 0, -1};
  CHECK_THROWS_WITH(voc11_map(scores, t), Contains("expected 1 (present), -1 (absent) or 0"));
}

TEST_CASE("mismatched sizes, bad labels and NaN are clear errors", "[unit]") {
  const std::vector<double> s = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
  CHECK_THROWS_WITH(Scores(s, 4, 2), Contains("6 values, expected [4, 2] = 8"));
  const Scores scores(s, 2, 3);
  CHECK_THROWS_WITH(top1_accuracy(scores, {0, 1, 2}), Contains("3 labels for 2 rows"));
  CHECK_THROWS_WITH(top1_accuracy(scores, {0, 3}), Contains("label 3 of row 1 is outside [0, 3)"));
  CHECK_THROWS_WITH(roc_auc({0.1, 0.2}, {0, 1, 1}), Contains("2 scores for 3 labels"));
  CHECK_THROWS_AS(mean_per_class_recall(Scores(s, 0, 3), {}), MetricError);
  MultiLabelTargets t{{1, -1, 1}, 1, 3};
  CHECK_THROWS_WITH(voc11_map(scores, t), Contains("targets are [1, 3], scores [2, 3]"));
  const std::vector<double> nan = {0.1, std::nan(""), 0.3, 0.4, 0.5, 0.6};
  CHECK_THROWS_WITH(top1_accuracy(Scores(nan, 2, 3), {0, 1}), Contains("score [0, 1] is NaN"));
  CHECK_THROWS_AS(compute_metrics("acuracy", scores, {0, 1}), clipbench::RegistryError);
  CHECK_THROWS_WITH(compute_metrics("acuracy", scores, {0, 1}), Contains("did you mean accuracy"));
  CHECK_THROWS_WITH(compute_metrics("11_point_map", scores, {0, 1}), Contains("MultiLabelTargets"));
}
