// CLIP's contrastive loss (Radford et al. 2021, Figure 3): symmetric cross-entropy over the
// N x N scaled cosine-similarity matrix of a batch of image-text pairs.
#pragma once

#include <ATen/core/Tensor.h>

namespace clipbench::train {

// log(1 / 0.07): the paper's initial log temperature (openai/CLIP `logit_scale` init).
inline constexpr double kInitialLogitScale = 2.659260036932778;
// log(100): the paper clips the temperature so the logit scale exp(t) stays <= 100.
inline constexpr double kMaxLogitScale = 4.605170185988092;

// The symmetric cross-entropy of a square logits matrix with the diagonal as targets:
// (CE(logits, arange(N)) over rows + CE(logits^T, arange(N)) over columns) / 2, each the mean over
// N. logits: floating [N, N], N >= 1 -> 0-d tensor (differentiable). Throws clipbench::Error for a
// non-square, empty or non-floating matrix.
at::Tensor symmetric_cross_entropy(const at::Tensor& logits);

// The logits of the paper's pseudocode: exp(log_scale) * normalize(image) @ normalize(text)^T.
// image_features, text_features: floating [N, D] (un-normalized; each row is L2-normalized here);
// log_scale: 0-d (the model's `logit_scale` parameter, the log of the scale). -> [N, N], row i =
// image i against every text. Throws clipbench::Error for mismatched shapes.
at::Tensor clip_logits(const at::Tensor& image_features, const at::Tensor& text_features,
                       const at::Tensor& log_scale);

// symmetric_cross_entropy(clip_logits(...)): the training loss, differentiable in the features and
// in log_scale.
at::Tensor clip_loss(const at::Tensor& image_features, const at::Tensor& text_features,
                     const at::Tensor& log_scale);

// In place, without autograd: clamps the log-scale parameter to [0, log(100)] as open_clip does
// after every optimizer step (so the scale stays in [1, 100]).
void clamp_logit_scale_(at::Tensor& log_scale);

}  // namespace clipbench::train
