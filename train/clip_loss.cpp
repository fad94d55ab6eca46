// CLIP's symmetric contrastive loss and the logit-scale clamp.
#include "train/clip_loss.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "clip/errors.h"
#include "clip/state_dict.h"

namespace clipbench::train {

at::Tensor symmetric_cross_entropy(const at::Tensor& logits) {
  if (!logits.defined() || !logits.is_floating_point() || logits.dim() != 2 ||
      logits.size(0) != logits.size(1) || logits.size(0) == 0) {
    throw Error(fmt::format("clip loss: expected a non-empty square floating logits matrix, got {}",
                            logits.defined() ? shape_string(logits.sizes()) : "undefined"));
  }
  const at::Tensor targets = torch::arange(logits.size(0), logits.options().dtype(torch::kLong));
  const at::Tensor rows = torch::nn::functional::cross_entropy(logits, targets);
  const at::Tensor cols = torch::nn::functional::cross_entropy(logits.t(), targets);
  return (rows + cols) / 2;
}

at::Tensor clip_logits(const at::Tensor& image_features, const at::Tensor& text_features,
                       const at::Tensor& log_scale) {
  if (image_features.dim() != 2 || text_features.dim() != 2 ||
      image_features.sizes() != text_features.sizes()) {
    throw Error(fmt::format("clip loss: image and text features must both be [N, D], got {} and {}",
                            shape_string(image_features.sizes()),
                            shape_string(text_features.sizes())));
  }
  if (log_scale.numel() != 1) {
    throw Error(fmt::format("clip loss: log_scale must be a scalar, got {}",
                            shape_string(log_scale.sizes())));
  }
  namespace F = torch::nn::functional;
  const auto norm = F::NormalizeFuncOptions().dim(-1);
  const at::Tensor img = F::normalize(image_features, norm);
  const at::Tensor txt = F::normalize(text_features, norm);
  return log_scale.reshape({}).exp() * img.matmul(txt.t());
}

at::Tensor clip_loss(const at::Tensor& image_features, const at::Tensor& text_features,
                     const at::Tensor& log_scale) {
  return symmetric_cross_entropy(clip_logits(image_features, text_features, log_scale));
}

void clamp_logit_scale_(at::Tensor& log_scale) {
  torch::NoGradGuard no_grad;
  log_scale.clamp_(0.0, kMaxLogitScale);
}

}  // namespace clipbench::train
