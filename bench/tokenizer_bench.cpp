// Benchmark: clip.tokenize throughput (texts/s) on the ImageNet prompts (classes x templates).
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "clip/tokenizer.h"

namespace {

// The 80,000 prompts: every template of imagenet_prompts.json with "{}" replaced by every class
// name.
const std::vector<std::string>& imagenet_prompts() {
  static const std::vector<std::string> prompts = [] {
    std::ifstream in(CLIPBENCH_IMAGENET_PROMPTS);
    if (!in) throw std::runtime_error("cannot open " CLIPBENCH_IMAGENET_PROMPTS);
    const auto j = nlohmann::json::parse(in);
    std::vector<std::string> out;
    for (const auto& cls : j.at("classes")) {
      for (const auto& tmpl : j.at("templates")) {
        std::string t = tmpl.get<std::string>();
        const auto at = t.find("{}");
        if (at != std::string::npos) t.replace(at, 2, cls.get<std::string>());
        out.push_back(t);
      }
    }
    return out;
  }();
  return prompts;
}

const clipbench::Tokenizer& tokenizer() {
  static const clipbench::Tokenizer t = clipbench::Tokenizer::from_file(CLIPBENCH_VOCAB);
  return t;
}

// The BPE cache already holds every word of the prompts (steady state of a zero-shot run).
void BM_TokenizeImageNetPromptsWarmCache(benchmark::State& state) {
  const auto& prompts = imagenet_prompts();
  const auto& t = tokenizer();
  benchmark::DoNotOptimize(t.tokenize(prompts));
  for (auto _ : state) benchmark::DoNotOptimize(t.tokenize(prompts));
  state.counters["texts/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * prompts.size()), benchmark::Counter::kIsRate);
}

// The cache is emptied before every pass over the prompts (a fresh process; words repeated across
// prompts still hit the cache within the pass, as in the reference).
void BM_TokenizeImageNetPromptsColdCache(benchmark::State& state) {
  const auto& prompts = imagenet_prompts();
  const auto& t = tokenizer();
  for (auto _ : state) {
    t.clear_cache();
    benchmark::DoNotOptimize(t.tokenize(prompts));
  }
  state.counters["texts/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * prompts.size()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_TokenizeImageNetPromptsWarmCache)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TokenizeImageNetPromptsColdCache)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
