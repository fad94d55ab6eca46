// Contrastive pre-training loop: parameter groups, schedule, data order, checkpoint state dict.
#include "train/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <random>

#include "clip/errors.h"
#include "clip/preprocess.h"
#include "train/clip_loss.h"

namespace clipbench::train {

double cosine_lr(int64_t step, int64_t steps, int64_t warmup_steps, double learning_rate) {
  if (step < warmup_steps) {
    return learning_rate * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  const double e = static_cast<double>(step - warmup_steps);
  const double es = static_cast<double>(std::max<int64_t>(steps - warmup_steps, 1));
  return 0.5 * (1.0 + std::cos(M_PI * e / es)) * learning_rate;
}

bool decay_parameter(const std::string& name, const at::Tensor& parameter) {
  if (parameter.dim() < 2) return false;  // gains, biases, logit_scale
  for (const char* key : {"token_embedding", "positional_embedding", "class_embedding"}) {
    if (name.find(key) != std::string::npos) return false;
  }
  return name != "logit_scale";
}

std::vector<std::size_t> batch_indices(std::size_t n, int64_t batch_size, uint64_t seed,
                                       int64_t step) {
  if (batch_size < 1 || static_cast<std::size_t>(batch_size) > n) {
    throw Error(fmt::format("training: batch size {} must lie in [1, {}] (the number of pairs)",
                            batch_size, n));
  }
  const std::size_t b = static_cast<std::size_t>(batch_size);
  const std::size_t per_epoch = n / b;
  const uint64_t epoch = static_cast<uint64_t>(step) / per_epoch;
  const std::size_t offset = (static_cast<std::size_t>(step) % per_epoch) * b;
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed + epoch);
  for (std::size_t i = n - 1; i > 0; --i) {  // Fisher-Yates, portable (no std::shuffle)
    std::swap(order[i], order[rng() % (i + 1)]);
  }
  return std::vector<std::size_t>(order.begin() + offset, order.begin() + offset + b);
}

namespace {

void check_options(const TrainOptions& o) {
  auto fail = [](const std::string& what) { throw Error("training options: " + what); };
  if (o.steps < 1) fail(fmt::format("steps must be >= 1, got {}", o.steps));
  if (o.warmup_steps < 0) fail(fmt::format("warmup_steps must be >= 0, got {}", o.warmup_steps));
  if (!(o.learning_rate > 0))
    fail(fmt::format("learning rate must be > 0, got {}", o.learning_rate));
  if (!(o.weight_decay >= 0))
    fail(fmt::format("weight decay must be >= 0, got {}", o.weight_decay));
}

torch::optim::AdamWOptions& group_options(torch::optim::OptimizerParamGroup& group) {
  return static_cast<torch::optim::AdamWOptions&>(group.options());
}

}  // namespace

std::vector<TrainStep> train_clip(CLIP& model, const PairsSource& source,
                                  const Tokenizer& tokenizer, const TrainOptions& options,
                                  const std::function<void(const TrainStep&)>& on_step) {
  check_options(options);
  const CLIPConfig& config = model->config();
  // Check the batch size against the source before any work.
  batch_indices(source.size(), options.batch_size, options.seed, 0);

  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& item : model->named_parameters()) {
    (decay_parameter(item.key(), item.value()) ? decay : no_decay).push_back(item.value());
  }
  auto adamw = [&](double wd) {
    return torch::optim::AdamWOptions(options.learning_rate)
        .betas({options.beta1, options.beta2})
        .eps(options.eps)
        .weight_decay(wd);
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay,
                      std::make_unique<torch::optim::AdamWOptions>(adamw(options.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(adamw(0.0)));
  torch::optim::AdamW optimizer(std::move(groups), adamw(options.weight_decay));

  model->train();
  torch::Tensor& log_scale = model->logit_scale;
  const auto start = std::chrono::steady_clock::now();
  std::vector<TrainStep> log;
  log.reserve(static_cast<std::size_t>(options.steps));
  for (int64_t step = 0; step < options.steps; ++step) {
    const auto indices = batch_indices(source.size(), options.batch_size, options.seed, step);
    std::vector<Image> images;
    std::vector<std::string> captions;
    images.reserve(indices.size());
    captions.reserve(indices.size());
    for (std::size_t i : indices) {
      ImageCaption pair = source.get(i);
      images.push_back(std::move(pair.image));
      captions.push_back(std::move(pair.caption));
    }
    const torch::Tensor pixels = preprocess_batch(images, config.image_resolution);
    const torch::Tensor tokens =
        tokenizer.tokenize(captions, config.context_length, options.truncate_captions);

    const double lr = cosine_lr(step, options.steps, options.warmup_steps, options.learning_rate);
    for (auto& group : optimizer.param_groups()) group_options(group).lr(lr);

    optimizer.zero_grad();
    const torch::Tensor loss =
        clip_loss(model->image_features(pixels), model->text_features(tokens), log_scale);
    loss.backward();
    optimizer.step();
    clamp_logit_scale_(log_scale);

    TrainStep entry;
    entry.step = step + 1;
    entry.loss = loss.item<double>();
    entry.lr = lr;
    entry.scale = std::exp(log_scale.item<double>());
    entry.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!std::isfinite(entry.loss)) {
      throw Error(fmt::format("training diverged: loss is {} at step {} (lr {})", entry.loss,
                              entry.step, lr));
    }
    log.push_back(entry);
    if (on_step) on_step(entry);
  }
  model->eval();
  return log;
}

StateDict checkpoint_state_dict(CLIP& model) {
  torch::NoGradGuard no_grad;
  StateDict out;
  for (const auto& item : model->named_parameters()) {
    out[item.key()] = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous().clone();
  }
  for (const auto& item : model->named_buffers()) {
    out[item.key()] = item.value().detach().to(torch::kCPU).contiguous().clone();
  }
  return out;
}

}  // namespace clipbench::train
