// Tests for clip/linear.h: the oneDNN path agrees with torch's linear, and training keeps autograd.
#include "clip/linear.h"

#include <ATen/Context.h>
#include <torch/torch.h>

#include "tests/support/catch.h"

using clipbench::linear;
using clipbench::linear_uses_onednn;
namespace F = torch::nn::functional;

TEST_CASE("linear matches torch's linear for fp32 inference, with and without bias", "[unit]") {
  torch::manual_seed(3);
  // [N, L, in] like the transformer's activations, a 2-D input and an odd width.
  for (const auto& shape : {std::vector<int64_t>{3, 50, 96}, std::vector<int64_t>{17, 96},
                            std::vector<int64_t>{2, 5, 96}}) {
    const torch::Tensor x = torch::randn(shape);
    const torch::Tensor w = torch::randn({37, 96}) * 0.1, b = torch::randn({37});
    torch::NoGradGuard no_grad;
    CHECK(linear_uses_onednn(x, w) == at::hasMKLDNN());
    for (const torch::Tensor& bias : {b, torch::Tensor()}) {
      const torch::Tensor want = F::linear(x, w, bias);
      const torch::Tensor got = linear(x, w, bias);
      REQUIRE(got.sizes() == want.sizes());
      CHECK(got.scalar_type() == torch::kFloat);
      CHECK(!got.is_mkldnn());
      CHECK((got - want).abs().max().item<double>() <= 1e-5 * want.abs().max().item<double>());
    }
  }
}

TEST_CASE("linear keeps autograd when a graph is recorded and falls back for other dtypes",
          "[unit]") {
  torch::manual_seed(4);
  const torch::Tensor w = (torch::randn({4, 6}) * 0.1).requires_grad_(true);
  const torch::Tensor b = torch::zeros({4}).requires_grad_(true);
  const torch::Tensor x = torch::randn({5, 6});
  CHECK_FALSE(linear_uses_onednn(x, w));
  linear(x, w, b).sum().backward();
  REQUIRE(w.grad().defined());
  CHECK(torch::allclose(w.grad(), x.sum(0).expand({4, 6})));
  // float64 and bfloat16 inputs take torch's linear (same result, same dtype).
  torch::NoGradGuard no_grad;
  const torch::Tensor xd = x.to(torch::kDouble), wd = w.detach().to(torch::kDouble);
  CHECK_FALSE(linear_uses_onednn(xd, wd));
  CHECK(torch::equal(linear(xd, wd, torch::Tensor()), F::linear(xd, wd)));
  CHECK(linear(x.to(torch::kBFloat16), w.detach().to(torch::kBFloat16), torch::Tensor())
            .scalar_type() == torch::kBFloat16);
}
