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
  positional_embedding =
      register_parameter("positional_embedding", torch::randn({config_.context_length, tw}) * 0.01);
  text_projection = register_parameter("text_projection", torch::randn({tw, config_.embed_dim}) /
                                                              std::sqrt(static_cast<double>(tw)));
  logit_scale = register_parameter("logit_scale", torch::full({}, std::log(1.0 / 0.07)));
  if (config_.is_vit()) {
    visual_vit = register_module(
        "visual",
        VisionTransformer(config_.image_resolution, config_.vision_patch_size, config_.vision_width,
                          config_.vision_layers[0], config_.vision_heads(), config_.embed_dim,
                          config_.vision_mlp_width, config_.vision_act));
  } else {
    visual_resnet = register_module(
        "visual", ModifiedResNet(config_.vision_layers, config_.embed_dim, config_.vision_heads(),
                                 config_.image_resolution, config_.vision_width));
  }
  transformer = register_module(
      "transformer", Transformer(tw, config_.transformer_layers, config_.transformer_heads,
                                 config_.transformer_mlp_width, config_.text_act));
  token_embedding =
      register_module("token_embedding", torch::nn::Embedding(config_.vocab_size, tw));
  ln_final = register_module("ln_final", LayerNorm(tw));
}

torch::Tensor CLIPImpl::encode_image(const torch::Tensor& images) {
  if (!images.defined() || !images.is_floating_point()) {
    throw Error("encode_image expects a floating-point image batch [B, 3, R, R]");
  }
  torch::NoGradGuard no_grad;
  return image_features(images);
}

torch::Tensor CLIPImpl::image_features(const torch::Tensor& images) {
  const torch::Tensor x = images.to(text_projection.device(), text_projection.scalar_type());
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
  const torch::Tensor ids = tokens.to(token_embedding->weight.device(), torch::kLong);
  if (ids.numel() > 0) {
    const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocab_size) {
      throw Error(fmt::format("encode_text: token ids must lie in [0, {}), got values in [{}, {}]",
                              config_.vocab_size, lo, hi));
    }
  }
  const auto dtype = text_projection.scalar_type();
  torch::Tensor x = token_embedding(ids).to(dtype) + positional_embedding.to(dtype);  // [N, L, W]
  x = transformer(x, /*causal=*/true);
  x = ln_final(x).to(dtype);
  const torch::Tensor rows = torch::arange(ids.size(0), ids.options());
  const torch::Tensor eot = ids.argmax(-1);
  return x.index({rows, eot}).matmul(text_projection);
}

}  // namespace clipbench
