// Tests of the linear-probe job: the hold-out rule, `clipbench probe` on real Fashion-MNIST with
// the tiny CLIP checkpoint, and the feature cache (reused when valid, rebuilt when not).
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "clip/safetensors.h"
#include "harness/probe_eval.h"
#include "reports/result_record.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::fixture;
using clipbench::test::run_command;
namespace fs = std::filesystem;

TEST_CASE("holdout_split keeps the last 10% of each class for validation", "[unit]") {
  // Class 0 at rows 0..19 (20 rows), class 1 at the odd rows 21..39 interleaved with class 2.
  std::vector<int64_t> labels(20, 0);
  for (int i = 0; i < 20; ++i) labels.push_back(i % 2 ? 1 : 2);
  labels.push_back(3);  // a class with one row stays in train
  const auto [train, val] = clipbench::harness::holdout_split(torch::tensor(labels, torch::kLong));
  // Class 0: 2 of 20 (rows 18, 19); classes 1 and 2: 1 of 10 each (their last rows 39 and 38).
  CHECK(val == std::vector<int64_t>{18, 19, 38, 39});
  CHECK(train.size() + val.size() == labels.size());
  CHECK(std::find(train.begin(), train.end(), 40) != train.end());
}

TEST_CASE("probe fits the paper's probe on cached CLIP features of Fashion-MNIST", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string cmd = clipbench_exe() + " probe --checkpoint " +
                          fixture("models/tiny-vit/model.safetensors") +
                          " --dataset fashion_mnist --data-root /usr/share/datasets --limit 600 "
                          "--out " +
                          dir.file("results");
  const auto r = run_command(cmd + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto records = clipbench::reports::read_results(dir.file("results"));
  REQUIRE(records.size() == 1);
  const auto& rec = records.front();
  CHECK(rec.task == "linear_probe");
  CHECK(rec.split == "test-first-600");
  CHECK(rec.n == 600);
  CHECK(rec.value > 10.0);  // the untrained tiny model's features still beat chance
  CHECK(rec.value <= 100.0);
  CHECK_THAT(rec.extra.at("val_source").get<std::string>(), Catch::Contains("holdout"));
  CHECK(rec.extra.at("val").get<int64_t>() >= 50);

  // --force re-runs from the cache with the same result.
  const auto again = run_command(cmd + " --force 2>&1");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("from the cache"));
  CHECK(clipbench::reports::read_results(dir.file("results")).front().value == rec.value);

  // A truncated cache entry is rebuilt, never trusted.
  for (const auto& e : fs::directory_iterator(dir.file("results/cache/features")))
    fs::resize_file(e.path(), 100);
  const auto rebuilt = run_command(cmd + " --force 2>&1");
  INFO(rebuilt.out);
  REQUIRE(rebuilt.exit_code == 0);
  CHECK_THAT(rebuilt.out, Catch::Contains("rebuilding"));
  CHECK(clipbench::reports::read_results(dir.file("results")).front().value == rec.value);

  // Entries of the right shape holding a NaN, or a label outside the classes, are rebuilt too.
  for (const char* damage : {"nan", "label"}) {
    for (const auto& e : fs::directory_iterator(dir.file("results/cache/features"))) {
      auto entry = clipbench::read_safetensors(e.path().string());
      if (std::string(damage) == "nan")
        entry.tensors["features"][0][0] = std::nan("");
      else
        entry.tensors["labels"][0] = 99;
      clipbench::write_safetensors(e.path().string(), entry.tensors, entry.metadata);
    }
    const auto r = run_command(cmd + " --force 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out,
               Catch::Contains(std::string(damage) == "nan"
                                   ? "hold NaN or infinite values; rebuilding"
                                   : "cached labels lie outside the 10 classes; rebuilding"));
    CHECK(clipbench::reports::read_results(dir.file("results")).front().value == rec.value);
  }
}

