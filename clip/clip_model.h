// The CLIP model: a text transformer and a ViT or ModifiedResNet image tower (openai/CLIP model.py
// `CLIP`).
#pragma once

#include <torch/torch.h>

#include "clip/model_config.h"
#include "clip/modified_resnet.h"
#include "clip/transformer.h"
#include "clip/vision_transformer.h"

namespace clipbench {

// Module and parameter names are the OpenAI checkpoint keys: `visual.*` (the image tower),
// `transformer.*`, `token_embedding.weight`, `positional_embedding` [context_length,
// transformer_width], `ln_final.*`, `text_projection` [transformer_width, embed_dim], `logit_scale`
// (0-d, the stored log of the logit scale). The constructor initializes parameters randomly (like
// the reference); load weights with load_state_dict_strict, or use build_model
// (clip/load_state_dict.h), which also calls eval(): the ModifiedResNet's BatchNorms need eval mode
// to use their running statistics. The encoders run under torch::NoGradGuard (no autograd graph),
// move their input to the module's device (and images to its dtype), and return un-normalized
// features in the module's dtype, on its device.
class CLIPImpl : public torch::nn::Module {
 public:
  // Throws Error when validate(config) fails.
  explicit CLIPImpl(const CLIPConfig& config);

  // images: floating [B, 3, R, R] with R == config().image_resolution (preprocessed,
  // CLIP-normalized) -> [B, embed_dim]: the projected class token (ViT) or the attention-pool
  // output (ModifiedResNet). Throws Error for another shape or a non-floating dtype.
  torch::Tensor encode_image(const torch::Tensor& images);

  // tokens: integer [N, context_length] ids (start 49406 ... end 49407, 0-padded) -> [N,
  // embed_dim]: the final-layer-normed state at each row's largest id (the end token) @
  // text_projection, with the causal mask. Throws Error for another shape, a non-integer dtype, or
  // ids outside [0, vocab_size).
  torch::Tensor encode_text(const torch::Tensor& tokens);

  // For training: encode_image / encode_text without the NoGradGuard, so the result records the
  // autograd graph (when grad mode is on). Same inputs, outputs and id checks, except that
  // image_features does not validate the image dtype; callers check shapes.
  torch::Tensor image_features(const torch::Tensor& images);
  torch::Tensor text_features(const torch::Tensor& tokens);

  const CLIPConfig& config() const { return config_; }

  // Registration order follows the reference module's state_dict order.
  torch::Tensor positional_embedding, text_projection, logit_scale;
  // The image tower, registered as `visual`: exactly one of the two is non-null
  // (config().is_vit()).
  VisionTransformer visual_vit{nullptr};
  ModifiedResNet visual_resnet{nullptr};
  Transformer transformer{nullptr};
  torch::nn::Embedding token_embedding{nullptr};
  LayerNorm ln_final{nullptr};

 private:
  CLIPConfig config_;
};
TORCH_MODULE(CLIP);

}  // namespace clipbench
