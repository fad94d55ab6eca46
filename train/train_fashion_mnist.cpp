// Tuning experiment for the training demo: trains a small CLIP on captioned Fashion-MNIST train
// images and evaluates it zero-shot (raw class names and the prompts/fashion_mnist.json ensemble)
// on the test split; prints one JSON line with the settings, accuracies and wall / CPU times.
#include <fmt/format.h>
#include <sys/resource.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "clip/clip_model.h"
#include "clip/errors.h"
#include "clip/preprocess.h"
#include "clip/tokenizer.h"
#include "train/demo_data.h"
#include "train/train_configs.h"
#include "train/trainer.h"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// PRIVATE zero-shot classifier (DESIGN.md): per class, encode each filled template, L2-normalize,
// mean, L2-normalize. Returns [embed_dim, C].
torch::Tensor zero_shot_weights(clipbench::CLIP& model, const clipbench::Tokenizer& tok,
                                const std::vector<std::string>& names,
                                const std::vector<std::string>& templates) {
  std::vector<torch::Tensor> cols;
  for (const auto& name : names) {
    std::vector<std::string> texts;
    for (const auto& t : templates) {
      const auto at = t.find("{}");
      texts.push_back(t.substr(0, at) + name + t.substr(at + 2));
    }
    auto f = model->encode_text(tok.tokenize(texts, model->config().context_length));
    f = f / f.norm(2, -1, true);
    auto m = f.mean(0);
    cols.push_back(m / m.norm());
  }
  return torch::stack(cols, 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace clipbench;
  CLI::App app{"train a small CLIP on Fashion-MNIST and evaluate it zero-shot"};
  CLIPConfig c;
  c.embed_dim = 64;
  c.image_resolution = 28;
  c.vision_layers = {2};
  c.vision_width = 64;
  c.vision_patch_size = 7;
  c.context_length = 20;
  c.vocab_size = 49408;
  c.transformer_width = 64;
  c.transformer_layers = 2;
  int64_t vision_layers = 2, train_limit = 0, test_limit = 0, threads = 2;
  train::TrainOptions o;
  o.steps = 300;
  o.batch_size = 256;
  o.learning_rate = 1e-3;
  o.warmup_steps = 30;
  o.weight_decay = 0.1;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string vocab = "/work/shared/reference/openai-clip/bpe_simple_vocab_16e6.txt.gz";
  app.add_option("--embed-dim", c.embed_dim);
  app.add_option("--resolution", c.image_resolution);
  app.add_option("--vision-layers", vision_layers);
  app.add_option("--vision-width", c.vision_width);
  app.add_option("--patch", c.vision_patch_size);
  app.add_option("--context", c.context_length);
  app.add_option("--text-width", c.transformer_width);
  app.add_option("--text-layers", c.transformer_layers);
  app.add_option("--steps", o.steps);
  app.add_option("--batch-size", o.batch_size);
  app.add_option("--lr", o.learning_rate);
  app.add_option("--warmup", o.warmup_steps);
  app.add_option("--wd", o.weight_decay);
  app.add_option("--seed", o.seed);
  app.add_option("--threads", threads);
  app.add_option("--train-limit", train_limit);
  app.add_option("--test-limit", test_limit);
  app.add_option("--data", data);
  app.add_option("--vocab", vocab);
  std::string prompts_path = "prompts/fashion_mnist.json";
  app.add_option("--prompts", prompts_path);
  CLI11_PARSE(app, argc, argv);
  c.vision_layers = {vision_layers};
  c.transformer_heads = c.transformer_width / 64;

  at::set_num_threads(static_cast<int>(threads));
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  const Tokenizer tok = Tokenizer::from_file(vocab);
  // PRIVATE: prompts/fashion_mnist.json read directly (the datasets library's prompt_set is on
  // another branch).
  std::ifstream prompts_in(prompts_path);
  if (!prompts_in) throw Error("cannot open " + prompts_path);
  const auto prompts = nlohmann::json::parse(prompts_in);
  std::vector<std::string> names;
  for (const auto& cls : prompts.at("classes")) names.push_back(cls.at(0).get<std::string>());
  const auto eval_templates = prompts.at("templates").get<std::vector<std::string>>();
  const auto& caption_templates = train::demo_caption_templates();
  const auto train_set = train::read_idx_split(data, "train", train_limit);
  const auto pairs = train::caption_images(train_set, names, caption_templates, o.seed);
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  torch::manual_seed(o.seed);
  CLIP model(c);
  const double c1 = cpu_seconds();
  const auto log = train::train_clip(model, pairs, tok, o, [&](const train::TrainStep& s) {
    if (s.step % 50 == 0 || s.step == 1)
      std::cerr << fmt::format("step {} loss {:.4f} lr {:.2e} scale {:.2f} {:.1f}s\n", s.step,
                               s.loss, s.lr, s.scale, s.seconds);
  });
  const double train_cpu = cpu_seconds() - c1;
  const double train_s = log.back().seconds;

  const auto t2 = std::chrono::steady_clock::now();
  const auto test = train::read_idx_split(data, "t10k", test_limit);
  torch::NoGradGuard no_grad;
  model->eval();
  const auto w_ens = zero_shot_weights(model, tok, names, eval_templates);
  const auto w_raw = zero_shot_weights(model, tok, names, {"{}"});
  int64_t correct_ens = 0, correct_raw = 0;
  const auto labels = torch::tensor(test.labels);
  for (std::size_t s = 0; s < test.images.size(); s += 1000) {
    const std::size_t e = std::min(test.images.size(), s + 1000);
    std::vector<Image> batch(test.images.begin() + s, test.images.begin() + e);
    auto feats = model->encode_image(preprocess_batch(batch, c.image_resolution));
    feats = feats / feats.norm(2, -1, true);
    const auto y = labels.slice(0, s, e);
    correct_ens += feats.matmul(w_ens).argmax(1).eq(y).sum().item<int64_t>();
    correct_raw += feats.matmul(w_raw).argmax(1).eq(y).sum().item<int64_t>();
  }
  const double eval_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
  nlohmann::json j;
  j["config"] = to_json(c);
  j["steps"] = o.steps;
  j["batch_size"] = o.batch_size;
  j["lr"] = o.learning_rate;
  j["warmup"] = o.warmup_steps;
  j["wd"] = o.weight_decay;
  j["seed"] = o.seed;
  j["threads"] = threads;
  j["final_loss"] = log.back().loss;
  j["final_scale"] = log.back().scale;
  j["acc_ensemble"] = static_cast<double>(correct_ens) / test.images.size();
  j["acc_raw"] = static_cast<double>(correct_raw) / test.images.size();
  j["load_s"] = load_s;
  j["train_wall_s"] = train_s;
  j["train_cpu_s"] = train_cpu;
  j["eval_s"] = eval_s;
  j["total_cpu_s"] = cpu_seconds() - c0;
  std::cout << j.dump() << std::endl;
  return 0;
}
