// SigLIP's image tower: timm's VisionTransformer with the attention-pool (MAP) head, as open_clip's
// TimmModel wraps it (`visual.trunk.*`).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "clip/activation.h"
#include "clip/transformer.h"

namespace clipbench {

// The sizes of one timm ViT (clip/timm_models.h reads the facts the weights cannot tell).
struct TimmViTOptions {
  int64_t image_size = 0;  // input side R; the patch grid is R / patch_size
  int64_t patch_size = 0;
  int64_t width = 0;  // timm embed_dim
  int64_t depth = 0;
  int64_t heads = 0;      // of every block and of the MAP head
  int64_t mlp_width = 0;  // fc1 rows, of every block and of the MAP head
  Activation act = Activation::kGelu;
  double ln_eps = 1e-6;
};

// timm `PatchEmbed`: `proj`, a conv with kernel = stride = patch and bias; forward [B, 3, R, R] ->
// [B, (R / patch)^2, W] (flattened, no norm).
class PatchEmbedImpl : public torch::nn::Module {
 public:
  PatchEmbedImpl(int64_t patch_size, int64_t width);
  torch::Tensor forward(const torch::Tensor& images);

  torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed);

// timm `Attention` (layers/attention.py): `qkv` [3W, W] with bias (q, k, v stacked), `proj`; no
// qk-norm. forward: [B, N, W] -> [B, N, W], bidirectional.
class TimmAttentionImpl : public torch::nn::Module {
 public:
  TimmAttentionImpl(int64_t width, int64_t heads);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear qkv{nullptr}, proj{nullptr};

 private:
  int64_t width_, heads_;
};
TORCH_MODULE(TimmAttention);

// timm `Mlp`: `fc1` (W -> M), the activation, `fc2` (M -> W).
class TimmMlpImpl : public torch::nn::Module {
 public:
  TimmMlpImpl(int64_t width, int64_t mlp_width, Activation act);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear fc1{nullptr}, fc2{nullptr};

 private:
  Activation act_;
};
TORCH_MODULE(TimmMlp);

// timm `Block` without layer scale: x + attn(norm1(x)), then x + mlp(norm2(x)).
class TimmBlockImpl : public torch::nn::Module {
 public:
  explicit TimmBlockImpl(const TimmViTOptions& o);
  torch::Tensor forward(const torch::Tensor& x);

  LayerNorm norm1{nullptr}, norm2{nullptr};
  TimmAttention attn{nullptr};
  TimmMlp mlp{nullptr};
};
TORCH_MODULE(TimmBlock);

// timm `AttentionPoolLatent` (layers/attention_pool.py) with one latent query, pool "token": the
// learned `latent` [1, 1, W] attends (query `q`, keys and values `kv` [2W, W]) over the tokens,
// `proj`, then x + mlp(norm(x)). forward: [B, N, W] -> [B, W].
class AttentionPoolLatentImpl : public torch::nn::Module {
 public:
  explicit AttentionPoolLatentImpl(const TimmViTOptions& o);
  torch::Tensor forward(const torch::Tensor& x);

  torch::Tensor latent;
  torch::nn::Linear q{nullptr}, kv{nullptr}, proj{nullptr};
  LayerNorm norm{nullptr};
  TimmMlp mlp{nullptr};

 private:
  int64_t width_, heads_;
};
TORCH_MODULE(AttentionPoolLatent);

// timm `VisionTransformer` with class_token=False, global_pool='map', num_classes=0 (timm 1.0
// models/vision_transformer.py, the `vit_*_siglip_*` models): `patch_embed.proj` (conv, kernel =
// stride = patch, with bias), + `pos_embed` [1, (R / patch)^2, W], `blocks.<i>`, `norm`,
// `attn_pool`. forward: images [B, 3, R, R] in the module's dtype and device -> [B, W]. Throws
// clipbench::Error for any other input shape.
class TimmVisionTransformerImpl : public torch::nn::Module {
 public:
  explicit TimmVisionTransformerImpl(const TimmViTOptions& o);
  torch::Tensor forward(const torch::Tensor& images);

  PatchEmbed patch_embed{nullptr};
  torch::Tensor pos_embed;
  torch::nn::ModuleList blocks{nullptr};
  LayerNorm norm{nullptr};
  AttentionPoolLatent attn_pool{nullptr};

 private:
  TimmViTOptions options_;
  std::vector<TimmBlock> block_list_;
};
TORCH_MODULE(TimmVisionTransformer);

// open_clip `TimmModel` with timm_proj "none": the trunk only (its `head` is empty). forward as
// the trunk's.
class TimmModelImpl : public torch::nn::Module {
 public:
  explicit TimmModelImpl(const TimmViTOptions& o);
  torch::Tensor forward(const torch::Tensor& images) { return trunk(images); }

  TimmVisionTransformer trunk{nullptr};
};
TORCH_MODULE(TimmModel);

}  // namespace clipbench
