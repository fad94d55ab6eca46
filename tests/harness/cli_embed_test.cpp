// Tests for `clipbench embed --dataset-format` (a whole split through the batch loader, features
// to safetensors), --precision and --device, and the logit scale of the logits.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "clip/safetensors.h"
#include "clip/torch_compat.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::fixture;
using clipbench::test::run_command;

namespace {

namespace fs = std::filesystem;

// An imagefolder split "all": a/ holds three images, b/ two (JPEG and PNG, several sizes).
std::vector<std::string> write_split(const clipbench::test::TempDir& dir) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a/1.jpg", "p01_photo_jpeg.jpg"},
      {"a/2.png", "p03_gray_png.png"},
      {"a/3.jpg", "p10_portrait_jpeg.jpg"},
      {"b/1.png", "p07_rgba_png.png"},
      {"b/2.jpg", "p02_photo2_jpeg.jpg"}};
  std::vector<std::string> paths;
  for (const auto& [dst, src] : files) {
    fs::create_directories(fs::path(dir.file(dst)).parent_path());
    fs::copy_file(fixture("preprocess/" + src), dir.file(dst));
    paths.push_back(dir.file(dst));
  }
  return paths;
}

torch::Tensor json_rows(const nlohmann::json& rows) {
  std::vector<torch::Tensor> out;
  for (const auto& r : rows)
    out.push_back(torch::tensor(r.get<std::vector<double>>(), torch::kDouble));
  return torch::stack(out);
}

std::string embed_split(const std::string& ck, const clipbench::test::TempDir& dir,
                        const std::string& extra) {
  return clipbench_exe() + " embed --checkpoint " + ck +
         " --dataset-format imagefolder --dataset-root " + dir.path() + " --split all" +
         " --features-out " + dir.file("features.safetensors") + " " + extra;
}

}  // namespace

TEST_CASE("embed --dataset-format streams a split and matches embed --image", "[unit]") {
  clipbench::test::TempDir dir;
  const auto paths = write_split(dir);
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  auto r = run_command(embed_split(ck, dir, "--batch-size 2 --threads 2 --prefetch 1 2>/dev/null"));
  REQUIRE(r.exit_code == 0);
  const auto summary = nlohmann::json::parse(r.out)["dataset"];
  CHECK(summary["images"] == 5);
  CHECK(summary["skipped"] == 0);
  CHECK(summary["batch_size"] == 2);
  CHECK(summary["decode_threads"] == 2);
  CHECK(summary["images_per_second"].get<double>() > 0);
  CHECK(summary["pipeline"] == "cpu-decode");
  const auto t = clipbench::read_safetensors(dir.file("features.safetensors")).tensors;
  const torch::Tensor features = t.at("image_features");
  REQUIRE(features.sizes() == torch::IntArrayRef({5, summary["embed_dim"].get<int64_t>()}));
  CHECK(torch::equal(t.at("indices"), torch::arange(5, torch::kInt64)));
  CHECK(torch::equal(t.at("labels"), torch::tensor({0, 0, 0, 1, 1}, torch::kInt64)));

  std::string images;
  for (const auto& p : paths) images += " --image " + p;
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + images + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const torch::Tensor single = json_rows(nlohmann::json::parse(r.out)["image_features"]);
  // Same pixels in batches of 2 instead of 5: equal up to BLAS blocking.
  CHECK((features.to(torch::kDouble) - single).abs().max().item<double>() < 1e-5);

  SECTION("--threads 0 is recorded as the threads it ran: one per hardware thread") {
    r = run_command(embed_split(ck, dir, "--threads 0 2>/dev/null"));
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["dataset"]["decode_threads"] ==
          std::max(1u, std::thread::hardware_concurrency()));
  }

  // bf16 error depends on the CPU's kernels: 1.3e-2 measured on an AVX2-only AMD EPYC (Zen 3),
  // below 1e-2 on AVX-512 machines; 2e-2 is about five bf16 roundings (2^-8 each).
  SECTION("bf16 features stay within 2e-2 relative of fp32") {
    r = run_command(embed_split(ck, dir, "--precision bf16 2>/dev/null"));
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["precision"] == "bf16");
    const torch::Tensor bf16 =
        clipbench::read_safetensors(dir.file("features.safetensors")).tensors.at("image_features");
    CHECK(bf16.scalar_type() == torch::kFloat32);
    const double rel = ((bf16 - features).norm() / features.norm()).item<double>();
    INFO("bf16 vs fp32 relative error " << rel);
    CHECK(rel < 2e-2);
    CHECK(rel > 0);
  }
}

