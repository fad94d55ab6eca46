// Tests for `clipbench probe-fit`: safetensors features in, the probe's JSON out, bad input named.
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using Catch::Contains;
using clipbench::test::clipbench_exe;
using clipbench::test::run_command;

namespace {

// Three separable-ish classes in 4-D written as a probe split.
std::string write_split(const clipbench::test::TempDir& dir, const std::string& name, int64_t n,
                        uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor labels = torch::arange(n, torch::kLong) % 3;
  const torch::Tensor features =
      (torch::eye(3, 4).index_select(0, labels) * 2.0 + torch::randn({n, 4})).to(torch::kFloat);
  const std::string path = dir.file(name + ".safetensors");
  clipbench::write_safetensors(path, {{"features", features}, {"labels", labels}});
  return path;
}

}  // namespace

TEST_CASE("clipbench probe-fit sweeps C and prints the probe's JSON", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 150, 1), val = write_split(dir, "val", 60, 2),
             test = write_split(dir, "test", 60, 3);
  const auto r = run_command(clipbench_exe() + " probe-fit --train " + train + " --val " + val +
                             " --test " + test + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("mode") == "sweep");
  CHECK(j.at("num_classes") == 3);
  CHECK(j.at("num_features") == 4);
  CHECK(j.at("evaluated").size() == 15);  // 7 grid points + 2 per halving (1, 1/2, 1/4, 1/8)
  const double log10_C = j.at("log10_C");
  CHECK(std::abs(log10_C * 8 - std::round(log10_C * 8)) < 1e-12);  // a multiple of 1/8
  CHECK(j.at("test_accuracy").get<double>() > 0.6);                // three classes: chance is 1/3
  CHECK(j.at("val_accuracy").get<double>() > 0.6);
  CHECK(j.at("iterations").get<int>() >= 0);
  CHECK(j.at("objective").get<double>() > 0.0);
  CHECK(j.at("seconds").get<double>() >= 0.0);
}

TEST_CASE("clipbench probe-fit --C fits one C on train", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 150, 1), test = write_split(dir, "test", 60, 3);
  const auto r = run_command(clipbench_exe() + " probe-fit --train " + train + " --test " + test +
                             " --C 0.5 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("mode") == "fixed_C");
  CHECK(j.at("C").get<double>() == 0.5);
  CHECK(j.at("val_accuracy").is_null());
  CHECK(j.at("stop").get<std::string>().rfind("CONVERGENCE", 0) == 0);
  CHECK(j.at("iterations").get<int>() > 0);
  // float32 features: mixed precision by default, float32 evaluations counted; --float64 turns
  // it off and reaches the same optimum.
  CHECK(j.at("arithmetic") == "mixed");
  CHECK(j.at("float32_evaluations").get<int>() > 0);
  CHECK(j.at("float32_evaluations").get<int>() < j.at("evaluations").get<int>());
  const auto r64 = run_command(clipbench_exe() + " probe-fit --train " + train + " --test " + test +
                               " --C 0.5 --float64 2>/dev/null");
  REQUIRE(r64.exit_code == 0);
  const auto j64 = nlohmann::json::parse(r64.out);
  CHECK(j64.at("arithmetic") == "float64");
  CHECK(j64.at("float32_evaluations") == 0);
  CHECK(j64.at("objective").get<double>() == Approx(j.at("objective").get<double>()).epsilon(1e-6));
}

