// The ViT image tower: patch embedding, class token, transformer, projected class token.
#include "clip/vision_transformer.h"

#include <fmt/format.h>

#include <cmath>

#include "clip/errors.h"
#include "clip/state_dict.h"

namespace clipbench {

VisionTransformerImpl::VisionTransformerImpl(int64_t input_resolution, int64_t patch_size,
                                             int64_t width, int64_t layers, int64_t heads,
                                             int64_t output_dim, int64_t mlp_width, Activation act,
                                             double ln_eps, bool ln_pre, bool avg_pool,
                                             bool final_ln_after_pool, bool layer_scale)
    : input_resolution_(input_resolution),
      avg_pool_(avg_pool),
      final_ln_after_pool_(final_ln_after_pool) {
  const int64_t grid = input_resolution / patch_size;
  const double scale = 1.0 / std::sqrt(static_cast<double>(width));
  // Registration order follows the reference module, so named_parameters() lists keys as its
  // state_dict.
  class_embedding = register_parameter("class_embedding", torch::randn({width}) * scale);
  positional_embedding =
      register_parameter("positional_embedding", torch::randn({grid * grid + 1, width}) * scale);
  proj = register_parameter("proj", torch::randn({width, output_dim}) * scale);
  conv1 = register_module(
      "conv1", torch::nn::Conv2d(
                   torch::nn::Conv2dOptions(3, width, patch_size).stride(patch_size).bias(false)));
  if (ln_pre) this->ln_pre = register_module("ln_pre", LayerNorm(width, ln_eps));
  transformer = register_module(
      "transformer", Transformer(width, layers, heads, mlp_width, act, ln_eps, layer_scale));
  ln_post = register_module("ln_post", LayerNorm(width, ln_eps));
}

torch::Tensor VisionTransformerImpl::forward(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != input_resolution_ ||
      images.size(3) != input_resolution_) {
    throw Error(fmt::format("ViT image tower expects images [B, 3, {0}, {0}], got {1}",
                            input_resolution_, shape_string(images.sizes())));
  }
  torch::Tensor x = conv1(images);   // [B, W, g, g]
  x = x.flatten(2).transpose(1, 2);  // [B, g*g, W]
  const torch::Tensor cls = class_embedding.to(x.dtype()).expand({x.size(0), 1, x.size(2)});
  x = torch::cat({cls, x}, 1) + positional_embedding.to(x.dtype());
  x = transformer(ln_pre ? ln_pre(x) : x, /*causal=*/false);
  // open_clip's _global_pool: the class token, or the mean of the patch tokens; ln_post is
  // per-token, so for the class token before and after pooling are the same.
  auto pool = [&](const torch::Tensor& t) {
    return avg_pool_ ? t.slice(1, 1).mean(1) : t.select(1, 0);  // [B, W]
  };
  x = final_ln_after_pool_ || !avg_pool_ ? ln_post(pool(x)) : pool(ln_post(x));
  return x.matmul(proj);
}

}  // namespace clipbench
