// End-to-end tests of `clipbench eval` and `clipbench run` on real data (Debian's Fashion-MNIST)
// with the tiny fixture checkpoints: records, resumability, and bad input.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "clip/safetensors.h"
#include "clip/text_clean.h"
#include "harness/sha256.h"
#include "reports/result_record.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::fixture;
using clipbench::test::reference;
using clipbench::test::run_command;
namespace fs = std::filesystem;

namespace {

const std::string kDataRoot = "/usr/share/datasets";

std::string eval_command(const std::string& checkpoint, const std::string& out,
                         const std::string& extra = "") {
  return clipbench_exe() + " eval --checkpoint " + checkpoint + " --vocab " +
         reference("openai-clip/bpe_simple_vocab_16e6.txt.gz") +
         " --dataset fashion_mnist --data-root " + kDataRoot +
         " --limit 500 --batch-size 128 --out " + out + " " + extra + " 2>&1";
}

// "| fashion_mnist [test-first-500] | accuracy | 500 | 12.3 | 45.6 | 78.9 |" as the Markdown report
// writes it.
std::string fmt_row(int64_t n, double raw, double single, double ensemble) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "| fashion_mnist [test-first-500] | accuracy | %lld | %.1f | %.1f | %.1f |",
                static_cast<long long>(n), raw, single, ensemble);
  return buf;
}

}  // namespace

TEST_CASE("eval writes one record per prompt mode on Fashion-MNIST and resumes", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string out = dir.file("results");
  const auto r = run_command(eval_command(fixture("models/tiny-vit/model.safetensors"), out));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto records = clipbench::reports::read_results(out);
  REQUIRE(records.size() == 3);
  std::set<std::string> modes;
  for (const auto& rec : records) {
    modes.insert(rec.prompt_mode);
    CHECK(rec.dataset == "fashion_mnist");
    CHECK(rec.split == "test-first-500");
    CHECK(rec.task == "zero_shot");
    CHECK(rec.metric == "accuracy");
    CHECK(rec.n == 500);
    CHECK(rec.num_classes == 10);
    CHECK(rec.value >= 0.0);
    CHECK(rec.value <= 100.0);
    CHECK(rec.metrics.at("top1").has_value());
    CHECK(*rec.metrics.at("top1") == Approx(rec.value));
    CHECK(rec.metrics.at("top5").has_value());
    CHECK(rec.checkpoint_hash.rfind("sha256:", 0) == 0);
    CHECK(rec.template_set_hash.rfind("sha256:", 0) == 0);
    CHECK(rec.images_per_second > 0);
  }
  CHECK(modes == std::set<std::string>{"raw", "single", "ensemble"});
  // The ensemble uses the 6 templates of prompts/fashion_mnist.json.
  for (const auto& rec : records)
    CHECK(rec.num_templates == (rec.prompt_mode == "ensemble" ? 6 : 1));

  // A second run skips every finished record; --force re-runs them.
  const auto again = run_command(eval_command(fixture("models/tiny-vit/model.safetensors"), out));
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("already done"));
  // A record computed on another version of the dataset's catalogue entry (another adapter or
  // split rule) is not a finished job: it is re-run and replaced, with a warning naming it.
  for (auto rec : records) {
    if (rec.prompt_mode != "raw") continue;
    rec.dataset_version = 2;
    clipbench::reports::write_record(out, rec);
  }
  const auto stale =
      run_command(eval_command(fixture("models/tiny-vit/model.safetensors"), out, "--prompts raw"));
  REQUIRE(stale.exit_code == 0);
  CHECK_THAT(stale.out, Catch::Contains("was computed on fashion_mnist version 2, the catalogue's "
                                        "entry is version 1") &&
                            Catch::Contains("re-running") && !Catch::Contains("already done"));
  for (const auto& rec : clipbench::reports::read_results(out)) CHECK(rec.dataset_version == 1);
  // Class embeddings were cached per (checkpoint, template set).
  size_t cached = 0;
  for (const auto& e : fs::directory_iterator(fs::path(out) / "cache" / "text")) {
    (void)e;
    ++cached;
  }
  CHECK(cached == 3);
  // Each entry names the text cleaner; one made by another cleaner is recomputed, not reused.
  for (const auto& e : fs::directory_iterator(fs::path(out) / "cache" / "text")) {
    auto entry = clipbench::read_safetensors(e.path().string());
    CHECK(entry.metadata.at("text_cleaner") == clipbench::kTextCleanerVersion);
    entry.metadata["text_cleaner"] = "clipbench-text-clean-1";
    clipbench::write_safetensors(e.path().string(), entry.tensors, entry.metadata);
  }
  const auto forced = run_command(
      eval_command(fixture("models/tiny-vit/model.safetensors"), out, "--prompts raw --force"));
  REQUIRE(forced.exit_code == 0);
  CHECK_THAT(forced.out,
             Catch::Contains("made for another job (text_cleaner clipbench-text-clean-1 (now"));
  // Another precision in the metadata, or a NaN in the embeddings: recomputed, never used.
  for (const auto& e : fs::directory_iterator(fs::path(out) / "cache" / "text")) {
    auto entry = clipbench::read_safetensors(e.path().string());
    entry.metadata["precision"] = "bf16";
    clipbench::write_safetensors(e.path().string(), entry.tensors, entry.metadata);
  }
  auto again_forced = run_command(
      eval_command(fixture("models/tiny-vit/model.safetensors"), out, "--prompts raw --force"));
  REQUIRE(again_forced.exit_code == 0);
  CHECK_THAT(again_forced.out, Catch::Contains("precision bf16 (now fp32)"));
  for (const auto& e : fs::directory_iterator(fs::path(out) / "cache" / "text")) {
    auto entry = clipbench::read_safetensors(e.path().string());
    entry.tensors["classifier"][0][0] = std::nan("");
    clipbench::write_safetensors(e.path().string(), entry.tensors, entry.metadata);
  }
  again_forced = run_command(
      eval_command(fixture("models/tiny-vit/model.safetensors"), out, "--prompts raw --force"));
  REQUIRE(again_forced.exit_code == 0);
  CHECK_THAT(again_forced.out, Catch::Contains("hold NaN or infinite values; recomputing"));

  // The same weights in OpenAI's TorchScript file (fp16-stored) are another checkpoint: new
  // records beside the first ones, never overwriting them.
  const auto jit = run_command(
      eval_command(fixture("models/tiny-vit/openai-jit.pt"), out, "--prompts ensemble"));
  INFO(jit.out);
  REQUIRE(jit.exit_code == 0);
  CHECK(clipbench::reports::read_results(out).size() == 4);
}

