// `clipbench train`: contrastive pre-training of a small CLIP on image-caption pairs; writes an
// open_clip-layout checkpoint and a JSON-lines training log.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "clip/bpe_vocabulary.h"
#include "clip/clip_model.h"
#include "clip/errors.h"
#include "clip/safetensors.h"
#include "clip/tokenizer.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "train/pairs_source.h"
#include "train/train_configs.h"
#include "train/trainer.h"

namespace clipbench::cli {
namespace {

struct TrainCliOptions {
  std::string pairs, config = "tiny", vocab, out;
  int64_t steps = 0, batch_size = 0, warmup = -1, threads = 0;
  double lr = 0, weight_decay = -1;
  uint64_t seed = 0;
};

void run_train(const TrainCliOptions& o) {
  const train::TrainConfig& tc = train::train_config(o.config);
  train::TrainOptions options = tc.options;
  if (o.steps > 0) options.steps = o.steps;
  if (o.batch_size > 0) options.batch_size = o.batch_size;
  if (o.lr > 0) options.learning_rate = o.lr;
  if (o.warmup >= 0) options.warmup_steps = o.warmup;
  if (o.weight_decay >= 0) options.weight_decay = o.weight_decay;
  options.seed = o.seed;
  if (o.threads > 0) at::set_num_threads(static_cast<int>(o.threads));

  const std::string vocab = find_vocabulary(o.vocab, "");
  const Tokenizer tokenizer = Tokenizer::from_file(vocab);
  const auto source = train::open_pairs_source(o.pairs);
  spdlog::info("pairs: {}; config {}; {} steps of {} pairs, lr {}, seed {}, {} threads",
               source->describe(), tc.name, options.steps, options.batch_size,
               options.learning_rate, options.seed, at::get_num_threads());

  std::filesystem::create_directories(o.out);
  torch::manual_seed(options.seed);
  CLIP model(tc.model);
  std::ostringstream log;
  const auto steps =
      train::train_clip(model, *source, tokenizer, options, [&](const train::TrainStep& s) {
        nlohmann::json j;
        j["step"] = s.step;
        j["loss"] = s.loss;
        j["lr"] = s.lr;
        j["scale"] = s.scale;
        j["seconds"] = s.seconds;
        log << j.dump() << '\n';
        if (s.step % 50 == 0 || s.step == options.steps)
          spdlog::info("step {} loss {:.4f} scale {:.2f}", s.step, s.loss, s.scale);
      });
  const std::string checkpoint = (std::filesystem::path(o.out) / "checkpoint.safetensors").string();
  write_safetensors(checkpoint, train::checkpoint_state_dict(model),
                    {{"format", "pt"},
                     {"clipbench_train_config", tc.name},
                     {"clipbench_train_pairs", source->describe()},
                     {"clipbench_train_steps", std::to_string(options.steps)},
                     {"clipbench_train_seed", std::to_string(options.seed)}});
  // The architecture beside the weights (clip/architecture.h reads it): a bare state dict of a
  // non-released architecture is otherwise refused.
  write_output((std::filesystem::path(o.out) / "config.json").string(),
               nlohmann::json{{"config", to_json(model->config())}}.dump(1));
  std::string text = log.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();  // write_output appends one
  write_output((std::filesystem::path(o.out) / "train_log.jsonl").string(), text);
  // The vocabulary beside the checkpoint (with merges.txt for a Hugging Face vocab.json), so
  // `embed` and the evaluators find it.
  write_vocabulary_files(vocab, o.out);
  spdlog::info("wrote {} (final loss {:.4f}, {:.1f} s)", checkpoint, steps.back().loss,
               steps.back().seconds);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a small CLIP contrastively (symmetric cross-entropy, learned temperature)");
  cmd->add_option("--pairs", o->pairs,
                  "Image-caption pairs: a CSV with `image,caption` columns, or a webdataset "
                  "shard (.tar, .tar.gz) / folder of shards (key.jpg|png|webp + key.txt)")
      ->required();
  cmd->add_option("--config", o->config, "Model size from train/data/train_configs.json")
      ->capture_default_str();
  cmd->add_option("--steps", o->steps, "Optimizer steps (default: the config's)");
  cmd->add_option("--batch-size", o->batch_size, "Pairs per batch (default: the config's)");
  cmd->add_option("--lr", o->lr, "Peak learning rate (default: the config's)");
  cmd->add_option("--warmup", o->warmup, "Linear warm-up steps (default: the config's)");
  cmd->add_option("--weight-decay", o->weight_decay, "AdamW decay (default: the config's)");
  cmd->add_option("--seed", o->seed, "Seed of the initialization and data order")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Intra-op threads (default: LibTorch's); results are reproducible for a fixed "
                  "thread count");
  cmd->add_option(
      "--vocab", o->vocab,
      "BPE vocabulary (bpe_simple_vocab_16e6.txt.gz); default $CLIPBENCH_VOCAB, else the "
      "one that ships with clipbench");
  cmd->add_option("--out", o->out,
                  "Output folder: checkpoint.safetensors, config.json, train_log.jsonl, the "
                  "vocabulary")
      ->required();
  cmd->callback([o] { run_train(*o); });
}

}  // namespace clipbench::cli
