// The CLIP model: a text transformer and a ViT or ModifiedResNet image tower (openai/CLIP model.py
// `CLIP`).
#pragma once

#include <torch/torch.h>

#include "clip/model_config.h"
#include "clip/modified_resnet.h"
#include "clip/text_transformer.h"
#include "clip/timm_vision_transformer.h"
#include "clip/transformer.h"
#include "clip/vision_transformer.h"

namespace clipbench {

// Module and parameter names are the OpenAI checkpoint keys: `visual.*` (the image tower),
// `transformer.*`, `token_embedding.weight`, `positional_embedding` [context_length,
// transformer_width], `ln_final.*`, `text_projection` [transformer_width, embed_dim], `logit_scale`
// (0-d, the stored log of the logit scale); for open_clip's other layouts (config().vision_layout /
// text_layout) `visual.trunk.*` (a timm ViT, TimmModel) and `text.*` (TextTransformer), and
// `logit_bias` (0-d) when config().logit_bias. The constructor initializes parameters randomly
// (like the reference); load weights with load_state_dict_strict, or use build_model
// (clip/load_state_dict.h), which also calls eval(): the ModifiedResNet's BatchNorms need eval mode
// to use their running statistics. The encoders run under torch::NoGradGuard (no autograd graph),
// move their input to the module's device (and images to its dtype), and return un-normalized
// features in the module's dtype, on its device.
class CLIPImpl : public torch::nn::Module {
 public:
  // Throws Error when validate(config) fails.
  explicit CLIPImpl(const CLIPConfig& config);

  // images: floating [B, 3, R, R] with R == config().image_resolution (preprocessed with the
  // model's transform) -> [B, embed_dim]: the projected class token (ViT), the attention-pool
  // output (ModifiedResNet) or the MAP head's output (timm ViT). Throws Error for another shape or
  // a non-floating dtype.
  torch::Tensor encode_image(const torch::Tensor& images);

  // tokens: integer [N, context_length] ids (CLIP: start 49406 ... end 49407, 0-padded) -> [N,
  // embed_dim]: the final-layer-normed state at the pooled position (config().text_pool: each
  // row's largest id, the end token, for CLIP) projected, with the causal mask unless
  // config().text_causal is false. Throws Error for another shape, a non-integer dtype, or ids
  // outside [0, vocab_size).
  torch::Tensor encode_text(const torch::Tensor& tokens);

  // For training: encode_image / encode_text without the NoGradGuard, so the result records the
  // autograd graph (when grad mode is on). Same inputs, outputs and id checks, except that
  // image_features does not validate the image dtype; callers check shapes.
  torch::Tensor image_features(const torch::Tensor& images);
  torch::Tensor text_features(const torch::Tensor& tokens);

  const CLIPConfig& config() const { return config_; }
  // Where the encoders' weights are, and their dtype (set_model_precision's; LayerNorms,
  // logit_scale and logit_bias stay fp32).
  torch::Device device() const;
  torch::ScalarType compute_dtype() const;

  // Registration order follows the reference module's state_dict order. positional_embedding,
  // text_projection, transformer, token_embedding and ln_final: TextLayout::kOpenAI only (else
  // undefined / null); logit_bias: defined when config().logit_bias.
  torch::Tensor positional_embedding, text_projection, logit_scale, logit_bias;
  // The image tower, registered as `visual`: exactly one of the three is non-null.
  VisionTransformer visual_vit{nullptr};
  ModifiedResNet visual_resnet{nullptr};
  TimmModel visual_timm{nullptr};
  Transformer transformer{nullptr};
  torch::nn::Embedding token_embedding{nullptr};
  LayerNorm ln_final{nullptr};
  TextTransformer text{nullptr};  // TextLayout::kCustomText, registered as `text`

 private:
  CLIPConfig config_;
};
TORCH_MODULE(CLIP);

}  // namespace clipbench
