// End-to-end tests of scaling out: `clipbench eval` as 2 processes on loopback Gloo (results equal
// the single-process run; a rank that dies fails the other with a clear error), and
// `clipbench run --shard I/N` / Slurm job-array variables (2 shards + report equal the unsharded
// run; re-submitted shards skip done work). Real data: Debian's Fashion-MNIST.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>

#include "clip/safetensors.h"
#include "reports/result_record.h"
#include "tests/support/catch.h"
#include "tests/support/free_port.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::CommandResult;
using clipbench::test::fixture;
using clipbench::test::reference;
using clipbench::test::run_command;
namespace fs = std::filesystem;

namespace {

const std::string kDataRoot = "/usr/share/datasets";

std::string vocab() { return reference("openai-clip/bpe_simple_vocab_16e6.txt.gz"); }

// 300 images in batches of 64: 5 batches, so the 2 ranks encode 3 and 2 batches (192 + 108).
std::string eval_args(const std::string& out, const std::string& extra = "") {
  return " eval --checkpoint " + fixture("models/tiny-vit/model.safetensors") + " --vocab " +
         vocab() + " --dataset fashion_mnist --data-root " + kDataRoot +
         " --limit 300 --batch-size 64 --threads 2 --prompts raw,ensemble --out " + out + " " +
         extra + " 2>&1";
}

std::string rank_env(int rank, int size, int port) {
  return "env RANK=" + std::to_string(rank) + " WORLD_SIZE=" + std::to_string(size) +
         " LOCAL_RANK=" + std::to_string(rank) +
         " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " ";
}

// Starts one command per rank at once and waits for all of them.
std::vector<CommandResult> run_ranks(const std::vector<std::string>& commands) {
  std::vector<std::future<CommandResult>> running;
  for (const auto& c : commands)
    running.push_back(std::async(std::launch::async, [c] { return run_command(c); }));
  std::vector<CommandResult> results;
  for (auto& r : running) results.push_back(r.get());
  return results;
}

std::map<std::string, clipbench::reports::ResultRecord> by_file(const std::string& dir) {
  std::map<std::string, clipbench::reports::ResultRecord> out;
  for (const auto& r : clipbench::reports::read_results(dir))
    out[clipbench::reports::record_file_name(r)] = r;
  return out;
}

// The fields a run's outcome is made of (not its timing, versions or run extras).
void check_same_results(const clipbench::reports::ResultRecord& a,
                        const clipbench::reports::ResultRecord& b) {
  CHECK(a.value == b.value);
  CHECK((a.metrics == b.metrics));
  CHECK(a.n == b.n);
  CHECK(a.skipped == b.skipped);
  CHECK(a.num_classes == b.num_classes);
  CHECK(a.split == b.split);
  CHECK(a.template_set_hash == b.template_set_hash);
  CHECK(a.checkpoint_hash == b.checkpoint_hash);
}

nlohmann::json report_json(const std::string& results) {
  const auto r =
      run_command(clipbench_exe() + " report --format json --results " + results + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(results + "/report.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j.erase("results");  // the folder's path
  return j;
}

}  // namespace

#ifdef CLIPBENCH_WITH_C10D

TEST_CASE("eval as 2 Gloo ranks on loopback equals the single-process run", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string single = dir.file("single"), dist = dir.file("dist");
  const auto s = run_command(clipbench_exe() + eval_args(single));
  INFO(s.out);
  REQUIRE(s.exit_code == 0);

  const int port = clipbench::test::free_port();
  const auto ranks = run_ranks({rank_env(0, 2, port) + clipbench_exe() + eval_args(dist),
                                rank_env(1, 2, port) + clipbench_exe() + eval_args(dist)});
  INFO("rank 0:\n" << ranks[0].out << "\nrank 1:\n" << ranks[1].out);
  REQUIRE(ranks[0].exit_code == 0);
  REQUIRE(ranks[1].exit_code == 0);
  CHECK_THAT(ranks[0].out, Catch::Contains("rank 0/2 [0, 192)"));
  CHECK_THAT(ranks[1].out, Catch::Contains("rank 1/2 [192, 300)"));

  const auto a = by_file(single), b = by_file(dist);
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 2);
  for (const auto& [file, rec] : a) {
    INFO(file);
    REQUIRE(b.count(file) == 1);
    check_same_results(rec, b.at(file));
    CHECK(rec.n == 300);
    CHECK(b.at(file).extra.at("world_size") == 2);
  }

  // Re-submitting the distributed run skips the done modes on every rank.
  const int port2 = clipbench::test::free_port();
  const auto again = run_ranks({rank_env(0, 2, port2) + clipbench_exe() + eval_args(dist),
                                rank_env(1, 2, port2) + clipbench_exe() + eval_args(dist)});
  INFO(again[0].out);
  CHECK(again[0].exit_code == 0);
  CHECK(again[1].exit_code == 0);
  CHECK_THAT(again[0].out, Catch::Contains("already done"));
}

// The probe's features of 300 train and 300 test images, batches of 64: rank 0 encodes 3 batches
// of each split, rank 1 the other 2.
std::string probe_args(const std::string& out, const std::string& extra = "") {
  return " probe --checkpoint " + fixture("models/tiny-vit/model.safetensors") +
         " --dataset fashion_mnist --data-root " + kDataRoot +
         " --limit 300 --batch-size 64 --threads 2 --out " + out + " " + extra + " 2>&1";
}

// Every feature cache entry of a results folder, by file name.
std::map<std::string, clipbench::StateDict> feature_caches(const std::string& results) {
  std::map<std::string, clipbench::StateDict> out;
  for (const auto& e : fs::directory_iterator(results + "/cache/features"))
    out[e.path().filename().string()] = clipbench::read_safetensors(e.path().string()).tensors;
  return out;
}

TEST_CASE("probe as 2 Gloo ranks on loopback equals the single-process probe", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string single = dir.file("single"), dist = dir.file("dist");
  const auto one = run_command(clipbench_exe() + probe_args(single));
  INFO(one.out);
  REQUIRE(one.exit_code == 0);
  const int port = clipbench::test::free_port();
  const auto ranks = run_ranks({rank_env(0, 2, port) + clipbench_exe() + probe_args(dist),
                                rank_env(1, 2, port) + clipbench_exe() + probe_args(dist)});
  INFO("rank 0:\n" << ranks[0].out << "\nrank 1:\n" << ranks[1].out);
  REQUIRE(ranks[0].exit_code == 0);
  REQUIRE(ranks[1].exit_code == 0);
  CHECK_THAT(ranks[1].out, Catch::Contains("rank 1/2 [192, 300)"));

  // The gathered features are the single process's, bit for bit, and so is the probe.
  const auto fa = feature_caches(single), fb = feature_caches(dist);
  REQUIRE(fa.size() == 2);  // train (with its hold-out) and test
  for (const auto& [file, tensors] : fa) {
    INFO(file);
    REQUIRE(fb.count(file) == 1);
    CHECK(torch::equal(tensors.at("features"), fb.at(file).at("features")));
    CHECK(torch::equal(tensors.at("labels"), fb.at(file).at("labels")));
  }
  const auto a = by_file(single), b = by_file(dist);
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  const auto& ra = a.begin()->second;
  const auto& rb = b.begin()->second;
  CHECK(a.begin()->first == b.begin()->first);
  CHECK(ra.value == rb.value);
  CHECK(ra.n == 300);
  CHECK(rb.n == 300);
  CHECK(ra.extra.at("log10_C") == rb.extra.at("log10_C"));
  CHECK(rb.extra.at("world_size") == 2);

  // Few-shot over the same group: rank 0 writes one record per (k, seed).
  const int port2 = clipbench::test::free_port();
  const std::string shots = "--shots 2 --seeds 2";
  const auto few = run_ranks({rank_env(0, 2, port2) + clipbench_exe() + probe_args(dist, shots),
                              rank_env(1, 2, port2) + clipbench_exe() + probe_args(dist, shots)});
  INFO("rank 0:\n" << few[0].out << "\nrank 1:\n" << few[1].out);
  CHECK(few[0].exit_code == 0);
  CHECK(few[1].exit_code == 0);
  CHECK(by_file(dist).size() == 3);
}

TEST_CASE("a rank that dies makes the other fail with an error naming rank and timeout",
          "[parity]") {
  clipbench::test::TempDir dir;
  const std::string out = dir.file("dist");
  const int port = clipbench::test::free_port();
  // CLIPBENCH_TEST_EXIT_RANK=1: rank 1 exits abruptly just before its first gather.
  const std::string opts = "--dist-timeout 20";
  const auto ranks = run_ranks({rank_env(0, 2, port) + "CLIPBENCH_TEST_EXIT_RANK=1 " +
                                    clipbench_exe() + eval_args(out, opts),
                                rank_env(1, 2, port) + "CLIPBENCH_TEST_EXIT_RANK=1 " +
                                    clipbench_exe() + eval_args(out, opts)});
  INFO("rank 0:\n" << ranks[0].out << "\nrank 1:\n" << ranks[1].out);
  CHECK(ranks[1].exit_code == 3);
  CHECK(ranks[0].exit_code == 2);
  CHECK_THAT(ranks[0].out, Catch::Contains("rank 0 of 2"));
  CHECK_THAT(ranks[0].out, Catch::Contains("timeout of 20 s"));
  CHECK((!fs::exists(out) || clipbench::reports::read_results(out).empty()));
}

#else  // !CLIPBENCH_WITH_C10D

TEST_CASE("a build without c10d/Gloo refuses a 2-rank eval, naming why", "[unit]") {
  // harness/CMakeLists.txt leaves c10d out when LibTorch's gloo headers are missing or not the
  // gloo LibTorch runs (a pip LibTorch); each rank must then stop with that reason, not hang.
  clipbench::test::TempDir dir;
  const int port = clipbench::test::free_port();
  const auto ranks = run_ranks({rank_env(0, 2, port) + clipbench_exe() + eval_args(dir.file("a")),
                                rank_env(1, 2, port) + clipbench_exe() + eval_args(dir.file("b"))});
  for (const auto& r : ranks) {
    INFO(r.out);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.out, Catch::Contains("built without c10d/Gloo: "));
    CHECK_THAT(r.out, Catch::Contains("world size 2"));
  }
}

