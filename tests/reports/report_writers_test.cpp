// Tests for the report writers (Markdown, JSON summary, SVG) and the regression check, on
// hand-made records and the committed paper reference.
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/paper_reference.h"
#include "reports/regression_check.h"
#include "reports/summary.h"
#include "reports/svg_chart.h"
#include "tests/support/catch.h"
#include "tests/support/paper_reference.h"
#include "tests/support/result_records.h"
#include "tests/support/temp_dir.h"

using namespace clipbench::reports;
using Catch::Contains;
using clipbench::test::make_record;
using clipbench::test::paper;

namespace {

// ViT-B/32: food101 in three modes, imagenet in two, sun397 ensemble only; a ResNet-50 probe on
// food101 and imagenet; a ViT-B/32 probe on food101.
std::vector<ResultRecord> sample_records() {
  return {make_record("ViT-B/32", "food101", "zero_shot", "raw", 80.0),
          make_record("ViT-B/32", "food101", "zero_shot", "single", 82.5),
          make_record("ViT-B/32", "food101", "zero_shot", "ensemble", 84.0),
          make_record("ViT-B/32", "imagenet", "zero_shot", "raw", 55.0),
          make_record("ViT-B/32", "imagenet", "zero_shot", "ensemble", 63.0),
          make_record("ViT-B/32", "sun397", "zero_shot", "ensemble", 62.0),
          make_record("ViT-B/32", "food101", "linear_probe", "", 88.0),
          make_record("ResNet-50", "food101", "linear_probe", "", 70.0),
          make_record("ResNet-50", "imagenet", "linear_probe", "", 75.0)};
}

}  // namespace

TEST_CASE("paper_reference.json carries Table 11, Table 10, Figure 5 and Table 1", "[unit]") {
  const auto& p = paper();
  CHECK(p.dataset_order.size() == 27);
  CHECK(p.dataset_order.front() == "food101");
  CHECK(p.zero_shot.size() == 9);
  CHECK(*p.zero_shot_score("ViT-B/32", "food101") == 84.4);
  CHECK(*p.zero_shot_score("ViT-L/14@336px", "imagenet") == 76.2);
  CHECK_FALSE(p.zero_shot_score("ViT-64/8", "food101").has_value());
  CHECK(*p.probe_score("ResNet-50", "imagenet") == 74.3);
  CHECK(p.figure5_delta.at("stanford_cars") == 28.9);
  CHECK(p.visual_ngrams.at("ayahoo").visual_ngrams == 72.4);
  CHECK(p.visual_ngrams.at("imagenet").visual_ngrams == 11.5);
  CHECK(p.visual_ngrams.at("sun397").visual_ngrams == 23.0);
  CHECK_THROWS_AS(load_paper_reference("/nonexistent/paper.json"), clipbench::FileError);
}

TEST_CASE("the built-in paper reference is baselines/paper_reference.json", "[unit]") {
  const auto& file = paper();  // read from the source tree
  const auto& builtin = clipbench::reports::builtin_paper_reference();
  CHECK(builtin.dataset_order == file.dataset_order);
  CHECK(builtin.dataset_names == file.dataset_names);
  CHECK(builtin.zero_shot == file.zero_shot);
  CHECK(builtin.linear_probe == file.linear_probe);
  CHECK(builtin.figure5_delta == file.figure5_delta);
  REQUIRE(builtin.visual_ngrams.size() == file.visual_ngrams.size());
  for (const auto& [id, row] : file.visual_ngrams) {
    INFO(id);
    CHECK(builtin.visual_ngrams.at(id).column == row.column);
    CHECK(builtin.visual_ngrams.at(id).visual_ngrams == row.visual_ngrams);
    CHECK(builtin.visual_ngrams.at(id).clip == row.clip);
  }
  CHECK(builtin.zero_shot_source == file.zero_shot_source);
  CHECK(load_paper_reference(clipbench::reports::kBuiltinPaperReference).zero_shot ==
        file.zero_shot);
  CHECK_THROWS_WITH(clipbench::reports::parse_paper_reference("{\"schema_version\": 1}", "p.json"),
                    Catch::Contains("paper reference p.json"));
}