TEST_CASE("eval then report: the first 500 Fashion-MNIST test images end to end", "[parity]") {
  clipbench::test::TempDir dir;
  const std::string out = dir.file("results");
  const auto r = run_command(eval_command(fixture("models/tiny-vit/openai-jit.pt"), out));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto rep = run_command(clipbench_exe() + " report --results " + out + " 2>&1");
  INFO(rep.out);
  REQUIRE(rep.exit_code == 0);
  std::ifstream in(out + "/report.md");
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto records = clipbench::reports::read_results(out);
  REQUIRE(records.size() == 3);
  // One zero-shot row for the dataset with the three scores as the records hold them.
  double raw = 0, single = 0, ensemble = 0;
  for (const auto& rec : records) {
    if (rec.prompt_mode == "raw") raw = rec.value;
    if (rec.prompt_mode == "single") single = rec.value;
    if (rec.prompt_mode == "ensemble") ensemble = rec.value;
  }
  const std::string row = fmt_row(records.front().n, raw, single, ensemble);
  CHECK_THAT(md, Catch::Contains(row));
  CHECK_THAT(md, Catch::Contains("| dataset | metric | n | raw | single | ensemble | gain |"));
  CHECK(std::ifstream(out + "/gain.svg").good());
  CHECK(std::ifstream(out + "/report.json").good());
}

