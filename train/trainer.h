// Contrastive pre-training of a CLIP model (Radford et al. 2021, section 2.5 / Figure 3): AdamW
// with decoupled weight decay, a cosine learning-rate schedule with linear warm-up, and the
// symmetric cross-entropy loss with a learned, clamped temperature.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "clip/clip_model.h"
#include "clip/state_dict.h"
#include "clip/tokenizer.h"
#include "train/pairs_source.h"

namespace clipbench::train {

struct TrainOptions {
  int64_t steps = 1000;         // optimizer steps (one batch each)
  int64_t batch_size = 256;     // pairs per batch (the N of the N x N logits); <= source size
  double learning_rate = 5e-4;  // peak learning rate (after warm-up)
  int64_t warmup_steps = 100;   // linear warm-up from lr / warmup_steps to lr
  double weight_decay = 0.2;    // decoupled (AdamW), only on weight matrices (see decay_parameter)
  double beta1 = 0.9, beta2 = 0.98, eps = 1e-6;  // the paper's Adam settings for ViTs
  uint64_t seed = 0;              // data order (and the caller's torch::manual_seed for the init)
  bool truncate_captions = true;  // captions longer than the context: cut, end with eot
};

// One logged optimizer step.
struct TrainStep {
  int64_t step = 0;    // 1-based
  double loss = 0;     // the batch's loss before the update
  double lr = 0;       // learning rate used for the update
  double scale = 0;    // exp(logit_scale) after the update and clamp
  double seconds = 0;  // wall time since training started
};

// The learning rate of 0-based `step`: lr * (step + 1) / warmup for step < warmup, then
// lr * (1 + cos(pi * (step - warmup) / (steps - warmup))) / 2 (open_clip's cosine_lr).
double cosine_lr(int64_t step, int64_t steps, int64_t warmup_steps, double learning_rate);

// True for parameters that get weight decay: rank >= 2 and not an embedding
// (token_embedding.weight, positional_embedding, class_embedding) or logit_scale. Gains and biases
// (rank 1) and logit_scale (rank 0) never decay.
bool decay_parameter(const std::string& name, const at::Tensor& parameter);

// The batch order: epoch e visits 0..n-1 in a permutation drawn from mt19937_64(seed + e)
// (Fisher-Yates), batches of batch_size consecutive indices; a last partial batch of an epoch is
// skipped. Returns the indices of 0-based step `step`. Throws Error when batch_size > n or < 1.
std::vector<std::size_t> batch_indices(std::size_t n, int64_t batch_size, uint64_t seed,
                                       int64_t step);

// Trains `model` (fp32, CPU) in place for options.steps steps on `source`: images preprocessed by
// preprocess_batch at the model's resolution (exactly what the evaluator feeds), captions
// tokenized at its context length. Calls on_step after every step. Reproducible: same model init,
// source, options and thread count -> the same weights. Throws Error for invalid options, and what
// the source or the tokenizer throw.
std::vector<TrainStep> train_clip(CLIP& model, const PairsSource& source,
                                  const Tokenizer& tokenizer, const TrainOptions& options,
                                  const std::function<void(const TrainStep&)>& on_step = {});

// The model's parameters and buffers under the open_clip / OpenAI keys (`visual.conv1.weight`,
// `transformer.resblocks.0.attn.in_proj_weight`, `logit_scale`, ...), contiguous fp32 CPU copies:
// what write_safetensors stores and build_model loads back.
StateDict checkpoint_state_dict(CLIP& model);

}  // namespace clipbench::train
