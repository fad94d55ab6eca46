// Google Benchmark: CLIP image and text encoder throughput (images/s, texts/s) per architecture,
// batch size, precision and device, formula weights.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "clip/clip_model.h"
#include "clip/load_state_dict.h"
#include "clip/precision.h"
#include "clip/torch_compat.h"
#include "harness/allocator.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

namespace {

using clipbench::CLIP;

// One model per (fixture name, precision, device), built once from formula weights: "ViT-B-32"
// is ../shared/fixtures/models/full/ViT-B-32.json (openai/CLIP's rules, fill formula 1);
// "open_clip:ViT-H-14" is models/open_clip/ViT-H-14.json, resolved as `--model ViT-H-14` (its GELU
// and head widths; SigLIP's timm tower and text tower), fill formula 2.
struct Fixture {
  CLIP model{nullptr};
  torch::Tensor image;   // [1, 3, R, R] on the model's device
  torch::Tensor tokens;  // [3, context_length] on the model's device
};

Fixture& fixture(const std::string& name, const std::string& precision, const std::string& device) {
  static std::map<std::string, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[name + "/" + precision + "/" + device];
  if (!slot) {
    const std::string open_clip = "open_clip:";
    const bool is_open_clip = name.rfind(open_clip, 0) == 0;
    const std::string model = is_open_clip ? name.substr(open_clip.size()) : name;
    const auto path = clipbench::test::fixture(
        (is_open_clip ? "models/open_clip/" : "models/full/") + model + ".json");
    const auto j = clipbench::test::read_json_file(path);
    slot = std::make_unique<Fixture>();
    if (is_open_clip) {
      clipbench::Checkpoint ck;
      ck.path = path;  // no config beside it: the architecture comes from --model
      ck.format = "safetensors";
      ck.layout = "openai";
      ck.state_dict = clipbench::test::formula_state_dict(j.at("state_dict_shapes"),
                                                          clipbench::test::Fill::kSplitmix64);
      slot->model = clipbench::build_model(ck, nullptr, {model, ""});
    } else {
      slot->model = clipbench::build_model(
          clipbench::test::formula_state_dict(j.at("state_dict_shapes")), path);
    }
    slot->model->to(torch::Device(device));
    clipbench::set_model_precision(slot->model, clipbench::precision_named(precision));
    slot->image = clipbench::test::formula_image(slot->model->config().image_resolution)
                      .to(torch::Device(device));
    std::vector<int64_t> ids;
    for (const auto& row : j.at("text_ids")) {
      for (const auto& v : row) ids.push_back(v.get<int64_t>());
    }
    slot->tokens = torch::tensor(ids, torch::kLong)
                       .view({static_cast<int64_t>(j.at("text_ids").size()), -1})
                       .to(torch::Device(device));
  }
  return *slot;
}

// Waits for the GPU's queued work, so that a timed iteration covers it.
void finish(const torch::Tensor& t) {
  if (t.is_cuda()) t.cpu();
}

// Inference as the harness runs it: no autograd graph (the CPU fp32 linear layers then run
// through oneDNN, clip/linear.h).
void BM_EncodeImage(benchmark::State& state, const std::string& name, const std::string& precision,
                    const std::string& device) {
  torch::NoGradGuard no_grad;
  Fixture& f = fixture(name, precision, device);
  const int64_t batch = state.range(0);
  const auto images = f.image.expand({batch, -1, -1, -1}).contiguous();
  for (auto _ : state) {
    const torch::Tensor features = f.model->encode_image(images);
    finish(features);
    benchmark::DoNotOptimize(features);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_EncodeText(benchmark::State& state, const std::string& name, const std::string& precision,
                   const std::string& device) {
  torch::NoGradGuard no_grad;
  Fixture& f = fixture(name, precision, device);
  const int64_t batch = state.range(0);
  const auto idx =
      torch::arange(batch, torch::kLong).remainder(f.tokens.size(0)).to(f.tokens.device());
  const auto tokens = f.tokens.index_select(0, idx);
  for (auto _ : state) {
    const torch::Tensor features = f.model->encode_text(tokens);
    finish(features);
    benchmark::DoNotOptimize(features);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void batches(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
}

// Registered at start-up: every architecture (OpenAI's ViT-B/32 and RN50; open_clip's ViT-H-14,
// GELU with 80-wide heads, and SigLIP's ViT-B-16, timm tower with the MAP head) x precision (fp32
// and bf16 on the CPU; fp32, fp16 and bf16 on a GPU when this LibTorch sees one) x batch size.
void register_benchmarks() {
  std::vector<std::pair<std::string, std::vector<std::string>>> devices = {
      {"cpu", {"fp32", "bf16"}}};
  if (clipbench::cuda_available()) devices.push_back({"cuda", {"fp32", "fp16", "bf16"}});
  for (const std::string name :
       {"ViT-B-32", "RN50", "open_clip:ViT-H-14", "open_clip:ViT-B-16-SigLIP"})
    for (const auto& [device, precisions] : devices)
      for (const auto& precision : precisions) {
        const std::string suffix = name + "/" + device + "/" + precision;
        benchmark::RegisterBenchmark(("BM_EncodeImage/" + suffix).c_str(), BM_EncodeImage, name,
                                     precision, device)
            ->Apply(batches);
        benchmark::RegisterBenchmark(("BM_EncodeText/" + suffix).c_str(), BM_EncodeText, name,
                                     precision, device)
            ->Apply(batches);
      }
}

}  // namespace

int main(int argc, char** argv) {
  // As the clipbench executable runs: glibc keeps freed activations (harness/allocator.h), and
  // one intra-op thread per hardware thread (LibTorch's default counts physical cores only).
  clipbench::configure_allocator_for_inference();
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  benchmark::AddCustomContext("intra_op_threads", std::to_string(at::get_num_threads()));
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
