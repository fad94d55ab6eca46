// The ModifiedResNet image tower: 3-conv stem, anti-aliased bottlenecks, attention pooling.
#include "clip/modified_resnet.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "clip/errors.h"
#include "clip/state_dict.h"
#include "clip/torch_compat.h"

namespace clipbench {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

torch::Tensor avg_pool(const torch::Tensor& x, int64_t k) {
  return k > 1 ? torch::avg_pool2d(x, {k, k}, {k, k}) : x;
}

}  // namespace

DownsampleImpl::DownsampleImpl(int64_t inplanes, int64_t outplanes, int64_t stride)
    : stride_(stride) {
  conv = register_module(
      "0", torch::nn::Conv2d(torch::nn::Conv2dOptions(inplanes, outplanes, 1).bias(false)));
  bn = register_module("1", torch::nn::BatchNorm2d(outplanes));
}

torch::Tensor DownsampleImpl::forward(const torch::Tensor& x) {
  return bn(conv(avg_pool(x, stride_)));
}

BottleneckImpl::BottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride) : stride_(stride) {
  conv1 = register_module("conv1", conv(inplanes, planes, 1));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(planes));
  conv2 = register_module("conv2", conv(planes, planes, 3));
  bn2 = register_module("bn2", torch::nn::BatchNorm2d(planes));
  conv3 = register_module("conv3", conv(planes, planes * kExpansion, 1));
  bn3 = register_module("bn3", torch::nn::BatchNorm2d(planes * kExpansion));
  if (stride > 1 || inplanes != planes * kExpansion) {
    downsample = register_module("downsample", Downsample(inplanes, planes * kExpansion, stride));
  }
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(bn1(conv1(x)));
  out = torch::relu(bn2(conv2(out)));
  out = bn3(conv3(avg_pool(out, stride_)));
  out += downsample ? downsample(x) : x;
  return torch::relu_(out);
}

AttentionPool2dImpl::AttentionPool2dImpl(int64_t spacial_dim, int64_t embed_dim, int64_t num_heads,
                                         int64_t output_dim)
    : embed_dim_(embed_dim), num_heads_(num_heads) {
  TORCH_CHECK(num_heads > 0 && embed_dim % num_heads == 0, "embed_dim ", embed_dim,
              " not divisible by ", num_heads, " heads");
  positional_embedding = register_parameter(
      "positional_embedding", torch::randn({spacial_dim * spacial_dim + 1, embed_dim}) /
                                  std::sqrt(static_cast<double>(embed_dim)));
  k_proj = register_module("k_proj", torch::nn::Linear(embed_dim, embed_dim));
  q_proj = register_module("q_proj", torch::nn::Linear(embed_dim, embed_dim));
  v_proj = register_module("v_proj", torch::nn::Linear(embed_dim, embed_dim));
  c_proj = register_module("c_proj", torch::nn::Linear(embed_dim, output_dim));
}

torch::Tensor AttentionPool2dImpl::forward(const torch::Tensor& x) {
  const int64_t b = x.size(0), head_dim = embed_dim_ / num_heads_;
  torch::Tensor t = x.flatten(2).transpose(1, 2);       // [B, HW, C]
  t = torch::cat({t.mean(1, /*keepdim=*/true), t}, 1);  // [B, HW + 1, C]
  t = t + positional_embedding.to(t.dtype());
  const int64_t len = t.size(1);
  auto heads = [&](const torch::Tensor& y, int64_t l) {
    return y.view({b, l, num_heads_, head_dim}).transpose(1, 2);  // [B, H, l, D]
  };
  const torch::Tensor q = heads(q_proj(t.narrow(1, 0, 1)), 1);
  const torch::Tensor k = heads(k_proj(t), len);
  const torch::Tensor v = heads(v_proj(t), len);
  const torch::Tensor out =
      scaled_dot_product_attention(q, k, v, /*causal=*/false);  // [B, H, 1, D]
  return c_proj(out.transpose(1, 2).reshape({b, embed_dim_}));
}

ModifiedResNetImpl::ModifiedResNetImpl(const std::vector<int64_t>& layers, int64_t output_dim,
                                       int64_t heads, int64_t input_resolution, int64_t width)
    : input_resolution_(input_resolution) {
  TORCH_CHECK(layers.size() == 4, "ModifiedResNet needs 4 stage sizes");
  conv1 = register_module("conv1", conv(3, width / 2, 3, 2));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(width / 2));
  conv2 = register_module("conv2", conv(width / 2, width / 2, 3));
  bn2 = register_module("bn2", torch::nn::BatchNorm2d(width / 2));
  conv3 = register_module("conv3", conv(width / 2, width, 3));
  bn3 = register_module("bn3", torch::nn::BatchNorm2d(width));
  int64_t inplanes = width;
  for (size_t s = 0; s < 4; ++s) {
    const int64_t planes = width << s;
    auto list = register_module("layer" + std::to_string(s + 1), torch::nn::ModuleList());
    stages_.emplace_back();
    for (int64_t i = 0; i < layers[s]; ++i) {
      stages_.back().emplace_back(inplanes, planes, (i == 0 && s > 0) ? 2 : 1);
      list->push_back(stages_.back().back());
      inplanes = planes * BottleneckImpl::kExpansion;
    }
  }
  attnpool = register_module("attnpool",
                             AttentionPool2d(input_resolution / 32, width * 32, heads, output_dim));
}

torch::Tensor ModifiedResNetImpl::forward(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != input_resolution_ ||
      images.size(3) != input_resolution_) {
    throw Error(fmt::format("ModifiedResNet image tower expects images [B, 3, {0}, {0}], got {1}",
                            input_resolution_, shape_string(images.sizes())));
  }
  torch::Tensor x = torch::relu(bn1(conv1(images)));
  x = torch::relu(bn2(conv2(x)));
  x = torch::relu(bn3(conv3(x)));
  x = avg_pool(x, 2);
  for (auto& stage : stages_) {
    for (auto& block : stage) x = block(x);
  }
  return attnpool(x);
}

}  // namespace clipbench