TEST_CASE("the Markdown report lists every dataset with modes, gain, paper and averages",
          "[unit]") {
  const std::string md = markdown_report(sample_records(), paper(), {"results/", "gain.svg"});
  // food101: raw 80.0, single 82.5, ensemble 84.0, gain +4.0, Table 11 84.4, difference -0.4.
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1000 | 80.0 | 82.5 | 84.0 | +4.0 | "
                          "84.4 | -0.4 |"));
  // imagenet: no single; gain +8.0; Table 11 ViT-B/32 63.2 -> -0.2.
  CHECK_THAT(md, Contains("| ImageNet (`imagenet`) | accuracy | 1000 | 55.0 | – | 63.0 | +8.0 | "
                          "63.2 | -0.2 |"));
  // averages: raw (80+55)/2 = 67.5, single 82.5, ensemble (84+63+62)/3 = 69.7, gain 6.0;
  // paper (84.4 + 63.2 + 63.2) / 3 = 70.27 -> 70.3, difference 69.67 - 70.27 = -0.6.
  CHECK_THAT(
      md, Contains("| **average (3 datasets)** | | | 67.5 | 82.5 | 69.7 | +6.0 | 70.3 | -0.6 |"));
  // Visual N-Grams: imagenet 63.0 vs 11.5 -> +51.5; sun397 62.0 vs 23.0 -> +39.0.
  CHECK_THAT(md, Contains("| ImageNet (`imagenet`) | 11.5 | 76.2 | 63.0 | +51.5 |"));
  CHECK_THAT(md, Contains("| SUN (`sun397`) | 23.0 | 58.5 | 62.0 | +39.0 |"));
  // Linear probe of ViT-B/32 on food101 vs Table 10 (88.8): -0.8; ResNet-50 vs its row (71.3).
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1 | 88.0 | 88.8 | -0.8 |"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1 | 70.0 | 71.3 | -1.3 |"));
  // Figure 5: zero-shot ensemble minus the ResNet-50 probe, next to the paper's delta.
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | 84.0 | 70.0 | +14.0 | +22.5 |"));
  CHECK_THAT(md, Contains("| ImageNet (`imagenet`) | 63.0 | 75.0 | -12.0 | +1.9 |"));
  CHECK_THAT(md, Contains("![Prompt ensembling gain (ensemble − raw) per dataset](gain.svg)"));
  CHECK_THAT(md, Contains("## ResNet-50"));
}

TEST_CASE("the Markdown report has no paper column for an unreleased model", "[unit]") {
  const std::string md =
      markdown_report({make_record("ViT-64/8", "food101", "zero_shot", "raw", 10.0),
                       make_record("ViT-64/8", "food101", "zero_shot", "ensemble", 12.25)},
                      paper(), {"r", ""});
  CHECK_THAT(md, Contains("not a released CLIP model"));
  CHECK_THAT(md, Contains("| 10.0 | – | 12.2 | +2.2 | – | – |"));
  CHECK_FALSE(md.find("gain.svg") != std::string::npos);
  CHECK_FALSE(md.find("Visual N-Grams (Table 1)") != std::string::npos);
}

TEST_CASE("the JSON summary holds headlines, rows with gains and paper numbers, averages",
          "[unit]") {
  const auto j = json_report(sample_records(), paper(), "results/");
  CHECK(j.at("kind") == "clipbench_report");
  CHECK(j.at("records") == 9);
  CHECK(j.at("headlines").size() == 9);
  const auto& models = j.at("models");
  REQUIRE(models.size() == 2);
  const auto& vit = models.at(1).at("model") == "ViT-B/32" ? models.at(1) : models.at(0);
  const auto& food = vit.at("zero_shot").at(0);
  CHECK(food.at("dataset") == "food101");
  CHECK(food.at("gain").get<double>() == Approx(4.0));
  CHECK(food.at("paper").get<double>() == 84.4);
  CHECK(food.at("ensemble_minus_paper").get<double>() == Approx(-0.4));
  CHECK(vit.at("zero_shot").at(1).at("dataset") == "sun397");  // Table 9 order
  CHECK(vit.at("zero_shot").at(2).at("single").is_null());
  CHECK(vit.at("averages").at("ensemble").get<double>() == Approx((84.0 + 63.0 + 62.0) / 3));
  CHECK(vit.at("linear_probe").at(0).at("minus_paper").get<double>() == Approx(-0.8));
}

