// A shortened `clipbench demo` end to end: training, zero-shot, probes and the report on
// Fashion-MNIST, reproducible for a fixed seed.
#include <filesystem>
#include <fstream>
#include <map>

#include "reports/result_record.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::reference;
using clipbench::test::run_command;

namespace {

std::string demo_command(const std::string& out) {
  return clipbench_exe() + " demo --vocab " +
         reference("openai-clip/bpe_simple_vocab_16e6.txt.gz") + " --out " + out +
         " --steps 20 --test-limit 500 --probe-train 300 --probe-val 100 2>&1";
}

std::map<std::string, double> values(const std::string& results) {
  std::map<std::string, double> v;
  for (const auto& r : clipbench::reports::read_results(results))
    v[r.model + "/" + r.task + "/" + r.prompt_mode] = r.value;
  return v;
}

}  // namespace

TEST_CASE("a shortened demo trains, evaluates, probes, reports and reproduces", "[parity]") {
  clipbench::test::TempDir dir;
  const auto a = run_command(demo_command(dir.file("a")));
  INFO(a.out);
  REQUIRE(a.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("a/model/checkpoint.safetensors")));
  const auto va = values(dir.file("a/results"));
  // Three zero-shot modes, the probe on the model's features and the one on raw pixels.
  REQUIRE(va.size() == 5);
  CHECK(va.count("clipbench-demo-tiny/zero_shot/ensemble") == 1);
  CHECK(va.count("pixels/linear_probe/") == 1);
  for (const auto& [key, value] : va) {
    INFO(key);
    CHECK(value > 10.0);  // above chance (10 classes) even after 20 steps
    CHECK(value <= 100.0);
  }
  std::ifstream in(dir.file("a/report.md"));
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(md, Catch::Contains("## clipbench-demo-tiny"));
  CHECK_THAT(md, Catch::Contains("| fashion_mnist [test-first-500] | accuracy | 500 |"));
  CHECK_THAT(md, Catch::Contains("### Linear probe"));
  CHECK(std::filesystem::exists(dir.file("a/gain.svg")));

  // Same seed, fresh folder: the same numbers.
  const auto b = run_command(demo_command(dir.file("b")));
  REQUIRE(b.exit_code == 0);
  CHECK(values(dir.file("b/results")) == va);
  // Re-running in the same folder reuses the model and the records.
  const auto again = run_command(demo_command(dir.file("a")));
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("reusing the trained model"));
}
