// LayerNorm (fp32), the MLP, residual attention blocks and the Transformer stack of openai/CLIP.
#include "clip/transformer.h"

#include <cmath>
#include <string>

#include "clip/linear.h"
#include "clip/torch_compat.h"

namespace clipbench {

LayerNormImpl::LayerNormImpl(int64_t width, double eps) : width_(width), eps_(eps) {
  weight = register_parameter("weight", torch::ones({width}));
  bias = register_parameter("bias", torch::zeros({width}));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) {
  const auto dtype = x.scalar_type();
  torch::Tensor y = torch::layer_norm(x.to(torch::kFloat), {width_}, weight.to(torch::kFloat),
                                      bias.to(torch::kFloat), eps_);
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

LayerScaleImpl::LayerScaleImpl(int64_t width) {
  gamma = register_parameter("gamma", torch::ones({width}));
}

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(int64_t width, int64_t heads,
                                                       int64_t mlp_width, Activation act,
                                                       double ln_eps, bool layer_scale) {
  // open_clip's order: ln_1, attn, ls_1, ln_2, mlp, ls_2 (named_parameters lists its keys).
  attn = register_module("attn", SelfAttention(width, heads));
  ln_1 = register_module("ln_1", LayerNorm(width, ln_eps));
  if (layer_scale) ls_1 = register_module("ls_1", LayerScale(width));
  mlp = register_module("mlp", Mlp(width, mlp_width > 0 ? mlp_width : 4 * width, act));
  ln_2 = register_module("ln_2", LayerNorm(width, ln_eps));
  if (layer_scale) ls_2 = register_module("ls_2", LayerScale(width));
}

torch::Tensor ResidualAttentionBlockImpl::forward(const torch::Tensor& x, bool causal) {
  torch::Tensor a = attn(ln_1(x), causal);
  torch::Tensor h = x + (ls_1 ? ls_1(a) : a);
  torch::Tensor m = mlp(ln_2(h));
  return h + (ls_2 ? ls_2(m) : m);
}

TransformerImpl::TransformerImpl(int64_t width, int64_t layers, int64_t heads, int64_t mlp_width,
                                 Activation act, double ln_eps, bool layer_scale)
    : width_(width) {
  resblocks_ = register_module("resblocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < layers; ++i) {
    blocks_.emplace_back(width, heads, mlp_width, act, ln_eps, layer_scale);
    resblocks_->push_back(blocks_.back());
  }
}

torch::Tensor TransformerImpl::forward(torch::Tensor x, bool causal) {
  for (auto& block : blocks_) x = block(x, causal);
  return x;
}

}  // namespace clipbench
