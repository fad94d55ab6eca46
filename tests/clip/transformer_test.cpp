// Tests for clip/transformer.h: fp32 LayerNorm, QuickGELU, self-attention against torch's MHA, the
// stack.
#include "clip/transformer.h"

#include <torch/torch.h>

#include <limits>
#include <set>
#include <string>

#include "tests/support/catch.h"

using namespace clipbench;
namespace F = torch::nn::functional;

namespace {

double rel_err(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).norm().item<double>() /
         b.to(torch::kDouble).norm().item<double>();
}

// torch's own nn.MultiheadAttention forward on [L, N, W] (the reference layout), for [N, L, W]
// input.
torch::Tensor torch_mha(SelfAttentionImpl& attn, const torch::Tensor& x, int64_t heads,
                        bool causal) {
  const int64_t w = x.size(2), len = x.size(1);
  auto opts = F::MultiheadAttentionForwardFuncOptions(w, heads, attn.in_proj_weight,
                                                      attn.in_proj_bias, {}, {}, false, 0.0,
                                                      attn.out_proj->weight, attn.out_proj->bias)
                  .training(false)
                  .need_weights(false);
  if (causal) {
    opts.attn_mask(torch::full({len, len}, -std::numeric_limits<float>::infinity()).triu_(1));
  }
  const torch::Tensor lnd = x.transpose(0, 1);
  return std::get<0>(F::multi_head_attention_forward(lnd, lnd, lnd, opts)).transpose(0, 1);
}

}  // namespace

TEST_CASE("quick_gelu is x * sigmoid(1.702 x)", "[unit]") {
  const auto x = torch::tensor({-3.0f, -0.5f, 0.0f, 0.25f, 2.0f});
  const auto y = quick_gelu(x);
  for (int i = 0; i < 5; ++i) {
    const double v = x[i].item<double>();
    CHECK(y[i].item<double>() == Approx(v / (1.0 + std::exp(-1.702 * v))).epsilon(1e-6));
  }
}

TEST_CASE("LayerNorm normalizes in fp32 and returns the input dtype", "[unit]") {
  torch::manual_seed(0);
  LayerNorm ln(16);
  {
    torch::NoGradGuard g;
    ln->weight.uniform_(0.5, 1.5);
    ln->bias.uniform_(-0.5, 0.5);
  }
  const auto x = torch::randn({4, 16}) * 100 + 1000;
  const auto y = ln(x);
  const auto mean = x.mean(-1, true);
  const auto var = (x - mean).pow(2).mean(-1, true);
  const auto expected = (x - mean) / (var + 1e-5).sqrt() * ln->weight + ln->bias;
  CHECK(rel_err(y, expected) < 1e-5);

  const auto half = x.to(torch::kHalf);
  const auto yh = ln(half);
  CHECK(yh.scalar_type() == torch::kHalf);
  CHECK(torch::equal(yh, ln(half.to(torch::kFloat)).to(torch::kHalf)));
}

TEST_CASE("SelfAttention matches torch's multi_head_attention_forward", "[unit]") {
  torch::manual_seed(1);
  const int64_t width = 64, heads = 4;
  SelfAttention attn(width, heads);
  {
    torch::NoGradGuard g;
    attn->in_proj_bias.uniform_(-0.2, 0.2);
    attn->out_proj->bias.uniform_(-0.2, 0.2);
  }
  const auto x = torch::randn({3, 9, width});
  torch::NoGradGuard g;
  for (bool causal : {false, true}) {
    INFO("causal " << causal);
    const auto ours = attn(x, causal);
    REQUIRE(ours.sizes() == x.sizes());
    CHECK(rel_err(ours, torch_mha(*attn, x, heads, causal)) < 1e-6);
  }
  // The two modes really differ (the mask is applied).
  CHECK(rel_err(attn(x, true), attn(x, false)) > 1e-2);
}

TEST_CASE("causal blocks never look at later positions", "[unit]") {
  torch::manual_seed(2);
  ResidualAttentionBlock block(32, 2);
  torch::NoGradGuard g;
  auto x = torch::randn({2, 7, 32});
  const auto before = block(x, true);
  auto changed = x.clone();
  changed.narrow(1, 4, 3).add_(torch::randn({2, 3, 32}));  // perturb positions 4..6
  const auto after = block(changed, true);
  CHECK(torch::allclose(before.narrow(1, 0, 4), after.narrow(1, 0, 4)));
  CHECK_FALSE(torch::allclose(before.narrow(1, 4, 3), after.narrow(1, 4, 3)));
  // Without the mask, every position sees the change.
  CHECK_FALSE(
      torch::allclose(block(x, false).narrow(1, 0, 4), block(changed, false).narrow(1, 0, 4)));
}

