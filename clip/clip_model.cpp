// The CLIP model: construction from a config and the image / text encoders.
#include "clip/clip_model.h"

#include <fmt/format.h>

#include <cmath>

#include "clip/errors.h"
#include "clip/state_dict.h"

namespace clipbench {

CLIPImpl::CLIPImpl(const CLIPConfig& config) : config_(config) {
  validate(config_);
  const int64_t tw = config_.transformer_width;
  const bool openai_text = config_.text_layout == TextLayout::kOpenAI;
  if (openai_text) {
    positional_embedding = register_parameter("positional_embedding",
                                              torch::randn({config_.context_length, tw}) * 0.01);
    text_projection = register_parameter("text_projection", torch::randn({tw, config_.embed_dim}) /
                                                                std::sqrt(static_cast<double>(tw)));
  }
  logit_scale = register_parameter("logit_scale", torch::full({}, std::log(1.0 / 0.07)));
  if (config_.logit_bias) logit_bias = register_parameter("logit_bias", torch::full({}, -10.0));
  if (config_.vision_layout == VisionLayout::kTimmViT) {
    TimmViTOptions o;
    o.image_size = config_.image_resolution;
    o.patch_size = config_.vision_patch_size;
    o.width = config_.vision_width;
    o.depth = config_.vision_layers[0];
    o.heads = config_.vision_heads();
    o.mlp_width = config_.effective_vision_mlp_width();
    o.act = config_.vision_act;
    o.ln_eps = config_.vision_ln_eps;
    visual_timm = register_module("visual", TimmModel(o));
  } else if (config_.is_vit()) {
    visual_vit = register_module(
        "visual",
        VisionTransformer(config_.image_resolution, config_.vision_patch_size, config_.vision_width,
                          config_.vision_layers[0], config_.vision_heads(), config_.embed_dim,
                          config_.vision_mlp_width, config_.vision_act, config_.vision_ln_eps,
                          config_.vision_ln_pre, config_.vision_pool == VisionPool::kAvg,
                          config_.vision_final_ln_after_pool, config_.vision_layer_scale));
  } else {
    visual_resnet = register_module(
        "visual", ModifiedResNet(config_.vision_layers, config_.embed_dim, config_.vision_heads(),
                                 config_.image_resolution, config_.vision_width));
  }
  if (!openai_text) {
    text = register_module("text", TextTransformer(config_));
    return;
  }
  transformer = register_module(
      "transformer", Transformer(tw, config_.transformer_layers, config_.transformer_heads,
                                 config_.transformer_mlp_width, config_.text_act,
                                 config_.text_ln_eps, config_.text_layer_scale));
  token_embedding =
      register_module("token_embedding", torch::nn::Embedding(config_.vocab_size, tw));
  ln_final = register_module("ln_final", LayerNorm(tw, config_.text_ln_eps));
}

torch::Device CLIPImpl::device() const { return logit_scale.device(); }

torch::ScalarType CLIPImpl::compute_dtype() const {
  return text ? text->token_embedding->weight.scalar_type() : text_projection.scalar_type();
}

torch::Tensor CLIPImpl::encode_image(const torch::Tensor& images) {
  if (!images.defined() || !images.is_floating_point()) {
    throw Error("encode_image expects a floating-point image batch [B, 3, R, R]");
  }
  torch::NoGradGuard no_grad;
  return image_features(images);
}

torch::Tensor CLIPImpl::image_features(const torch::Tensor& images) {
  const torch::Tensor x = images.to(device(), compute_dtype());
  if (visual_timm) return visual_timm(x);
  return config_.is_vit() ? visual_vit(x) : visual_resnet(x);
}

torch::Tensor CLIPImpl::encode_text(const torch::Tensor& tokens) {
  if (!tokens.defined() || tokens.is_floating_point() || tokens.is_complex() ||
      tokens.scalar_type() == torch::kBool) {
    throw Error("encode_text expects integer token ids [N, context_length]");
  }
  if (tokens.dim() != 2 || tokens.size(1) != config_.context_length) {
    throw Error(fmt::format("encode_text expects token ids [N, {}], got {}", config_.context_length,
                            shape_string(tokens.sizes())));
  }
  torch::NoGradGuard no_grad;
  return text_features(tokens);
}

torch::Tensor CLIPImpl::text_features(const torch::Tensor& tokens) {
  const torch::Tensor ids = tokens.to(device(), torch::kLong);
  if (ids.numel() > 0) {
    const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocab_size) {
      throw Error(fmt::format("encode_text: token ids must lie in [0, {}), got values in [{}, {}]",
                              config_.vocab_size, lo, hi));
    }
  }
  if (text) return text(ids);
  const auto dtype = text_projection.scalar_type();
  torch::Tensor x = token_embedding(ids).to(dtype) + positional_embedding.to(dtype);  // [N, L, W]
  x = transformer(x, config_.text_causal);
  x = ln_final(x).to(dtype);
  return text_global_pool(x, ids, config_.text_pool, config_.text_eos_id).matmul(text_projection);
}

}  // namespace clipbench
