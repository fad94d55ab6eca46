// Tests for `clipbench report` and `clipbench check` as a user runs them, on records written here.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "reports/result_record.h"
#include "tests/support/catch.h"
#include "tests/support/result_records.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using Catch::Contains;
using clipbench::test::clipbench_exe;
using clipbench::test::make_record;
using clipbench::test::read_file;
using clipbench::test::run_command;
using clipbench::test::TempDir;
namespace reports = clipbench::reports;

namespace {

void write_run(const std::string& dir, double food_ensemble) {
  reports::write_record(dir, make_record("RN50", "food101", "zero_shot", "raw", 75.0));
  reports::write_record(dir, make_record("RN50", "food101", "zero_shot", "single", 78.0));
  reports::write_record(dir,
                        make_record("RN50", "food101", "zero_shot", "ensemble", food_ensemble));
  reports::write_record(dir, make_record("RN50", "cifar10", "zero_shot", "raw", 70.0));
  reports::write_record(dir, make_record("RN50", "cifar10", "zero_shot", "ensemble", 75.5));
}

}  // namespace

TEST_CASE("clipbench report writes report.md, gain.svg and report.json into the results folder",
          "[unit]") {
  TempDir dir;
  const std::string results = dir.file("results");
  write_run(results, 81.0);
  const auto r = run_command(clipbench_exe() + " report --results " + results + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::string md = read_file(results + "/report.md");
  // RN50 food101: Table 11 says 81.1 -> ensemble 81.0 is -0.1 from it; gain 81 - 75 = +6.0.
  CHECK_THAT(md, Contains("| Food-101 (`food101`) | accuracy | 1000 | 75.0 | 78.0 | 81.0 | +6.0 | "
                          "81.1 | -0.1 |"));
  CHECK_THAT(md, Contains("| CIFAR-10 (`cifar10`) | accuracy | 1000 | 70.0 | – | 75.5 | +5.5 | "
                          "75.6 | -0.1 |"));
  CHECK_THAT(read_file(results + "/gain.svg"), Contains("</svg>"));
  const auto j = nlohmann::json::parse(read_file(results + "/report.json"));
  CHECK(j.at("headlines").size() == 5);
  // The reports beside the records do not break reading the folder again, and are not warned of.
  auto again = run_command(clipbench_exe() + " report --results " + results + " 2>&1");
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, !Contains("not named as result records"));
  // A record renamed by hand is not read, and report and check say which file that was.
  dir.write("results/best_food.json", "{}");
  again = run_command(clipbench_exe() + " report --results " + results + " 2>&1");
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("1 .json file(s) not named as result records") &&
                            Contains("were not read: best_food.json"));
  CHECK(nlohmann::json::parse(read_file(results + "/report.json")).at("headlines").size() == 5);
  again = run_command(clipbench_exe() + " check --results " + results + " --baseline " + results +
                      "/report.json 2>&1");
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("were not read: best_food.json"));
  std::filesystem::remove(results + "/best_food.json");

  // --out names the Markdown file; --format md writes no JSON.
  const auto r2 = run_command(clipbench_exe() + " report --results " + results +
                              " --format md --out " + dir.file("out/r.md") + " 2>&1");
  INFO(r2.out);
  CHECK(r2.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("out/r.md")));
  CHECK(std::filesystem::exists(dir.file("out/gain.svg")));
  CHECK_FALSE(std::filesystem::exists(dir.file("out/report.json")));
}

TEST_CASE("clipbench report exits 2 on unusable input", "[unit]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("empty"));
  auto r = run_command(clipbench_exe() + " report --results " + dir.file("empty") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("holds no result records"));
  write_run(dir.file("results"), 81.0);
  r = run_command(clipbench_exe() + " report --results " + dir.file("results") +
                  " --format html 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("unknown format 'html'"));
  dir.write("results/cifar10__test__zero_shot__raw__broken0000000000.json",
            "{\"schema_version\": 1,");
  r = run_command(clipbench_exe() + " report --results " + dir.file("results") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("broken0000000000.json"));
}

TEST_CASE("clipbench check exits 1 on a regression or a missing result, 0 within tolerance",
          "[unit]") {
  TempDir dir;
  write_run(dir.file("base"), 81.0);
  write_run(dir.file("same"), 81.0);
  write_run(dir.file("worse"), 79.0);
  const std::string check = clipbench_exe() + " check --baseline " + dir.file("base");

  auto r = run_command(check + " --results " + dir.file("same") + " 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("5 compared, 0 regression(s)"));

  r = run_command(check + " --results " + dir.file("worse") + " --tolerance 0.5 2>&1");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("REGRESSION food101/test zero_shot ensemble (RN50): accuracy 81.00 -> "
                             "79.00 (-2.00 points)"));
  r = run_command(check + " --results " + dir.file("worse") + " --tolerance 2.5 2>&1");
  CHECK(r.exit_code == 0);

  // A summary written by `report --format json` serves as the baseline too.
  REQUIRE(
      run_command(clipbench_exe() + " report --format json --results " + dir.file("base") + " 2>&1")
          .exit_code == 0);
  r = run_command(clipbench_exe() + " check --baseline " + dir.file("base/report.json") +
                  " --results " + dir.file("worse") + " 2>&1");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("REGRESSION food101/test zero_shot ensemble"));

  // A missing result fails unless --allow-missing.
  std::filesystem::remove(
      dir.file("same") + "/" +
      reports::record_file_name(make_record("RN50", "cifar10", "zero_shot", "raw", 70.0)));
  r = run_command(check + " --results " + dir.file("same") + " 2>&1");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("MISSING    cifar10/test zero_shot raw (RN50)"));
  CHECK(run_command(check + " --results " + dir.file("same") + " --allow-missing 2>&1").exit_code ==
        0);
}

TEST_CASE("clipbench check exits 2 on an unusable baseline or results folder", "[unit]") {
  TempDir dir;
  write_run(dir.file("run"), 81.0);
  auto r = run_command(clipbench_exe() + " check --results " + dir.file("run") + " --baseline " +
                       dir.write("x.json", "[1, 2]") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("not a clipbench report summary"));
  auto j = reports::to_json(make_record("RN50", "food101", "zero_shot", "raw", 75.0));
  j["schema_version"] = 7;
  dir.write("run/food101__test__zero_shot__raw__" + std::string(16, '0') + ".json", j.dump());
  r = run_command(clipbench_exe() + " check --results " + dir.file("run") + " --baseline " +
                  dir.file("run") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("schema_version 7"));
  r = run_command(clipbench_exe() + " check --results " + dir.file("nope") + " --baseline " +
                  dir.file("run") + " 2>&1");
  CHECK(r.exit_code == 2);
  r = run_command(clipbench_exe() + " check --results " + dir.file("run") + " --baseline " +
                  dir.file("run") + " --tolerance -1 2>&1");
  CHECK(r.exit_code == 2);
}
