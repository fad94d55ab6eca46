// Google Benchmark: CLIP image and text encoder throughput (images/s, texts/s) on the CPU, formula
// weights.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "clip/clip_model.h"
#include "clip/load_state_dict.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

namespace {

using clipbench::CLIP;

// One model per fixture name, built once from formula weights
// (../shared/fixtures/models/full/<name>.json).
struct Fixture {
  CLIP model{nullptr};
  torch::Tensor image;   // [1, 3, R, R]
  torch::Tensor tokens;  // [3, context_length]
};

Fixture& fixture(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[name];
  if (!slot) {
    const auto path = clipbench::test::fixture("models/full/" + name + ".json");
    const auto j = clipbench::test::read_json_file(path);
    slot = std::make_unique<Fixture>();
    slot->model = clipbench::build_model(
        clipbench::test::formula_state_dict(j.at("state_dict_shapes")), path);
    slot->image = clipbench::test::formula_image(slot->model->config().image_resolution);
    std::vector<int64_t> ids;
    for (const auto& row : j.at("text_ids")) {
      for (const auto& v : row) ids.push_back(v.get<int64_t>());
    }
    slot->tokens =
        torch::tensor(ids, torch::kLong).view({static_cast<int64_t>(j.at("text_ids").size()), -1});
  }
  return *slot;
}

void BM_EncodeImage(benchmark::State& state, const std::string& name) {
  Fixture& f = fixture(name);
  const int64_t batch = state.range(0);
  const auto images = f.image.expand({batch, -1, -1, -1}).contiguous();
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.model->encode_image(images));
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_EncodeText(benchmark::State& state, const std::string& name) {
  Fixture& f = fixture(name);
  const int64_t batch = state.range(0);
  const auto idx = torch::arange(batch, torch::kLong).remainder(f.tokens.size(0));
  const auto tokens = f.tokens.index_select(0, idx);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.model->encode_text(tokens));
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void batches(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
}

BENCHMARK_CAPTURE(BM_EncodeImage, ViT_B_32, std::string("ViT-B-32"))->Apply(batches);
BENCHMARK_CAPTURE(BM_EncodeText, ViT_B_32, std::string("ViT-B-32"))->Apply(batches);
BENCHMARK_CAPTURE(BM_EncodeImage, RN50, std::string("RN50"))->Apply(batches);
BENCHMARK_CAPTURE(BM_EncodeText, RN50, std::string("RN50"))->Apply(batches);

}  // namespace

BENCHMARK_MAIN();
