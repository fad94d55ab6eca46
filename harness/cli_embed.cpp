// `clipbench embed`: un-normalized image and text features and logit_scale of a checkpoint, as
// JSON.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clip/checkpoint.h"
#include "clip/clip_model.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/preprocess.h"
#include "clip/safetensors.h"
#include "clip/tokenizer.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"

namespace clipbench::cli {
namespace {

struct EmbedOptions {
  std::string checkpoint;
  std::vector<std::string> images;  // image files, preprocessed at the checkpoint's resolution
  std::vector<std::string> image_tensors;  // FILE.safetensors:KEY
  std::vector<std::string> texts;
  std::string vocab;
  bool truncate = false;
  std::string out;
};

// "FILE.safetensors:KEY" -> the float [B, 3, R, R] batch stored under KEY.
torch::Tensor read_image_tensor(const std::string& spec, int64_t resolution) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw Error(fmt::format("--image-tensor '{}': expected FILE.safetensors:KEY", spec));
  const std::string file = spec.substr(0, colon), key = spec.substr(colon + 1);
  auto tensors = read_safetensors(file).tensors;
  auto it = tensors.find(key);
  if (it == tensors.end()) {
    std::string keys;
    for (const auto& kv : tensors) keys += (keys.empty() ? "" : ", ") + kv.first;
    throw Error(fmt::format("--image-tensor: {} has no tensor '{}' (it has: {})", file, key, keys));
  }
  if (!it->second.is_floating_point())
    throw Error(
        fmt::format("--image-tensor {}: tensor '{}' has dtype {}, expected a floating-point batch",
                    file, key, c10::toString(it->second.scalar_type())));
  torch::Tensor t = it->second.to(torch::kFloat);
  if (!torch::isfinite(t).all().item<bool>())
    throw Error(
        fmt::format("--image-tensor {}: tensor '{}' holds NaN or infinite values", file, key));
  if (t.dim() == 3) t = t.unsqueeze(0);
  if (t.dim() != 4 || t.size(1) != 3 || t.size(2) != resolution || t.size(3) != resolution)
    throw ShapeMismatchError(
        fmt::format("--image-tensor {}: tensor '{}' has shape {}, expected [B, 3, {}, {}]", file,
                    key, shape_string(t.sizes()), resolution, resolution));
  return t;
}

void run_embed(const EmbedOptions& o) {
  if (o.images.empty() && o.image_tensors.empty() && o.texts.empty())
    throw Error("embed: give at least one --image, --image-tensor or --text");
  const Checkpoint ck = read_checkpoint(o.checkpoint);
  CLIP model = build_model(ck.state_dict, ck.path);
  torch::NoGradGuard no_grad;
  nlohmann::json j;
  j["checkpoint"] = ck.path;
  j["format"] = ck.format;
  j["logit_scale"] = model->logit_scale.item<double>();
  torch::Tensor image_features, text_features;
  std::vector<std::string> row_names;  // one per image row, for the summary
  if (!o.images.empty() || !o.image_tensors.empty()) {
    std::vector<torch::Tensor> batches;
    // Image files first (in the order given), then the tensors.
    if (!o.images.empty()) {
      batches.push_back(load_and_preprocess_batch(o.images, model->config().image_resolution));
      j["images"] = o.images;
      row_names = o.images;
    }
    for (const auto& spec : o.image_tensors) {
      batches.push_back(read_image_tensor(spec, model->config().image_resolution));
      for (int64_t k = 0; k < batches.back().size(0); ++k)
        row_names.push_back(fmt::format("{}[{}]", spec, k));
    }
    image_features = model->encode_image(torch::cat(batches, 0));
    j["image_features"] = tensor_to_json(image_features);
  }
  if (!o.texts.empty()) {
    const std::string vocab = find_vocabulary(o.vocab, ck.path);
    spdlog::info("vocabulary: {}", vocab);
    const Tokenizer tokenizer = Tokenizer::from_file(vocab);
    const auto tokens = tokenizer.tokenize(o.texts, model->config().context_length, o.truncate);
    text_features = model->encode_text(tokens);
    j["texts"] = o.texts;
    j["text_features"] = tensor_to_json(text_features);
  }
  if (image_features.defined() && text_features.defined()) {
    const auto img = image_features / image_features.norm(2, -1, true);
    const auto txt = text_features / text_features.norm(2, -1, true);
    const auto logits = model->logit_scale.exp() * img.matmul(txt.t());
    j["logits_per_image"] = tensor_to_json(logits);
    // A readable summary on stderr: each image's softmax over the texts (zero-shot probabilities).
    const auto probs = logits.softmax(-1);
    for (int64_t i = 0; i < probs.size(0); ++i) {
      std::string line;
      for (int64_t t = 0; t < probs.size(1); ++t)
        line +=
            fmt::format("{}\"{}\" {:.3f}", t ? ", " : "", o.texts[t], probs[i][t].item<double>());
      spdlog::info("image {}: {}", row_names[i], line);
    }
  }
  write_output(o.out, j.dump());
}

}  // namespace

void add_embed_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "embed",
      "Encode images (files or preprocessed tensors) and texts with a checkpoint; print "
      "un-normalized image_features, text_features, "
      "logit_scale (the stored log value) and, with both, logits_per_image, as JSON");
  auto o = std::make_shared<EmbedOptions>();
  cmd->add_option("--checkpoint", o->checkpoint,
                  "OpenAI .pt, torch.save .pt/.bin, .safetensors, or a Hugging Face model folder")
      ->required();
  cmd->add_option(
         "--image", o->images,
         "An image file (JPEG, PNG; more formats with OpenCV), preprocessed as CLIP's reference "
         "transform at the checkpoint's resolution; repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option(
      "--image-tensor", o->image_tensors,
      "A preprocessed float batch [B,3,R,R] (or [3,R,R]) as FILE.safetensors:KEY; repeatable");
  cmd->add_option("--text", o->texts, "A text to encode; repeatable");
  cmd->add_option(
      "--vocab", o->vocab,
      "BPE vocabulary: bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json (merges.txt "
      "beside it); default: beside the checkpoint, else $CLIPBENCH_VOCAB");
  cmd->add_flag(
      "--truncate", o->truncate,
      "Cut texts longer than the context length (the end token stays last) instead of failing");
  cmd->add_option("--out", o->out, "Write the JSON here instead of stdout");
  cmd->callback([o] { run_embed(*o); });
}

}  // namespace clipbench::cli