TEST_CASE("a prompt mode beyond the paper's three becomes a column in both reports", "[unit]") {
  auto records = sample_records();
  records.push_back(make_record("ViT-B/32", "food101", "zero_shot", "descriptions", 85.5));
  records.push_back(make_record("ViT-B/32", "imagenet", "zero_shot", "descriptions", 60.0));
  const auto models = summarize(records, paper());
  const auto& vit = models.at(0).model == "ViT-B/32" ? models.at(0) : models.at(1);
  CHECK(vit.prompt_modes == std::vector<std::string>{"raw", "single", "ensemble", "descriptions"});
  const std::string md = markdown_report(records, paper(), {"r", ""});
  CHECK_THAT(md, Contains("| raw | single | ensemble | descriptions | gain |"));
  // food101: raw 80.0, single 82.5, ensemble 84.0, descriptions 85.5, gain +4.0.
  CHECK_THAT(md, Contains("| 80.0 | 82.5 | 84.0 | 85.5 | +4.0 |"));
  records.push_back(make_record("ViT-B/32", "food101", "zero_shot", "a|b", 1.0));
  CHECK_THAT(markdown_report(records, paper(), {"r", ""}),
             Contains("| ensemble | a\\|b | descriptions | gain |"));
  records.pop_back();
  const auto j = json_report(records, paper(), "results/");
  for (const auto& m : j.at("models")) {
    if (m.at("model") != "ViT-B/32" || m.at("zero_shot").empty()) continue;
    CHECK(m.at("zero_shot").at(0).at("scores").at("descriptions").get<double>() == 85.5);
    CHECK(m.at("averages").at("scores").at("descriptions").get<double>() ==
          Approx((85.5 + 60.0) / 2));
  }
}

TEST_CASE("the SVG chart has one bar per dataset with both raw and ensemble", "[unit]") {
  const auto bars = gain_bars(summarize(sample_records(), paper()));
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].label == "food101");
  CHECK(bars[0].value == Approx(4.0));
  CHECK(bars[1].label == "imagenet");
  const std::string svg = svg_bar_chart({{"a<b", 2.5}, {"c", -1.0}}, "gain & loss");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK_THAT(svg, Contains("</svg>"));
  CHECK_THAT(svg, Contains("a&lt;b"));
  CHECK_THAT(svg, Contains("gain &amp; loss"));
  CHECK_THAT(svg, Contains(">+2.5</text>"));
  CHECK_THAT(svg, Contains(">-1.0</text>"));
  CHECK_THAT(svg, Contains("#c62828"));  // the negative bar
  size_t rects = 0;
  for (size_t p = svg.find("<rect x="); p != std::string::npos; p = svg.find("<rect x=", p + 1))
    ++rects;
  CHECK(rects == 2);
  CHECK_THAT(svg_bar_chart({}, "t"), Contains("no data"));
}

TEST_CASE("check_regressions flags drops beyond the tolerance and missing results", "[unit]") {
  auto base = headlines(sample_records());
  auto now_records = sample_records();
  now_records[2].value = 83.0;                 // food101 ensemble: -1.0
  now_records[1].value = 82.2;                 // food101 single: -0.3 (within 0.5)
  now_records[4].value = 64.0;                 // imagenet ensemble: +1.0
  now_records.erase(now_records.begin() + 5);  // sun397 missing
  const auto r = check_regressions(base, headlines(now_records), 0.5);
  REQUIRE(r.regressions.size() == 1);
  CHECK(r.regressions[0].key.dataset == "food101");
  CHECK(r.regressions[0].key.prompt_mode == "ensemble");
  CHECK(r.regressions[0].delta() == Approx(-1.0));
  REQUIRE(r.missing.size() == 1);
  CHECK(r.missing[0].key.dataset == "sun397");
  REQUIRE(r.improvements.size() == 1);
  CHECK(r.compared == 8);
  CHECK(check_regressions(base, headlines(now_records), 1.5).regressions.empty());
  auto changed = headlines(sample_records());
  changed[0].metric = "mean_per_class_recall";
  CHECK_THROWS_AS(check_regressions(base, changed, 0.5), ResultsError);
}

TEST_CASE("read_baseline reads a folder or a report.json, and rejects other JSON", "[unit]") {
  clipbench::test::TempDir dir;
  for (const auto& r : sample_records()) write_record(dir.file("run"), r);
  const auto from_dir = read_baseline(dir.file("run"));
  CHECK(from_dir.size() == 9);
  const auto summary =
      dir.write("report.json", json_report(sample_records(), paper(), "run").dump());
  const auto from_json = read_baseline(summary);
  REQUIRE(from_json.size() == 9);
  for (size_t i = 0; i < 9; ++i) {
    CHECK(from_json[i].key == from_dir[i].key);
    CHECK(from_json[i].value == from_dir[i].value);
  }
  CHECK_THROWS_WITH(read_baseline(dir.write("other.json", "{\"a\": 1}")),
                    Contains("not a clipbench report summary"));
  CHECK_THROWS_WITH(read_baseline(dir.write("bad.json", "{\"kind\": \"clipbench_rep")),
                    Contains("unreadable summary"));
  CHECK_THROWS_AS(read_baseline(dir.file("none.json")), clipbench::FileError);
}