TEST_CASE("ResidualAttentionBlock is x + attn(ln_1 x), then + mlp(ln_2 x)", "[unit]") {
  torch::manual_seed(3);
  ResidualAttentionBlock block(32, 2);
  torch::NoGradGuard g;
  const auto x = torch::randn({2, 5, 32});
  const auto h = x + block->attn(block->ln_1(x), false);
  const auto ff = block->mlp->c_proj(quick_gelu(block->mlp->c_fc(block->ln_2(h))));
  // The block's linear layers run through oneDNN (clip/linear.h), the modules above through BLAS:
  // the same fp32 products summed in another order.
  CHECK(torch::allclose(block(x, false), h + ff, 1e-5, 1e-5));
}

TEST_CASE("Transformer parameters carry the OpenAI checkpoint names", "[unit]") {
  Transformer t(64, 2, 1);
  std::set<std::string> names;
  for (const auto& p : t->named_parameters()) names.insert(p.key());
  const std::set<std::string> per_block = {
      "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias",
      "ln_1.weight",         "ln_1.bias",         "mlp.c_fc.weight",      "mlp.c_fc.bias",
      "mlp.c_proj.weight",   "mlp.c_proj.bias",   "ln_2.weight",          "ln_2.bias"};
  std::set<std::string> expected;
  for (int i = 0; i < 2; ++i) {
    for (const auto& k : per_block) expected.insert("resblocks." + std::to_string(i) + "." + k);
  }
  CHECK(names == expected);
  CHECK(t->named_parameters()["resblocks.1.mlp.c_fc.weight"].sizes() ==
        torch::IntArrayRef({256, 64}));
  CHECK(t->named_parameters()["resblocks.0.attn.in_proj_weight"].sizes() ==
        torch::IntArrayRef({192, 64}));
}

TEST_CASE("an nn.GELU block with a wider MLP uses the erf GELU and c_fc's width", "[unit]") {
  torch::manual_seed(4);
  ResidualAttentionBlock block(32, 2, 80, Activation::kGelu);
  CHECK(block->mlp->c_fc->weight.sizes() == torch::IntArrayRef({80, 32}));
  torch::NoGradGuard g;
  const auto x = torch::randn({2, 5, 32});
  const auto h = x + block->attn(block->ln_1(x), false);
  const auto fc = block->mlp->c_fc(block->ln_2(h));
  // erf GELU written out: x * (1 + erf(x / sqrt 2)) / 2.
  const auto ff = block->mlp->c_proj(fc * 0.5 * (1 + torch::erf(fc / std::sqrt(2.0))));
  CHECK(torch::allclose(block(x, false), h + ff, 1e-5, 1e-5));
  // QuickGELU differs from it by up to ~0.02 per unit: the two blocks must not agree.
  ResidualAttentionBlock same_weights(32, 2, 80, Activation::kQuickGelu);
  for (size_t i = 0; i < block->parameters().size(); ++i)
    same_weights->parameters()[i].copy_(block->parameters()[i]);
  CHECK((same_weights(x, false) - block(x, false)).abs().max().item<double>() > 1e-4);
}

TEST_CASE("activations by name: clipbench's and Hugging Face's hidden_act names", "[unit]") {
  CHECK(activation_named("quick_gelu") == Activation::kQuickGelu);
  CHECK(activation_named("gelu") == Activation::kGelu);
  CHECK(activation_named("gelu_pytorch_tanh") == Activation::kGeluTanh);
  CHECK(activation_name(Activation::kGeluTanh) == "gelu_tanh");
  CHECK_THROWS_WITH(activation_named("gelu_fast"), Catch::Contains("gelu_fast"));
  const auto x = torch::linspace(-3, 3, 13);
  CHECK(torch::allclose(
      apply_activation(x, Activation::kGeluTanh),
      0.5 * x * (1 + torch::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x.pow(3)))), 1e-6, 1e-6));
}