#endif  // CLIPBENCH_WITH_C10D

TEST_CASE("WORLD_SIZE without MASTER_ADDR is bad input, not a hang", "[unit]") {
  const auto r = run_command("env RANK=0 WORLD_SIZE=2 " + clipbench_exe() + " eval --checkpoint " +
                             fixture("models/tiny-vit/model.safetensors") +
                             " --dataset fashion_mnist --data-root " + kDataRoot + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("MASTER_ADDR"));
}

TEST_CASE("run --shard and Slurm array shards merge into the unsharded results", "[parity]") {
  clipbench::test::TempDir dir;
  // 2 checkpoints x 2 splits = 4 jobs; shard 0/2 runs jobs 0 and 2, shard 1/2 jobs 1 and 3.
  // tiny-rn's image features barely depend on the image, so its records check the job routing and
  // the merge; tiny-vit's also check that the shards' features give the unsharded scores.
  const nlohmann::json suite = {
      {"schema_version", 1},
      {"name", "sharded"},
      {"out", "unused"},
      {"data_root", kDataRoot},
      {"limit", 128},
      {"batch_size", 64},
      {"threads", 2},
      {"prompts", {"raw", "single"}},
      {"checkpoints",
       {{{"path", fixture("models/tiny-vit/model.safetensors")}, {"vocab", vocab()}},
        {{"path", fixture("models/tiny-rn/model.safetensors")}, {"vocab", vocab()}}}},
      {"datasets", {"fashion_mnist", {{"id", "fashion_mnist"}, {"split", "train"}}}}};
  std::ofstream(dir.file("suite.json")) << suite.dump(1);
  const std::string run = clipbench_exe() + " run --suite " + dir.file("suite.json") + " --out ";
  const std::string whole = dir.file("whole"), sharded = dir.file("sharded");

  const auto w = run_command(run + whole + " 2>&1");
  INFO(w.out);
  REQUIRE(w.exit_code == 0);
  REQUIRE(by_file(whole).size() == 8);  // 4 jobs x 2 prompt modes

  const auto s0 = run_command(run + sharded + " --shard 0/2 2>&1");
  const auto s1 =
      run_command("env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 " + run + sharded + " 2>&1");
  INFO("shard 0:\n" << s0.out << "\nshard 1:\n" << s1.out);
  CHECK_THAT(s0.out, Catch::Contains("(shard 0/2: 2 of 4 jobs)"));
  CHECK_THAT(s1.out, Catch::Contains("(shard 1/2: 2 of 4 jobs)"));
  CHECK(s0.exit_code == 0);
  CHECK(s1.exit_code == 0);
  CHECK(by_file(sharded).size() == 8);

  const auto a = by_file(whole), b = by_file(sharded);
  REQUIRE(b.size() == a.size());
  for (const auto& [file, rec] : a) {
    INFO(file);
    REQUIRE(b.count(file) == 1);
    check_same_results(rec, b.at(file));
  }
  CHECK(report_json(whole) == report_json(sharded));

  // A re-submitted shard skips its done work.
  const auto again = run_command(run + sharded + " --shard 0/2 2>&1");
  CHECK_THAT(again.out, Catch::Contains("0 record(s) written, 4 already done"));
}