TEST_CASE("few-shot records are averaged over seeds per k in both reports", "[unit]") {
  std::vector<ResultRecord> records;
  for (const auto& [k, seed, value] : std::vector<std::tuple<int, int, double>>{
           {1, 0, 30.0}, {1, 1, 40.0}, {4, 0, 60.0}, {4, 1, 65.0}, {4, 2, 70.0}}) {
    auto r = make_record("ViT-B/32", "food101", "few_shot", "", value);
    r.seed = seed;
    r.extra["shots"] = k;
    records.push_back(r);
  }
  CHECK(headlines(records).size() == 5);
  const std::string md = markdown_report(records, paper(), {"r", ""});
  CHECK_THAT(md, Contains("### Few-shot linear probe"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1 | 2 | 35.0 |"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 4 | 3 | 65.0 |"));
  const auto j = json_report(records, paper(), "r");
  const auto& fs = j.at("models").at(0).at("few_shot");
  REQUIRE(fs.size() == 2);
  CHECK(fs.at(0).at("shots") == 1);
  CHECK(fs.at(1).at("value").get<double>() == Approx(65.0));
  // A few-shot record without its k cannot be placed.
  records.back().extra.erase("shots");
  CHECK_THROWS_WITH(markdown_report(records, paper(), {"r", ""}), Contains("extra.shots"));
}

TEST_CASE("two precisions of one checkpoint stay apart in every report and in check", "[unit]") {
  const auto fp32 = make_record("ViT-B/32", "food101", "zero_shot", "ensemble", 84.0);
  auto bf16 = fp32;
  bf16.precision = "bf16";
  bf16.value = 83.5;
  const std::vector<ResultRecord> records = {fp32, bf16};

  const auto hs = headlines(records);  // not "two result records for the same job"
  REQUIRE(hs.size() == 2);
  CHECK(hs[0].key.precision.empty());
  CHECK(hs[0].precision == "fp32");
  CHECK(hs[1].key.precision == "bf16");
  CHECK(hs[1].key.label() == "food101/test zero_shot ensemble (ViT-B/32 (bf16))");

  const auto models = summarize(records, paper());
  REQUIRE(models.size() == 2);
  CHECK(models[0].label() == "ViT-B/32");
  CHECK(models[1].label() == "ViT-B/32 (bf16)");
  REQUIRE(models[1].zero_shot.size() == 1);
  CHECK(*models[0].zero_shot[0].score("ensemble") == 84.0);
  CHECK(*models[1].zero_shot[0].score("ensemble") == 83.5);

  const std::string md = markdown_report(records, paper(), {"r", ""});
  CHECK_THAT(md, Contains("## ViT-B/32 (`sha256:"));
  CHECK_THAT(md, Contains("## ViT-B/32 (bf16) (`sha256:"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1000 | – | – | 84.0 | – | 84.4 |"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1000 | – | – | 83.5 | – | 84.4 |"));

  const auto j = json_report(records, paper(), "r");
  REQUIRE(j.at("models").size() == 2);
  CHECK(j.at("models").at(0).at("precision").is_null());
  CHECK(j.at("models").at(1).at("precision") == "bf16");
  CHECK(j.at("models").at(1).at("label") == "ViT-B/32 (bf16)");
  REQUIRE(j.at("headlines").size() == 2);

  // check: a bf16 run is not compared against an fp32 baseline (it is missing there, not a drop).
  const auto cross = check_regressions(headlines({fp32}), headlines({bf16}), 0.1);
  CHECK(cross.compared == 0);
  CHECK(cross.regressions.empty());
  REQUIRE(cross.missing.size() == 1);
  const auto same = check_regressions(hs, hs, 0.1);
  CHECK(same.compared == 2);

  // The summary's headlines carry the precision back; older summaries without it are fp32.
  clipbench::test::TempDir dir;
  const auto from_json = read_baseline(dir.write("report.json", j.dump()));
  REQUIRE(from_json.size() == 2);
  CHECK(from_json[0].key == hs[0].key);
  CHECK(from_json[1].key == hs[1].key);
  auto old = j;
  old["headlines"].erase(1);
  old["headlines"][0].erase("precision");
  const auto from_old = read_baseline(dir.write("old.json", old.dump()));
  REQUIRE(from_old.size() == 1);
  CHECK(from_old[0].key == hs[0].key);
}