TEST_CASE("probe needs exactly one model", "[unit]") {
  const auto r = run_command(clipbench_exe() +
                             " probe --dataset fashion_mnist --data-root /usr/share/datasets 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("--checkpoint"));
}

TEST_CASE("probe --shots fits few-shot probes, one record per k and seed", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string cmd = clipbench_exe() + " probe --checkpoint " +
                          fixture("models/tiny-vit/model.safetensors") +
                          " --dataset fashion_mnist --data-root /usr/share/datasets --limit 600 "
                          "--shots 1,4 --seeds 2 --out " +
                          dir.file("results");
  const auto r = run_command(cmd + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto records = clipbench::reports::read_results(dir.file("results"));
  REQUIRE(records.size() == 4);
  std::set<std::pair<int64_t, int64_t>> jobs;
  for (const auto& rec : records) {
    CHECK(rec.task == "few_shot");
    CHECK(rec.split == "test-first-600");
    CHECK(rec.n == 600);
    const int64_t k = rec.extra.at("shots").get<int64_t>();
    CHECK(rec.extra.at("train").get<int64_t>() == 10 * k);
    CHECK(rec.value >= 0.0);
    CHECK(rec.value <= 100.0);
    jobs.insert({k, rec.seed});
  }
  CHECK(jobs == std::set<std::pair<int64_t, int64_t>>{{1, 0}, {1, 1}, {4, 0}, {4, 1}});
  CHECK_THAT(r.out, Catch::Contains("1-shot: mean test accuracy"));

  // A second run finds every record and fits nothing.
  const auto again = run_command(cmd + " 2>&1");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, !Catch::Contains("probe splits"));

  // More shots than a class has rows: a clear error naming the class.
  const auto big = run_command(
      clipbench_exe() + " probe --checkpoint " + fixture("models/tiny-vit/model.safetensors") +
      " --dataset fashion_mnist --data-root /usr/share/datasets --limit 100 "
      "--shots 50 --out " +
      dir.file("results2") + " 2>&1");
  INFO(big.out);
  CHECK(big.exit_code == 2);
  CHECK_THAT(big.out, Catch::Contains("class"));
}

TEST_CASE("a suite's linear_probe task writes the probe record and resumes", "[parity]") {
  clipbench::test::TempDir dir;
  const nlohmann::json suite = {
      {"schema_version", 1},
      {"name", "probe-smoke"},
      {"out", "results"},
      {"data_root", "/usr/share/datasets"},
      {"limit", 400},
      {"tasks", {"zero_shot", "linear_probe", "few_shot"}},
      {"shots", {1, 4}},
      {"seeds", 2},
      {"prompts", {"raw"}},
      {"checkpoints",
       {{{"path", fixture("models/tiny-vit/model.safetensors")},
         {"vocab", clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz")}}}},
      {"datasets", {"fashion_mnist"}}};
  std::ofstream(dir.file("suite.json")) << suite.dump(1);
  const std::string cmd = clipbench_exe() + " run --suite " + dir.file("suite.json") + " 2>&1";
  const auto r = run_command(cmd);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("6 record(s) written, 0 already done"));
  const auto records = clipbench::reports::read_results(dir.file("results"));
  REQUIRE(records.size() == 6);
  std::map<std::string, int> tasks;
  for (const auto& rec : records) ++tasks[rec.task];
  CHECK(tasks ==
        std::map<std::string, int>{{"zero_shot", 1}, {"linear_probe", 1}, {"few_shot", 4}});
  const auto again = run_command(cmd);
  CHECK_THAT(again.out, Catch::Contains("0 record(s) written, 6 already done"));

  // The suite's few-shot records are those `probe --shots` computes on the same data.
  const auto probe = run_command(clipbench_exe() + " probe --checkpoint " +
                                 fixture("models/tiny-vit/model.safetensors") +
                                 " --dataset fashion_mnist --data-root /usr/share/datasets "
                                 "--limit 400 --shots 1,4 --seeds 2 --out " +
                                 dir.file("probe") + " 2>&1");
  INFO(probe.out);
  REQUIRE(probe.exit_code == 0);
  std::map<std::pair<int64_t, int64_t>, double> by_probe;
  for (const auto& rec : clipbench::reports::read_results(dir.file("probe")))
    by_probe[{rec.extra.at("shots").get<int64_t>(), rec.seed}] = rec.value;
  REQUIRE(by_probe.size() == 4);
  for (const auto& rec : records) {
    if (rec.task != "few_shot") continue;
    const std::pair<int64_t, int64_t> job{rec.extra.at("shots").get<int64_t>(), rec.seed};
    INFO("k " << job.first << " seed " << job.second);
    REQUIRE(by_probe.count(job) == 1);
    CHECK(rec.value == by_probe.at(job));
  }
}
