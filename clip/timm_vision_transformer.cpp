// timm's VisionTransformer with the MAP head (SigLIP's image tower), open_clip TimmModel names.
#include "clip/timm_vision_transformer.h"

#include <fmt/format.h>

#include <cmath>

#include "clip/errors.h"
#include "clip/linear.h"
#include "clip/state_dict.h"
#include "clip/torch_compat.h"

namespace clipbench {
namespace {

// [B, L, heads * d] -> [B, heads, L, d]
torch::Tensor split_heads(const torch::Tensor& t, int64_t heads) {
  return t.view({t.size(0), t.size(1), heads, t.size(2) / heads}).transpose(1, 2);
}

// [B, heads, L, d] -> [B, L, heads * d]
torch::Tensor merge_heads(const torch::Tensor& t) {
  return t.transpose(1, 2).reshape({t.size(0), t.size(2), t.size(1) * t.size(3)});
}

}  // namespace

PatchEmbedImpl::PatchEmbedImpl(int64_t patch_size, int64_t width) {
  proj = register_module(
      "proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, width, patch_size).stride(patch_size)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& images) {
  return proj(images).flatten(2).transpose(1, 2);  // [B, g*g, W], row-major over the grid
}

TimmAttentionImpl::TimmAttentionImpl(int64_t width, int64_t heads) : width_(width), heads_(heads) {
  TORCH_CHECK(heads > 0 && width % heads == 0, "width ", width, " not divisible by ", heads,
              " heads");
  qkv = register_module("qkv", torch::nn::Linear(width, 3 * width));
  proj = register_module("proj", torch::nn::Linear(width, width));
}

torch::Tensor TimmAttentionImpl::forward(const torch::Tensor& x) {
  const auto parts = linear(x, qkv->weight, qkv->bias).chunk(3, -1);
  const torch::Tensor out =
      scaled_dot_product_attention(split_heads(parts[0], heads_), split_heads(parts[1], heads_),
                                   split_heads(parts[2], heads_), /*causal=*/false);
  return linear(merge_heads(out), proj->weight, proj->bias);
}

TimmMlpImpl::TimmMlpImpl(int64_t width, int64_t mlp_width, Activation act) : act_(act) {
  fc1 = register_module("fc1", torch::nn::Linear(width, mlp_width));
  fc2 = register_module("fc2", torch::nn::Linear(mlp_width, width));
}

torch::Tensor TimmMlpImpl::forward(const torch::Tensor& x) {
  return linear(apply_activation(linear(x, fc1->weight, fc1->bias), act_), fc2->weight, fc2->bias);
}

TimmBlockImpl::TimmBlockImpl(const TimmViTOptions& o) {
  norm1 = register_module("norm1", LayerNorm(o.width, o.ln_eps));
  attn = register_module("attn", TimmAttention(o.width, o.heads));
  norm2 = register_module("norm2", LayerNorm(o.width, o.ln_eps));
  mlp = register_module("mlp", TimmMlp(o.width, o.mlp_width, o.act));
}

torch::Tensor TimmBlockImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = x + attn(norm1(x));
  return h + mlp(norm2(h));
}

AttentionPoolLatentImpl::AttentionPoolLatentImpl(const TimmViTOptions& o)
    : width_(o.width), heads_(o.heads) {
  latent = register_parameter(
      "latent", torch::randn({1, 1, o.width}) / std::sqrt(static_cast<double>(o.width)));
  q = register_module("q", torch::nn::Linear(o.width, o.width));
  kv = register_module("kv", torch::nn::Linear(o.width, 2 * o.width));
  proj = register_module("proj", torch::nn::Linear(o.width, o.width));
  norm = register_module("norm", LayerNorm(o.width, o.ln_eps));
  mlp = register_module("mlp", TimmMlp(o.width, o.mlp_width, o.act));
}

torch::Tensor AttentionPoolLatentImpl::forward(const torch::Tensor& x) {
  const int64_t b = x.size(0);
  const torch::Tensor query =
      linear(latent.to(x.dtype()).expand({b, 1, width_}), q->weight, q->bias);  // [B, 1, W]
  const auto keys_values = linear(x, kv->weight, kv->bias).chunk(2, -1);        // k, v
  const torch::Tensor attended =
      scaled_dot_product_attention(split_heads(query, heads_), split_heads(keys_values[0], heads_),
                                   split_heads(keys_values[1], heads_), /*causal=*/false);
  torch::Tensor y = linear(merge_heads(attended), proj->weight, proj->bias);  // [B, 1, W]
  y = y + mlp(norm(y));
  return y.select(1, 0);
}

TimmVisionTransformerImpl::TimmVisionTransformerImpl(const TimmViTOptions& o) : options_(o) {
  TORCH_CHECK(o.patch_size > 0 && o.image_size % o.patch_size == 0, "image size ", o.image_size,
              " is not a multiple of the patch size ", o.patch_size);
  const int64_t grid = o.image_size / o.patch_size;
  patch_embed = register_module("patch_embed", PatchEmbed(o.patch_size, o.width));
  pos_embed = register_parameter("pos_embed", torch::randn({1, grid * grid, o.width}) * 0.02);
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.depth; ++i) {
    block_list_.emplace_back(o);
    blocks->push_back(block_list_.back());
  }
  norm = register_module("norm", LayerNorm(o.width, o.ln_eps));
  attn_pool = register_module("attn_pool", AttentionPoolLatent(o));
}

torch::Tensor TimmVisionTransformerImpl::forward(const torch::Tensor& images) {
  const int64_t r = options_.image_size;
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != r || images.size(3) != r)
    throw Error(fmt::format("timm ViT image tower expects images [B, 3, {0}, {0}], got {1}", r,
                            shape_string(images.sizes())));
  torch::Tensor x = patch_embed(images) + pos_embed.to(images.dtype());
  for (auto& block : block_list_) x = block(x);
  return attn_pool(norm(x));
}

TimmModelImpl::TimmModelImpl(const TimmViTOptions& o) {
  trunk = register_module("trunk", TimmVisionTransformer(o));
}

}  // namespace clipbench
