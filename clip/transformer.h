// The transformer shared by CLIP's text tower and ViT image tower (openai/CLIP model.py
// `Transformer`).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "clip/activation.h"

namespace clipbench {

// nn.LayerNorm over the last dimension (eps 1e-5 as openai/CLIP, or `eps`: timm's and SigLIP's
// 1e-6) computed in fp32 and returned in the input's
// dtype, as openai/CLIP's `LayerNorm` subclass does for fp16 models. Parameters: `weight`, `bias`
// [width].
class LayerNormImpl : public torch::nn::Module {
 public:
  explicit LayerNormImpl(int64_t width, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);

  torch::Tensor weight, bias;

 private:
  int64_t width_;
  double eps_;
};
TORCH_MODULE(LayerNorm);

// Fully connected layers here run through clipbench::linear (clip/linear.h: oneDNN for fp32 CPU
// inference).

// Multi-head self-attention with the parameter names of nn.MultiheadAttention: `in_proj_weight`
// [3W, W], `in_proj_bias` [3W] (q, k, v stacked in that order), `out_proj.weight` [W, W],
// `out_proj.bias` [W]. forward: x [N, L, W] (batch first) -> [N, L, W]; with `causal`, position i
// attends to positions <= i.
class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(int64_t width, int64_t heads);
  torch::Tensor forward(const torch::Tensor& x, bool causal);

  torch::Tensor in_proj_weight, in_proj_bias;
  torch::nn::Linear out_proj{nullptr};

 private:
  int64_t width_, heads_;
};
TORCH_MODULE(SelfAttention);

// The block's MLP: `c_fc` (W -> M), the activation, `c_proj` (M -> W). M = mlp_width (openai/CLIP:
// 4W; open_clip's ViT-bigG-14 8192 for W = 1664, read from the checkpoint's `c_fc` shape).
class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t width, int64_t mlp_width, Activation act);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear c_fc{nullptr}, c_proj{nullptr};

 private:
  Activation act_;
};
TORCH_MODULE(Mlp);

// Pre-norm residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). Children `ln_1`, `attn`,
// `ln_2`, `mlp`. mlp_width 0 means 4 * width; ln_eps is both LayerNorms' eps.
// open_clip's LayerScale: x * gamma, `gamma` [width] (key `ls_1.gamma` / `ls_2.gamma`).
class LayerScaleImpl : public torch::nn::Module {
 public:
  explicit LayerScaleImpl(int64_t width);
  torch::Tensor forward(const torch::Tensor& x) { return x * gamma; }

  torch::Tensor gamma;
};
TORCH_MODULE(LayerScale);

// layer_scale: open_clip's `ls_init_value` blocks, x + ls_1(attn(ln_1(x))), then
// h + ls_2(mlp(ln_2(h))); without it ls_1 / ls_2 are absent (openai/CLIP's block).
class ResidualAttentionBlockImpl : public torch::nn::Module {
 public:
  ResidualAttentionBlockImpl(int64_t width, int64_t heads, int64_t mlp_width = 0,
                             Activation act = Activation::kQuickGelu, double ln_eps = 1e-5,
                             bool layer_scale = false);
  torch::Tensor forward(const torch::Tensor& x, bool causal);

  LayerNorm ln_1{nullptr}, ln_2{nullptr};
  SelfAttention attn{nullptr};
  Mlp mlp{nullptr};
  LayerScale ls_1{nullptr}, ls_2{nullptr};
};
TORCH_MODULE(ResidualAttentionBlock);

// `layers` ResidualAttentionBlocks registered as `resblocks.0`, `resblocks.1`, ...
// forward: x [N, L, width] -> [N, L, width]. The reference runs on [L, N, W] (sequence first); the
// arithmetic per token is the same. `causal` applies openai/CLIP's text mask (-inf above the
// diagonal). mlp_width 0 means 4 * width; the defaults are openai/CLIP's (4W, QuickGELU, LayerNorm
// eps 1e-5, no layer scale).
class TransformerImpl : public torch::nn::Module {
 public:
  TransformerImpl(int64_t width, int64_t layers, int64_t heads, int64_t mlp_width = 0,
                  Activation act = Activation::kQuickGelu, double ln_eps = 1e-5,
                  bool layer_scale = false);
  torch::Tensor forward(torch::Tensor x, bool causal);

  int64_t width() const { return width_; }

 private:
  int64_t width_;
  torch::nn::ModuleList resblocks_{nullptr};
  std::vector<ResidualAttentionBlock> blocks_;
};
TORCH_MODULE(Transformer);

}  // namespace clipbench