TEST_CASE("eval reports bad input with exit code 2 and names it", "[unit]") {
  clipbench::test::TempDir dir;
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  SECTION("unknown dataset id suggests near matches") {
    const auto r = run_command(clipbench_exe() + " eval --checkpoint " + ck +
                               " --dataset fashion_mnst --data-root " + dir.path() + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("fashion_mnist"));
  }
  SECTION("a dataset missing under the root lists where it looked") {
    const auto r = run_command(clipbench_exe() + " eval --checkpoint " + ck + " --vocab " +
                               reference("openai-clip/bpe_simple_vocab_16e6.txt.gz") +
                               " --dataset cifar10 --data-root " + dir.path() + " --out " +
                               dir.file("out") + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("cifar-10-batches-py"));
    CHECK_FALSE(fs::exists(dir.file("out/cifar10__test__zero_shot__raw")));
  }
  SECTION("a checkpoint that does not load") {
    std::ofstream(dir.file("broken.safetensors")) << "not a checkpoint";
    const auto r =
        run_command(clipbench_exe() + " eval --checkpoint " + dir.file("broken.safetensors") +
                    " --dataset fashion_mnist --data-root " + kDataRoot + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("broken.safetensors"));
  }
  SECTION("a vocabulary that does not match the checkpoint (truncated BPE file)") {
    const std::string vocab = reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
    REQUIRE(run_command("zcat " + vocab + " | head -n 5000 | gzip > " + dir.file("short.txt.gz"))
                .exit_code == 0);
    const auto r = run_command(clipbench_exe() + " eval --checkpoint " + ck + " --vocab " +
                               dir.file("short.txt.gz") + " --dataset fashion_mnist --data-root " +
                               kDataRoot + " --limit 10 --out " + dir.file("out") + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("short.txt.gz") && Catch::Contains("49408"));
  }
  SECTION("fp16 on the CPU names the precision") {
    const auto r = run_command(eval_command(ck, dir.file("out"), "--precision fp16"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("precision fp16") && Catch::Contains("CPU"));
    CHECK_FALSE(fs::exists(dir.file("out")));
  }
  SECTION("fp16 on the CPU fails before the checkpoint is read") {
    std::ofstream(dir.file("broken.safetensors")) << "not a checkpoint";
    const auto r = run_command(clipbench_exe() + " eval --checkpoint " +
                               dir.file("broken.safetensors") + " --dataset fashion_mnist " +
                               "--data-root " + kDataRoot + " --precision fp16 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("precision fp16") && Catch::Contains("--device cuda"));
    CHECK_THAT(r.out, !Catch::Contains("broken.safetensors"));
  }
  SECTION("an unknown precision suggests near matches") {
    const auto r = run_command(eval_command(ck, dir.file("out"), "--precision bf61"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("bf61") && Catch::Contains("bf16"));
    CHECK_FALSE(fs::exists(dir.file("out")));
  }
  SECTION("an unknown prompt mode") {
    const auto r = run_command(clipbench_exe() + " eval --checkpoint " + ck +
                               " --dataset fashion_mnist --data-root " + kDataRoot +
                               " --prompts raw,ensamble 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("ensemble"));
  }
}

TEST_CASE("run executes a suite, skips finished jobs and reports failing ones", "[parity]") {
  // tiny-rn (nearly constant image features) is enough here: the checks are on jobs and records.
  clipbench::test::TempDir dir;
  const nlohmann::json suite = {
      {"schema_version", 1},
      {"name", "smoke"},
      {"out", "results"},
      {"data_root", kDataRoot},
      {"limit", 200},
      {"batch_size", 100},
      {"prompts", {"raw", "ensemble"}},
      {"checkpoints",
       {{{"path", fixture("models/tiny-rn/model.safetensors")},
         {"vocab", reference("openai-clip/bpe_simple_vocab_16e6.txt.gz")}}}},
      {"datasets", {"fashion_mnist", {{"id", "mnist"}, {"data_root", dir.path()}}}}};
  std::ofstream(dir.file("suite.json")) << suite.dump(1);
  const auto r = run_command(clipbench_exe() + " run --suite " + dir.file("suite.json") + " 2>&1");
  INFO(r.out);
  // MNIST is not under the temp root: that job fails, the Fashion-MNIST one is kept.
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("1 job(s) failed"));
  CHECK_THAT(r.out, Catch::Contains("mnist"));
  const auto records = clipbench::reports::read_results(dir.file("results"));
  REQUIRE(records.size() == 2);
  for (const auto& rec : records) CHECK(rec.n == 200);

  const auto again =
      run_command(clipbench_exe() + " run --suite " + dir.file("suite.json") + " 2>&1");
  CHECK_THAT(again.out, Catch::Contains("0 record(s) written, 2 already done"));

  std::ofstream(dir.file("bad.json"))
      << R"({"checkpoints": ["x.pt"], "datasets": ["food101"], "colour": 1})";
  const auto bad = run_command(clipbench_exe() + " run --suite " + dir.file("bad.json") + " 2>&1");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.out, Catch::Contains("colour"));
  // An open_clip model clipbench does not implement is refused when the suite is read, not when
  // its job runs.
  auto unsupported = suite;
  unsupported["checkpoints"][0]["model"] = "coca_ViT-B-32";  // CoCa's multimodal decoder
  unsupported["checkpoints"][0]["pretrained"] = "laion2b_s13b_b90k";
  std::ofstream(dir.file("unsupported.json")) << unsupported.dump(1);
  const auto refused =
      run_command(clipbench_exe() + " run --suite " + dir.file("unsupported.json") + " 2>&1");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.out, Catch::Contains("unsupported.json") && Catch::Contains("multimodal_cfg"));

  // Tasks are the registry's names (near matches suggested); shots / seeds belong to few_shot.
  const auto refuse = [&](nlohmann::json edited, const std::string& expected) {
    std::ofstream(dir.file("edited.json")) << edited.dump(1);
    const auto e =
        run_command(clipbench_exe() + " run --suite " + dir.file("edited.json") + " 2>&1");
    INFO(e.out);
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.out, Catch::Contains("edited.json") && Catch::Contains(expected));
  };
  auto edited = suite;
  edited["tasks"] = {"zero_shot", "few_shots"};
  refuse(edited, "unknown suite task 'few_shots'; did you mean few_shot");
  edited["tasks"] = nlohmann::json::array();
  refuse(edited, "'tasks' must name at least one task");
  edited["tasks"] = {"zero_shot", "zero_shot"};
  refuse(edited, "names 'zero_shot' twice");
  edited["tasks"] = {"zero_shot"};
  edited["shots"] = {1, 2};
  refuse(edited, "'shots' is given but 'tasks' has no few_shot");
  edited["tasks"] = {"few_shot"};
  edited["shots"] = {0, 2};
  refuse(edited, "each 1 or more");
  edited["shots"] = {2};
  edited["seeds"] = 0;
  refuse(edited, "'seeds' is 0, expected 1 to 1000");
  edited["seeds"] = 1;
  edited["precision"] = "bf16";
  refuse(edited, "precision 'bf16' with task few_shot");
}

