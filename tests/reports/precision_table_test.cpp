// Tests for reports/precision_table: fp32 against another precision on the same job, and the
// "Precision" sections of the Markdown and JSON reports, from hand-built records.
#include "reports/precision_table.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/paper_reference.h"
#include "tests/support/catch.h"
#include "tests/support/paper_reference.h"
#include "tests/support/result_records.h"

using namespace clipbench::reports;
using Catch::Contains;
using clipbench::test::make_record;
using clipbench::test::paper;

namespace {

ResultRecord in_precision(ResultRecord r, const std::string& precision, double value) {
  r.precision = precision;
  r.value = value;
  r.metrics = {{r.metric, value}};
  return r;
}

}  // namespace

TEST_CASE("precision_rows pairs each job's fp32 record with its other precisions", "[unit]") {
  const auto fp32 = make_record("ViT-B/32", "food101", "zero_shot", "ensemble", 84.25);
  const auto bf16 = in_precision(fp32, "bf16", 83.5);
  // raw exists in fp32 only, single in bf16 only: neither is a pair.
  const auto raw = make_record("ViT-B/32", "food101", "zero_shot", "raw", 80.0);
  const auto single =
      in_precision(make_record("ViT-B/32", "food101", "zero_shot", "single", 82.0), "bf16", 81.0);
  const auto rows = precision_rows({bf16, raw, fp32, single});
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  CHECK(r.model == "ViT-B/32");
  CHECK(r.checkpoint_hash == fp32.checkpoint_hash);
  CHECK(r.dataset == "food101");
  CHECK(r.split == "test");
  CHECK(r.task == "zero_shot");
  CHECK(r.prompt_mode == "ensemble");
  CHECK(r.metric == "accuracy");
  CHECK(r.precision == "bf16");
  CHECK(r.fp32 == 84.25);
  CHECK(r.value == 83.5);
  CHECK(r.difference() == -0.75);
  CHECK(r.n == 1000);
  CHECK(r.n_fp32 == 1000);

  // Another checkpoint (another hash) with the same name is another job: no pairing across them.
  auto other = in_precision(fp32, "bf16", 10.0);
  other.checkpoint_hash = "sha256:" + std::string(64, 'f');
  CHECK(precision_rows({fp32, other}).empty());
  // Modes in the reports' order, not by name.
  const auto raw_bf16 = in_precision(raw, "bf16", 79.0);
  const auto two = precision_rows({bf16, raw_bf16, fp32, raw});
  REQUIRE(two.size() == 2);
  CHECK(two[0].prompt_mode == "raw");
  CHECK(two[0].difference() == -1.0);
  CHECK(two[1].prompt_mode == "ensemble");
  // fp16 and bf16 of one job: one row each, sorted by precision.
  const auto both = precision_rows({fp32, bf16, in_precision(fp32, "fp16", 84.0)});
  REQUIRE(both.size() == 2);
  CHECK(both[0].precision == "bf16");
  CHECK(both[1].precision == "fp16");
  CHECK(both[1].difference() == -0.25);
}

TEST_CASE("precision_rows rejects records that cannot be compared", "[unit]") {
  const auto fp32 = make_record("ViT-B/32", "food101", "zero_shot", "ensemble", 84.25);
  auto other_metric = in_precision(fp32, "bf16", 83.5);
  other_metric.metric = "mean_per_class_recall";
  CHECK_THROWS_WITH(precision_rows({fp32, other_metric}),
                    Contains("food101/test zero_shot ensemble") && Contains("not comparable"));
  CHECK_THROWS_WITH(precision_rows({fp32, fp32}), Contains("two fp32 result records"));
  CHECK_THROWS_WITH(precision_rows({in_precision(fp32, "int8", 1.0)}), Contains("'int8'"));
}

TEST_CASE("the reports' Precision section: fp32, the other score and their difference", "[unit]") {
  const auto fp32 = make_record("ViT-B/32", "food101", "zero_shot", "ensemble", 84.25);
  auto bf16 = in_precision(fp32, "bf16", 83.5);
  bf16.n = 998;  // two images skipped: both counts shown
  const std::string md = markdown_report({fp32, bf16}, paper(), {"r", ""});
  CHECK_THAT(md, Contains("## Precision"));
  CHECK_THAT(md, Contains("| model | dataset | task | prompts | metric | n | fp32 | precision | "
                          "score | difference |"));
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | zero_shot | ensemble | accuracy | 1000 / 998 | "
                          "84.25 | bf16 | 83.50 | -0.75 |"));
  const auto j = json_report({fp32, bf16}, paper(), "r");
  REQUIRE(j.contains("precision"));
  REQUIRE(j.at("precision").size() == 1);
  const auto& row = j.at("precision").at(0);
  CHECK(row.at("precision") == "bf16");
  CHECK(row.at("fp32").get<double>() == 84.25);
  CHECK(row.at("value").get<double>() == 83.5);
  CHECK(row.at("difference").get<double>() == -0.75);
  CHECK(row.at("metric") == "accuracy");
  CHECK(row.at("prompt_mode") == "ensemble");

  // fp32 alone: no section in either report.
  CHECK(markdown_report({fp32}, paper(), {"r", ""}).find("## Precision") == std::string::npos);
  CHECK_FALSE(json_report({fp32}, paper(), "r").contains("precision"));
}
