// Tests of the fused multinomial cross-entropy kernel against LibTorch autograd.
#include "baselines/multinomial_loss.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <tuple>
#include <vector>

#include "tests/support/catch.h"

TEST_CASE("the fused multinomial loss and gradient match autograd", "[unit]") {
  // Shapes that exercise the class tiles (8 + 5) and the D tail (not a multiple of 4), and a
  // last row block shorter than 32.
  const std::vector<std::tuple<int64_t, int64_t, int64_t>> shapes = {
      {77, 7, 13}, {64, 16, 3}, {5, 1, 2}};
  for (const auto& shape : shapes) {
    const int64_t N = std::get<0>(shape), D = std::get<1>(shape), K = std::get<2>(shape);
    CAPTURE(N, D, K);
    torch::manual_seed(N + D + K);
    const auto dbl = torch::kDouble;
    const torch::Tensor X = torch::randn({N, D}, dbl) * 2.0;
    const torch::Tensor y = torch::randint(K, {N}, torch::kLong);
    const torch::Tensor W = torch::randn({K, D}, dbl), b = torch::randn({K}, dbl);
    auto Wr = W.clone().requires_grad_(true), br = b.clone().requires_grad_(true);
    auto f = torch::nn::functional::cross_entropy(
        torch::addmm(br, X, Wr.t()), y,
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    f.backward();
    for (int threads : {1, 2}) {
      at::set_num_threads(threads);
      torch::Tensor gW = torch::full({K, D}, 7.0, dbl), gb = torch::full({K}, 7.0, dbl);
      const double loss = clipbench::baselines::multinomial_loss_gradient(
          X.data_ptr<double>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
          b.data_ptr<double>(), gW.data_ptr<double>(), gb.data_ptr<double>());
      CHECK(loss == Approx(f.item<double>()).epsilon(1e-12));
      CHECK((gW - Wr.grad()).abs().max().item<double>() < 1e-10);
      CHECK((gb - br.grad()).abs().max().item<double>() < 1e-10);
    }
  }
}