namespace {

// The records of `out` by file name.
std::map<std::string, clipbench::reports::ResultRecord> records_by_name(const std::string& out) {
  std::map<std::string, clipbench::reports::ResultRecord> m;
  for (const auto& r : clipbench::reports::read_results(out))
    m[clipbench::reports::record_file_name(r)] = r;
  return m;
}

std::string precision_eval(const std::string& out, const std::string& precision) {
  return eval_command(fixture("models/tiny-vit/model.safetensors"), out,
                      "--prompts raw,ensemble --precision " + precision);
}

}  // namespace

TEST_CASE("eval --precision: bf16 and fp32 records sit side by side; neither skips the other",
          "[unit]") {
  clipbench::test::TempDir dir;
  for (const auto& [first, second] :
       std::vector<std::pair<std::string, std::string>>{{"fp32", "bf16"}, {"bf16", "fp32"}}) {
    INFO(first << " first, then " << second);
    const std::string out = dir.file("results-" + first + "-first");
    const auto a = run_command(precision_eval(out, first));
    INFO(a.out);
    REQUIRE(a.exit_code == 0);
    REQUIRE(records_by_name(out).size() == 2);
    const auto b = run_command(precision_eval(out, second));
    INFO(b.out);
    REQUIRE(b.exit_code == 0);
    CHECK_THAT(b.out, !Catch::Contains("already done"));
    const auto records = records_by_name(out);
    REQUIRE(records.size() == 4);
    std::map<std::string, std::string> precision_of;
    for (const auto& [name, r] : records) {
      precision_of[name] = r.precision;
      CHECK(r.n == 500);
    }
    const std::string hash = records.begin()->second.checkpoint_hash.substr(7, 16);
    const std::string stem = "fashion_mnist__test-first-500__zero_shot__";
    CHECK(precision_of[stem + "raw__" + hash + ".json"] == "fp32");
    CHECK(precision_of[stem + "ensemble__" + hash + ".json"] == "fp32");
    CHECK(precision_of[stem + "raw-bf16__" + hash + ".json"] == "bf16");
    CHECK(precision_of[stem + "ensemble-bf16__" + hash + ".json"] == "bf16");
    // Text features are cached per precision too: 2 modes x 2 precisions.
    size_t cached = 0;
    for (const auto& e : fs::directory_iterator(fs::path(out) / "cache" / "text")) {
      (void)e;
      ++cached;
    }
    CHECK(cached == 4);
    // Each precision now resumes: both runs skip their own two records.
    for (const auto& p : {first, second}) {
      const auto again = run_command(precision_eval(out, p));
      REQUIRE(again.exit_code == 0);
      CHECK_THAT(again.out, Catch::Contains("already done"));
      CHECK(records_by_name(out).size() == 4);
    }
  }
  // The report keeps the two apart and lists the difference, as the records hold it.
  const std::string out = dir.file("results-fp32-first");
  const auto rep = run_command(clipbench_exe() + " report --results " + out + " 2>&1");
  INFO(rep.out);
  REQUIRE(rep.exit_code == 0);
  std::ifstream in(out + "/report.md");
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(md, Catch::Contains("## Precision"));
  const auto records = records_by_name(out);
  for (const std::string mode : {"raw", "ensemble"}) {
    double fp32 = -1, bf16 = -1;
    for (const auto& [name, r] : records)
      if (r.prompt_mode == mode) (r.precision == "fp32" ? fp32 : bf16) = r.value;
    char row[200];
    std::snprintf(row, sizeof row,
                  "| fashion_mnist [test-first-500] | zero_shot | %s | accuracy | 500 | %.2f | "
                  "bf16 | %.2f | %+.2f |",
                  mode.c_str(), fp32, bf16, std::abs(bf16 - fp32) < 0.005 ? 0.0 : bf16 - fp32);
    CHECK_THAT(md, Catch::Contains(row));
  }
}

