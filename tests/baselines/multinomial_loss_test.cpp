// Tests of the fused multinomial cross-entropy kernel against LibTorch autograd.
#include "baselines/multinomial_loss.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <initializer_list>
#include <tuple>
#include <vector>

#include "tests/support/catch.h"

namespace {

// The kernel's loss and gradient at (W, b) against autograd's sum-reduced cross-entropy, with
// each thread count (the gradient outputs start filled with garbage: they must be overwritten).
void check_against_autograd(const torch::Tensor& X, const torch::Tensor& y, const torch::Tensor& W,
                            const torch::Tensor& b, std::initializer_list<int> thread_counts) {
  const int64_t N = X.size(0), D = X.size(1), K = W.size(0);
  auto Wr = W.clone().requires_grad_(true), br = b.clone().requires_grad_(true);
  auto f = torch::nn::functional::cross_entropy(
      torch::addmm(br, X, Wr.t()), y,
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  f.backward();
  for (int threads : thread_counts) {
    CAPTURE(threads, clipbench::baselines::multinomial_loss_isa());
    at::set_num_threads(threads);
    torch::Tensor gW = torch::full({K, D}, 7.0, torch::kDouble);
    torch::Tensor gb = torch::full({K}, 7.0, torch::kDouble);
    const double loss = clipbench::baselines::multinomial_loss_gradient(
        X.data_ptr<double>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
        b.data_ptr<double>(), gW.data_ptr<double>(), gb.data_ptr<double>());
    CHECK(loss == Approx(f.item<double>()).epsilon(1e-12));
    CHECK((gW - Wr.grad()).abs().max().item<double>() < 1e-10);
    CHECK((gb - br.grad()).abs().max().item<double>() < 1e-10);
  }
}

}  // namespace

TEST_CASE("the fused multinomial loss and gradient match autograd", "[unit]") {
  // Shapes with uneven class tiles, a D tail after the vectors, and a last row block shorter
  // than 64.
  const std::vector<std::tuple<int64_t, int64_t, int64_t>> shapes = {
      {77, 7, 13}, {64, 16, 3}, {5, 1, 2}};
  for (const auto& shape : shapes) {
    const int64_t N = std::get<0>(shape), D = std::get<1>(shape), K = std::get<2>(shape);
    CAPTURE(N, D, K);
    torch::manual_seed(N + D + K);
    const auto dbl = torch::kDouble;
    check_against_autograd(torch::randn({N, D}, dbl) * 2.0, torch::randint(K, {N}, torch::kLong),
                           torch::randn({K, D}, dbl), torch::randn({K}, dbl), {1, 2});
  }
}

TEST_CASE("the fused kernel's register tiles match autograd for every class-tile width", "[unit]") {
  // K from 1 to 27 covers every tile width of the AVX-512 (<= 6) and AVX2 (<= 8) tilings and
  // uneven splits; D = 37 leaves a tail after 32-, 16-, 8- and 4-wide steps; N = 131 gives a row
  // count that is not a multiple of the 4-row tiles and a last block shorter than 64.
  const int64_t N = 131, D = 37;
  for (int64_t K = 1; K <= 27; ++K) {
    CAPTURE(K);
    torch::manual_seed(K);
    const auto dbl = torch::kDouble;
    check_against_autograd(torch::randn({N, D}, dbl), torch::randint(K, {N}, torch::kLong),
                           torch::randn({K, D}, dbl) * 0.5, torch::randn({K}, dbl), {2});
  }
}

TEST_CASE("float32 features give the float64 result of their exact values", "[unit]") {
  // The float32 overload widens each feature exactly, so it must agree with the float64 kernel
  // on X.to(kDouble) to summation-order rounding, not to float32 precision.
  for (int64_t K : {3, 10, 14}) {
    const int64_t N = 97, D = 45;
    CAPTURE(K);
    torch::manual_seed(100 + K);
    const torch::Tensor Xf = torch::randn({N, D}, torch::kFloat) * 3.0;
    const torch::Tensor Xd = Xf.to(torch::kDouble);
    const torch::Tensor y = torch::randint(K, {N}, torch::kLong);
    const torch::Tensor W = torch::randn({K, D}, torch::kDouble) * 0.3;
    const torch::Tensor b = torch::randn({K}, torch::kDouble);
    torch::Tensor gWf = torch::zeros({K, D}, torch::kDouble),
                  gbf = torch::zeros({K}, torch::kDouble);
    torch::Tensor gWd = gWf.clone(), gbd = gbf.clone();
    const double lf = clipbench::baselines::multinomial_loss_gradient(
        Xf.data_ptr<float>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
        b.data_ptr<double>(), gWf.data_ptr<double>(), gbf.data_ptr<double>());
    const double ld = clipbench::baselines::multinomial_loss_gradient(
        Xd.data_ptr<double>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
        b.data_ptr<double>(), gWd.data_ptr<double>(), gbd.data_ptr<double>());
    CHECK(lf == Approx(ld).epsilon(1e-13));
    CHECK((gWf - gWd).abs().max().item<double>() < 1e-11);
    CHECK((gbf - gbd).abs().max().item<double>() < 1e-11);
  }
}

TEST_CASE("float32 arithmetic agrees with the float64 kernel to float32 rounding", "[unit]") {
  // Every class-tile width of both tilings, a D tail after the 16- and 8-lane vectors (D = 53),
  // a last row block shorter than 64 and rows split over threads. Features and weights of CLIP
  // probe magnitudes; the float32 kernel rounds W and forms products and per-block sums in
  // float32, so it differs from the float64 kernel by ~1e-7 relative, and must not by more than
  // 1e-5 (a float64 accumulation bug would be ~1e-16, a wrong tile ~1).
  for (int64_t K = 1; K <= 17; ++K) {
    const int64_t N = 203, D = 53;
    CAPTURE(K);
    torch::manual_seed(200 + K);
    const torch::Tensor X = torch::randn({N, D}, torch::kFloat);
    const torch::Tensor Xd = X.to(torch::kDouble);
    const torch::Tensor y = torch::randint(K, {N}, torch::kLong);
    const torch::Tensor W = torch::randn({K, D}, torch::kDouble) * 0.3;
    const torch::Tensor b = torch::randn({K}, torch::kDouble);
    for (int threads : {1, 2}) {
      CAPTURE(threads);
      at::set_num_threads(threads);
      torch::Tensor gW32 = torch::full({K, D}, 7.0, torch::kDouble),
                    gb32 = torch::full({K}, 7.0, torch::kDouble);
      torch::Tensor gW64 = gW32.clone(), gb64 = gb32.clone();
      const double l32 = clipbench::baselines::multinomial_loss_gradient_float32(
          X.data_ptr<float>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
          b.data_ptr<double>(), gW32.data_ptr<double>(), gb32.data_ptr<double>());
      const double l64 = clipbench::baselines::multinomial_loss_gradient(
          Xd.data_ptr<double>(), y.data_ptr<int64_t>(), N, D, K, W.data_ptr<double>(),
          b.data_ptr<double>(), gW64.data_ptr<double>(), gb64.data_ptr<double>());
      CHECK(l32 == Approx(l64).epsilon(1e-5));
      const double scale = gW64.abs().max().item<double>() + 1.0;
      CHECK((gW32 - gW64).abs().max().item<double>() < 1e-5 * scale);
      CHECK((gb32 - gb64).abs().max().item<double>() <
            1e-5 * (gb64.abs().max().item<double>() + 1));
      if (K > 1) CHECK(l32 != l64);  // float32 arithmetic really ran
    }
  }
}

TEST_CASE("the kernel's parallel_for runs on LibTorch's intra-op threads", "[unit]") {
  // A library compiled without OpenMP against an OpenMP LibTorch silently runs on one thread.
  at::set_num_threads(2);
  CHECK(clipbench::baselines::intra_op_threads_used(64) == 2);
  at::set_num_threads(1);
  CHECK(clipbench::baselines::intra_op_threads_used(64) == 1);
}
