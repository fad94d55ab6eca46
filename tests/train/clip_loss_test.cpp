// Tests of CLIP's contrastive loss: a hand-computed value, the temperature gradient, the clamp.
#include "train/clip_loss.h"

#include <torch/torch.h>

#include <cmath>

#include "clip/errors.h"
#include "tests/support/catch.h"

using clipbench::train::clamp_logit_scale_;
using clipbench::train::clip_logits;
using clipbench::train::clip_loss;
using clipbench::train::symmetric_cross_entropy;

TEST_CASE("symmetric cross-entropy matches a hand-computed value", "[unit]") {
  // Rows: CE of each row against its diagonal entry, log(sum_j e^l_ij) - l_ii; columns likewise.
  // By hand: rows 0.1698460196, 0.1967340969, 0.2258020492 -> mean 0.1974607219; columns
  // 0.4076059644, 0.0549852354, 0.3715390319 -> mean 0.2780434106; loss = the mean of the two.
  const torch::Tensor logits =
      torch::tensor({2.0, 0.0, -1.0, 1.0, 3.0, 0.5, 0.0, -2.0, 1.5}, torch::kDouble).view({3, 3});
  const double loss = symmetric_cross_entropy(logits).item<double>();
  CHECK(loss == Approx(0.23775206623028544).epsilon(1e-12));
  // The transpose swaps the row and column terms: same loss.
  CHECK(symmetric_cross_entropy(logits.t()).item<double>() == Approx(loss).epsilon(1e-12));
  // Row term alone, by hand: CE(row 0, target 0) = log(e^2 + 1 + e^-1) - 2.
  const double row0 = std::log(std::exp(2.0) + 1.0 + std::exp(-1.0)) - 2.0;
  CHECK(torch::nn::functional::cross_entropy(logits.slice(0, 0, 1), torch::tensor({0L}))
            .item<double>() == Approx(row0));
}

TEST_CASE("symmetric cross-entropy rejects non-square or empty logits", "[unit]") {
  CHECK_THROWS_AS(symmetric_cross_entropy(torch::zeros({2, 3})), clipbench::Error);
  CHECK_THROWS_AS(symmetric_cross_entropy(torch::zeros({0, 0})), clipbench::Error);
  CHECK_THROWS_AS(symmetric_cross_entropy(torch::zeros({3})), clipbench::Error);
  CHECK_THROWS_AS(clip_loss(torch::ones({2, 4}), torch::ones({3, 4}), torch::zeros({})),
                  clipbench::Error);
}

TEST_CASE("clip logits are the scaled cosine similarities", "[unit]") {
  // Image 0 = (3, 4) -> (0.6, 0.8); image 1 = (0, 2) -> (0, 1); texts (1, 0) and (5, 5).
  const torch::Tensor img = torch::tensor({3.0, 4.0, 0.0, 2.0}, torch::kDouble).view({2, 2});
  const torch::Tensor txt = torch::tensor({1.0, 0.0, 5.0, 5.0}, torch::kDouble).view({2, 2});
  const torch::Tensor log_scale = torch::tensor(std::log(10.0), torch::kDouble);
  const torch::Tensor logits = clip_logits(img, txt, log_scale);
  const double r = 1.0 / std::sqrt(2.0);
  const torch::Tensor expected =
      torch::tensor({6.0, 10.0 * 1.4 * r, 0.0, 10.0 * r}, torch::kDouble).view({2, 2});
  CHECK(torch::allclose(logits, expected, 1e-12, 1e-12));
}

TEST_CASE("the temperature gradient has the right sign", "[unit]") {
  // Matched pairs most similar (diagonal dominant): a sharper softmax lowers the loss, so
  // d loss / d log_scale < 0 and gradient descent raises the scale.
  const torch::Tensor img = torch::eye(4, torch::kDouble) + 0.1;
  const torch::Tensor txt = torch::eye(4, torch::kDouble) + 0.2;
  torch::Tensor log_scale =
      torch::tensor(clipbench::train::kInitialLogitScale, torch::kDouble).requires_grad_(true);
  clip_loss(img, txt, log_scale).backward();
  CHECK(log_scale.grad().item<double>() < 0.0);
  // Mismatched pairs (each image closest to another image's text): the loss falls as the
  // logits flatten, d loss / d log_scale > 0.
  torch::Tensor log_scale2 = torch::tensor(2.0, torch::kDouble).requires_grad_(true);
  clip_loss(img, txt.roll(1, 0), log_scale2).backward();
  CHECK(log_scale2.grad().item<double>() > 0.0);
  // The gradient agrees with a central finite difference.
  auto loss_at = [&](double t) {
    return clip_loss(img, txt, torch::tensor(t, torch::kDouble)).item<double>();
  };
  const double t0 = clipbench::train::kInitialLogitScale, h = 1e-6;
  CHECK(log_scale.grad().item<double>() ==
        Approx((loss_at(t0 + h) - loss_at(t0 - h)) / (2 * h)).epsilon(1e-5));
}

TEST_CASE("the logit scale is clamped to [1, 100]", "[unit]") {
  CHECK(clipbench::train::kInitialLogitScale == Approx(std::log(1.0 / 0.07)));
  CHECK(clipbench::train::kMaxLogitScale == Approx(std::log(100.0)));
  torch::Tensor p = torch::tensor(5.0).requires_grad_(true);  // exp(5) = 148 > 100
  clamp_logit_scale_(p);
  CHECK(std::exp(p.item<double>()) == Approx(100.0));
  CHECK(p.requires_grad());
  torch::Tensor q = torch::tensor(-0.5);
  clamp_logit_scale_(q);
  CHECK(q.item<double>() == 0.0);
  torch::Tensor r = torch::tensor(3.0);
  clamp_logit_scale_(r);
  CHECK(r.item<double>() == 3.0);
}
