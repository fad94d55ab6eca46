// LayerNorm (fp32), the MLP, residual attention blocks and the Transformer stack of openai/CLIP.
#include "clip/transformer.h"

#include <cmath>
#include <string>

#include "clip/linear.h"
#include "clip/torch_compat.h"

namespace clipbench {

LayerNormImpl::LayerNormImpl(int64_t width) : width_(width) {
  weight = register_parameter("weight", torch::ones({width}));
  bias = register_parameter("bias", torch::zeros({width}));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) {
  const auto dtype = x.scalar_type();
  torch::Tensor y = torch::layer_norm(x.to(torch::kFloat), {width_}, weight.to(torch::kFloat),
                                      bias.to(torch::kFloat), 1e-5);
  return y.to(dtype);
}

SelfAttentionImpl::SelfAttentionImpl(int64_t width, int64_t heads) : width_(width), heads_(heads) {
  TORCH_CHECK(heads > 0 && width % heads == 0, "width ", width, " not divisible by ", heads,
              " heads");
  // Initialized as nn.MultiheadAttention does (xavier-uniform in_proj, zero biases); checkpoints
  // overwrite.
  in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * width, width}));
  torch::nn::init::xavier_uniform_(in_proj_weight);
  in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * width}));
  out_proj = register_module("out_proj", torch::nn::Linear(width, width));
  torch::nn::init::zeros_(out_proj->bias);
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, bool causal) {
  const int64_t n = x.size(0), len = x.size(1), head_dim = width_ / heads_;
  const auto qkv = linear(x, in_proj_weight, in_proj_bias).chunk(3, -1);
  auto split = [&](const torch::Tensor& t) {
    return t.view({n, len, heads_, head_dim}).transpose(1, 2);  // [N, H, L, D]
  };
  const torch::Tensor out =
      scaled_dot_product_attention(split(qkv[0]), split(qkv[1]), split(qkv[2]), causal);
  return linear(out.transpose(1, 2).reshape({n, len, width_}), out_proj->weight, out_proj->bias);
}

MlpImpl::MlpImpl(int64_t width, int64_t mlp_width, Activation act) : act_(act) {
  c_fc = register_module("c_fc", torch::nn::Linear(width, mlp_width));
  c_proj = register_module("c_proj", torch::nn::Linear(mlp_width, width));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  return linear(apply_activation(linear(x, c_fc->weight, c_fc->bias), act_), c_proj->weight,
                c_proj->bias);
}

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(int64_t width, int64_t heads,
                                                       int64_t mlp_width, Activation act) {
  attn = register_module("attn", SelfAttention(width, heads));
  ln_1 = register_module("ln_1", LayerNorm(width));
  mlp = register_module("mlp", Mlp(width, mlp_width > 0 ? mlp_width : 4 * width, act));
  ln_2 = register_module("ln_2", LayerNorm(width));
}

torch::Tensor ResidualAttentionBlockImpl::forward(const torch::Tensor& x, bool causal) {
  torch::Tensor h = x + attn(ln_1(x), causal);
  return h + mlp(ln_2(h));
}

TransformerImpl::TransformerImpl(int64_t width, int64_t layers, int64_t heads, int64_t mlp_width,
                                 Activation act)
    : width_(width) {
  resblocks_ = register_module("resblocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < layers; ++i) {
    blocks_.emplace_back(width, heads, mlp_width, act);
    resblocks_->push_back(blocks_.back());
  }
}

torch::Tensor TransformerImpl::forward(torch::Tensor x, bool causal) {
  for (auto& block : blocks_) x = block(x, causal);
  return x;
}

}  // namespace clipbench
