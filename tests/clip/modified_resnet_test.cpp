// Tests for clip/modified_resnet.h: attention pooling against torch's MHA, bottleneck layout and
// shapes.
#include "clip/modified_resnet.h"

#include <torch/torch.h>

#include <set>
#include <string>

#include "clip/errors.h"
#include "tests/support/catch.h"

using namespace clipbench;
namespace F = torch::nn::functional;

namespace {

std::set<std::string> keys(torch::nn::Module& m) {
  std::set<std::string> out;
  for (const auto& p : m.named_parameters()) out.insert(p.key());
  for (const auto& b : m.named_buffers()) out.insert(b.key());
  return out;
}

}  // namespace

TEST_CASE("AttentionPool2d matches the reference's multi_head_attention_forward call", "[unit]") {
  torch::manual_seed(4);
  const int64_t spacial = 3, embed = 32, heads = 4, out_dim = 24;
  AttentionPool2d pool(spacial, embed, heads, out_dim);
  torch::NoGradGuard g;
  const auto x = torch::randn({2, embed, spacial, spacial});
  const auto ours = pool(x);
  REQUIRE(ours.sizes() == torch::IntArrayRef({2, out_dim}));

  // The reference: (HW)NC tokens, mean token first, positional embedding, separate q/k/v weights.
  auto t = x.flatten(2).permute({2, 0, 1});
  t = torch::cat({t.mean(0, true), t}, 0) + pool->positional_embedding.unsqueeze(1);
  auto opts = F::MultiheadAttentionForwardFuncOptions(
                  embed, heads, {},
                  torch::cat({pool->q_proj->bias, pool->k_proj->bias, pool->v_proj->bias}), {}, {},
                  false, 0.0, pool->c_proj->weight, pool->c_proj->bias)
                  .training(false)
                  .need_weights(false)
                  .use_separate_proj_weight(true)
                  .q_proj_weight(pool->q_proj->weight)
                  .k_proj_weight(pool->k_proj->weight)
                  .v_proj_weight(pool->v_proj->weight);
  const auto ref = std::get<0>(F::multi_head_attention_forward(t, t, t, opts))[0];
  CHECK(torch::allclose(ours, ref, 1e-5, 1e-6));
}

TEST_CASE("Bottleneck registers downsample.0 / downsample.1 only for projection shortcuts",
          "[unit]") {
  Bottleneck identity(64, 16, 1);
  CHECK_FALSE(identity->downsample);
  CHECK(keys(*identity).count("downsample.0.weight") == 0);

  Bottleneck widen(16, 16, 1);  // 16 -> 64 channels: projection with AvgPool2d(1)
  CHECK(keys(*widen).count("downsample.0.weight") == 1);

  Bottleneck strided(64, 32, 2);
  const auto k = keys(*strided);
  for (const std::string key :
       {"conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
        "bn1.num_batches_tracked", "conv2.weight", "conv3.weight", "bn3.running_var",
        "downsample.0.weight", "downsample.1.weight", "downsample.1.bias",
        "downsample.1.running_mean", "downsample.1.running_var",
        "downsample.1.num_batches_tracked"}) {
    INFO(key);
    CHECK(k.count(key) == 1);
  }
  CHECK(strided->named_parameters()["conv2.weight"].sizes() == torch::IntArrayRef({32, 32, 3, 3}));
  CHECK(strided->named_parameters()["downsample.0.weight"].sizes() ==
        torch::IntArrayRef({128, 64, 1, 1}));

  strided->eval();
  torch::NoGradGuard g;
  const auto y = strided(torch::randn({2, 64, 8, 8}));
  CHECK(y.sizes() == torch::IntArrayRef({2, 128, 4, 4}));
  CHECK(y.min().item<float>() >= 0.0f);  // ends with a ReLU
}

TEST_CASE("ModifiedResNet stages, widths and output shape follow the config", "[unit]") {
  ModifiedResNet net(std::vector<int64_t>{1, 2, 1, 1}, 48, 2, 64, 4);
  const auto k = keys(*net);
  CHECK(k.count("layer2.1.conv1.weight") == 1);
  CHECK(k.count("layer2.2.conv1.weight") == 0);
  CHECK(k.count("layer2.1.downsample.0.weight") == 0);
  auto params = net->named_parameters();
  CHECK(params["conv1.weight"].sizes() == torch::IntArrayRef({2, 3, 3, 3}));
  CHECK(params["conv3.weight"].sizes() == torch::IntArrayRef({4, 2, 3, 3}));
  CHECK(params["layer4.0.conv3.weight"].sizes() == torch::IntArrayRef({128, 32, 1, 1}));
  CHECK(params["attnpool.positional_embedding"].sizes() == torch::IntArrayRef({5, 128}));
  CHECK(params["attnpool.c_proj.weight"].sizes() == torch::IntArrayRef({48, 128}));

  net->eval();
  torch::NoGradGuard g;
  CHECK(net(torch::randn({3, 3, 64, 64})).sizes() == torch::IntArrayRef({3, 48}));
  CHECK_THROWS_AS(net(torch::randn({1, 3, 96, 96})), Error);
}
