// CLIP's ViT image tower (openai/CLIP model.py `VisionTransformer`).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "clip/transformer.h"

namespace clipbench {

// Patchify with `conv1` (3 -> width, kernel = stride = patch_size, no bias), prepend
// `class_embedding` [width], add `positional_embedding` [(R / patch)^2 + 1, width], `ln_pre`,
// `transformer` (heads = width / 64 for OpenAI models, width / head_width for open_clip's; MLP
// width mlp_width, 0 = 4 * width; activation `act`; every LayerNorm's eps ln_eps), `ln_post` on the
// class token (open_clip's options: no `ln_pre` when !ln_pre (`no_ln_pre`); with avg_pool the mean
// of the patch tokens instead of the class token (`pool_type` "avg"); final_ln_after_pool:
// `ln_post` on the pooled token rather than before pooling, as open_clip v3 `VisionTransformer`;
// layer_scale: its blocks' `ls_1` / `ls_2`, open_clip `ls_init_value`),
// then `@ proj` [width, output_dim]. forward: images [B, 3, R, R] in the module's dtype and device,
// R == input_resolution -> [B, output_dim]. Throws clipbench::Error for any other input shape.
class VisionTransformerImpl : public torch::nn::Module {
 public:
  VisionTransformerImpl(int64_t input_resolution, int64_t patch_size, int64_t width, int64_t layers,
                        int64_t heads, int64_t output_dim, int64_t mlp_width = 0,
                        Activation act = Activation::kQuickGelu, double ln_eps = 1e-5,
                        bool ln_pre = true, bool avg_pool = false, bool final_ln_after_pool = false,
                        bool layer_scale = false);
  torch::Tensor forward(const torch::Tensor& images);

  torch::nn::Conv2d conv1{nullptr};
  torch::Tensor class_embedding, positional_embedding, proj;
  LayerNorm ln_pre{nullptr}, ln_post{nullptr};  // ln_pre null without `ln_pre`
  Transformer transformer{nullptr};

 private:
  int64_t input_resolution_;
  bool avg_pool_, final_ln_after_pool_;
};
TORCH_MODULE(VisionTransformer);

}  // namespace clipbench
