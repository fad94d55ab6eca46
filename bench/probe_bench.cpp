// Google Benchmark: the linear probe's objective kernel (multinomial loss + gradient) per shape,
// feature dtype and thread count.
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "baselines/multinomial_loss.h"

namespace {

// One evaluation of sum CE and its gradient: N rows of D features, K classes (random data; the
// kernel's cost does not depend on the values). Args: N, D, K, kind (0: float64 features, 1:
// float32 features with float64 arithmetic, 2: float32 arithmetic), intra-op threads.
void BM_MultinomialLossGradient(benchmark::State& state) {
  const int64_t N = state.range(0), D = state.range(1), K = state.range(2);
  const int64_t kind = state.range(3);
  const bool single = kind >= 1;
  at::set_num_threads(static_cast<int>(state.range(4)));
  torch::manual_seed(0);
  const torch::Tensor X = torch::rand({N, D}, single ? torch::kFloat : torch::kDouble);
  const torch::Tensor y = torch::randint(K, {N}, torch::kLong);
  const torch::Tensor W = torch::randn({K, D}, torch::kDouble) * 0.01;
  const torch::Tensor b = torch::zeros({K}, torch::kDouble);
  torch::Tensor gW = torch::empty({K, D}, torch::kDouble), gb = torch::empty({K}, torch::kDouble);
  for (auto _ : state) {
    const double loss =
        kind == 2 ? clipbench::baselines::multinomial_loss_gradient_float32(
                        X.data_ptr<float>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
                        b.data_ptr<double>(), gW.data_ptr<double>(), gb.data_ptr<double>())
        : single ? clipbench::baselines::multinomial_loss_gradient(
                       X.data_ptr<float>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
                       b.data_ptr<double>(), gW.data_ptr<double>(), gb.data_ptr<double>())
                 : clipbench::baselines::multinomial_loss_gradient(
                       X.data_ptr<double>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
                       b.data_ptr<double>(), gW.data_ptr<double>(), gb.data_ptr<double>());
    benchmark::DoNotOptimize(loss);
  }
  // Two N x D x K products per evaluation (logits and gradient).
  state.counters["GMAC/s"] =
      benchmark::Counter(2.0 * N * D * K * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(clipbench::baselines::multinomial_loss_isa());
}

// Fashion-MNIST pixels (the fixture's sweep: 5,000 x 784, 10 classes); ViT-B/32 features on a
// 100-class dataset (512-d).
BENCHMARK(BM_MultinomialLossGradient)
    ->ArgNames({"N", "D", "K", "kind", "threads"})
    ->Args({5000, 784, 10, 1, 1})
    ->Args({5000, 784, 10, 2, 1})
    ->Args({5000, 784, 10, 1, 2})
    ->Args({5000, 784, 10, 2, 2})
    ->Args({5000, 784, 10, 0, 2})
    ->Args({50000, 512, 100, 1, 2})
    ->Args({50000, 512, 100, 2, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