TEST_CASE("embed --dataset-format, --precision and --device errors name the problem", "[unit]") {
  clipbench::test::TempDir dir;
  write_split(dir);
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  auto r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --features-out " +
                       dir.file("f.safetensors") + " --text cat 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("--dataset-format") != std::string::npos);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck +
                  " --dataset-format imagefolder --dataset-root " + dir.path() + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("--features-out") != std::string::npos);
  // An output that cannot be written is refused before the split is encoded.
  dir.write("afile", "x");
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck +
                  " --dataset-format imagefolder --dataset-root " + dir.path() +
                  " --split all --features-out " + dir.file("afile/f.safetensors") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("is not a folder") != std::string::npos);
  CHECK(r.out.find("images/s") == std::string::npos);  // nothing was encoded
  r = run_command(embed_split(ck, dir, "--batch-size 0 2>&1"));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("1 to 65536") != std::string::npos);
  r = run_command(embed_split(ck, dir, "--precision int4 2>&1"));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("int4") != std::string::npos);
  r = run_command(embed_split(ck, dir, "--precision fp16 2>&1"));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("fp16") != std::string::npos);
#ifdef CLIPBENCH_WITH_CUDA
  CHECK(clipbench::cuda_built());  // a CUDA build of clipbench runs a CUDA LibTorch
#endif
  if (!clipbench::cuda_available()) {
    r = run_command(embed_split(ck, dir, "--device cuda 2>&1"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("CUDA is not available") != std::string::npos);
    // The reason fits the build: a CPU LibTorch says to build against a CUDA one; a CUDA build on
    // a machine without a GPU says that no GPU is visible.
    CHECK(r.out.find(clipbench::cuda_unavailable_reason()) != std::string::npos);
    CHECK(r.out.find(clipbench::cuda_built() ? "no GPU is visible" : "has no CUDA") !=
          std::string::npos);
  }
  r = run_command(embed_split(ck, dir, "--device tpu 2>&1"));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("tpu") != std::string::npos);
}

TEST_CASE("embed clamps a logit_scale stored as the scale at 100, warns, and never gives NaN",
          "[unit]") {
  // openai/CLIP #46: logit_scale = 100.0 (the scale, not its log) would make exp(100) * cos
  // overflow to inf and the probabilities NaN.
  clipbench::test::TempDir dir;
  const std::string src = fixture("models/tiny-vit");
  for (const char* f : {"config.json", "model.safetensors"})
    fs::copy_file(src + "/" + f, dir.file(f));
  const std::string images = " --image " + fixture("preprocess/p01_photo_jpeg.jpg");
  const std::string texts = " --text 'a photo of a cat' --text 'a dog'";
  const auto vocab =
      " --vocab " + clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
  auto r = run_command(clipbench_exe() + " embed --checkpoint " + dir.file("model.safetensors") +
                       vocab + images + texts + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const auto good = nlohmann::json::parse(r.out);
  const double stored = good["logit_scale"].get<double>();
  REQUIRE(stored < std::log(100.0));
  CHECK(good["logits_scale"].get<double>() == Approx(std::exp(stored)).epsilon(1e-12));

  auto t = clipbench::read_safetensors(dir.file("model.safetensors")).tensors;
  t["logit_scale"] = torch::full_like(t.at("logit_scale"), 100.0);
  clipbench::write_safetensors(dir.file("model.safetensors"), t);
  r = run_command(clipbench_exe() + " embed --checkpoint " + dir.file("model.safetensors") + vocab +
                  images + texts + " 2>&1 >" + dir.file("out.json"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("logit_scale 100 is above log(100)"));
  std::ifstream in(dir.file("out.json"));
  const auto j = nlohmann::json::parse(in);
  CHECK(j["logit_scale"].get<double>() == 100.0);
  CHECK(j["logits_scale"].get<double>() == 100.0);
  // The same features as the good checkpoint's, so the logits are 100 / exp(stored) times its.
  const torch::Tensor logits = json_rows(j["logits_per_image"]);
  const torch::Tensor expected = json_rows(good["logits_per_image"]) * (100.0 / std::exp(stored));
  CHECK(torch::isfinite(logits).all().item<bool>());
  CHECK((logits - expected).abs().max().item<double>() < 1e-9);
}