TEST_CASE("a suite's precision is validated and names the suite", "[unit]") {
  clipbench::test::TempDir dir;
  nlohmann::json suite = {{"data_root", kDataRoot},
                          {"precision", "bf17"},
                          {"checkpoints", {fixture("models/tiny-vit/model.safetensors")}},
                          {"datasets", {"fashion_mnist"}}};
  std::ofstream(dir.file("suite.json")) << suite.dump();
  auto r = run_command(clipbench_exe() + " run --suite " + dir.file("suite.json") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("suite.json") && Catch::Contains("'precision'") &&
                        Catch::Contains("bf17") && Catch::Contains("bf16"));
  suite["precision"] = "bf16";
  suite["tasks"] = {"zero_shot", "linear_probe"};
  std::ofstream(dir.file("probe.json")) << suite.dump();
  r = run_command(clipbench_exe() + " run --suite " + dir.file("probe.json") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("probe.json") && Catch::Contains("linear_probe"));
  // fp16 on the CPU is refused when the suite is read, not by every job after loading its model.
  suite["precision"] = "fp16";
  suite["tasks"] = {"zero_shot"};
  suite["out"] = dir.file("out");
  std::ofstream(dir.file("fp16.json")) << suite.dump();
  r = run_command(clipbench_exe() + " run --suite " + dir.file("fp16.json") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("fp16.json") && Catch::Contains("'precision'") &&
                        Catch::Contains("cuda"));
  CHECK_THAT(r.out, !Catch::Contains("job(s) failed"));
  CHECK_FALSE(fs::exists(dir.file("out")));
}

TEST_CASE("the same weights read with another activation are another model: no resume across",
          "[unit]") {
  clipbench::test::TempDir dir;
  fs::create_directories(dir.file("m"));
  fs::copy_file(fixture("models/tiny-vit/model.safetensors"), dir.file("m/model.safetensors"));
  auto config = nlohmann::json::parse(std::ifstream(fixture("models/tiny-vit/config.json")));
  std::ofstream(dir.file("m/config.json")) << config.dump();
  const std::string out = dir.file("out");
  const std::string cmd = eval_command(dir.file("m/model.safetensors"), out, "--prompts raw");
  auto r = run_command(cmd);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto quick = records_by_name(out);
  REQUIRE(quick.size() == 1);
  // The file hash is the identity of an openai/CLIP-rule model, as before.
  CHECK(quick.begin()->second.checkpoint_hash ==
        clipbench::harness::sha256_path(dir.file("m/model.safetensors")));
  config["config"]["vision_act"] = "gelu";
  config["config"]["text_act"] = "gelu";
  std::ofstream(dir.file("m/config.json")) << config.dump();
  r = run_command(cmd);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, !Catch::Contains("already done"));
  const auto both = records_by_name(out);
  CHECK(both.size() == 2);
}