TEST_CASE("clipbench probe-fit names bad input", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 30, 1), test = write_split(dir, "test", 30, 3);
  const std::string wrong = dir.file("wrong.safetensors");
  clipbench::write_safetensors(wrong, {{"x", torch::zeros({3, 4})}});
  auto r = run_command(clipbench_exe() + " probe-fit --train " + wrong + " --test " + test +
                       " --C 1 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("no tensor 'features'"));
  r = run_command(clipbench_exe() + " probe-fit --train " + train + " --test " + test + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("--val"));
  // A split written from the given tensors, then `probe-fit --train TRAIN --test TEST --C 1`.
  auto split_file = [&](const std::string& name, const torch::Tensor& features,
                        const torch::Tensor& labels) {
    const std::string path = dir.file(name + ".safetensors");
    clipbench::write_safetensors(path, {{"features", features}, {"labels", labels}});
    return path;
  };
  auto fit = [&](const std::string& train_file, const std::string& test_file) {
    return run_command(clipbench_exe() + " probe-fit --train " + train_file + " --test " +
                       test_file + " --C 1 2>&1");
  };
  r = fit(split_file("bad_labels", torch::zeros({3, 4}), torch::zeros({2}, torch::kLong)), test);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("3 feature rows but 2 labels"));
  // A test label that train does not have is named with its file and row, not blamed on train.
  const std::string stray =
      split_file("stray", torch::zeros({3, 4}), torch::tensor({0, 1, 5}, torch::kLong));
  r = fit(train, stray);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("--test " + stray + ": label 5 (row 2) is not a class of --train"));
  CHECK_THAT(r.out, Contains("labels span 0..2"));
  // A test split of another width is named before any fit.
  const std::string wide =
      split_file("wide", torch::zeros({3, 5}), torch::tensor({0, 1, 2}, torch::kLong));
  r = fit(train, wide);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("--test " + wide + ": features have 5 dimensions, --train " + train +
                             " has 4"));
}

TEST_CASE("clipbench probe-fit warns about fits stopped at the iteration limit", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 60, 1), test = write_split(dir, "test", 30, 3);
  const auto r = run_command(clipbench_exe() + " probe-fit --train " + train + " --test " + test +
                             " --C 100 --max-iter 2 2>&1");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("1 fit stopped at the iteration limit (2) before converging"));
  CHECK_THAT(r.out, Contains("STOP: TOTAL NO. of ITERATIONS REACHED LIMIT"));
}

TEST_CASE("clipbench probe-fit checks --threads, --max-iter and --tol readably", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 30, 1), test = write_split(dir, "test", 30, 3);
  const std::string base =
      clipbench_exe() + " probe-fit --train " + train + " --test " + test + " --C 1 ";
  // Each option's message names the option and the accepted values, without CLI11's 300-digit
  // bound; NaN is refused, and a huge thread count is refused before any thread starts.
  const std::pair<std::string, std::string> cases[] = {
      {"--threads 0", "1 to 1024"},        {"--threads 100000", "1 to 1024"},
      {"--max-iter 0", "1 to 1073741824"}, {"--tol -1", "finite number >= 0"},
      {"--tol nan", "finite number >= 0"}, {"--tol abc", "number >= 0, got 'abc'"}};
  for (const auto& [args, expected] : cases) {
    INFO(args);
    const auto r = run_command(base + args + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Contains(args.substr(0, args.find(' '))) && Contains(expected));
    CHECK(r.out.size() < 400);
  }
}

TEST_CASE("clipbench probe-fit reports the refit's arithmetic when val is float64", "[unit]") {
  clipbench::test::TempDir dir;
  const auto train = write_split(dir, "train", 150, 1), test = write_split(dir, "test", 60, 3);
  const std::string val32 = write_split(dir, "val", 60, 2);
  const auto v = clipbench::read_safetensors(val32).tensors;
  const std::string val64 = dir.file("val64.safetensors");
  clipbench::write_safetensors(
      val64, {{"features", v.at("features").to(torch::kDouble)}, {"labels", v.at("labels")}});
  auto sweep = [&](const std::string& val) {
    const auto r = run_command(clipbench_exe() + " probe-fit --train " + train + " --val " + val +
                               " --test " + test + " 2>/dev/null");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  };
  const auto mixed = sweep(val32), wide = sweep(val64);
  CHECK(mixed.at("arithmetic") == "mixed");
  CHECK(mixed.at("float32_evaluations").get<int>() > 0);
  // train + val stacked is float64: the refit has no float32 evaluation and says so.
  CHECK(wide.at("arithmetic") == "float64");
  CHECK(wide.at("float32_evaluations") == 0);
  CHECK(wide.at("log10_C") == mixed.at("log10_C"));
}
