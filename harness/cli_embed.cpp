// `clipbench embed`: un-normalized image and text features and logit_scale of a checkpoint, as
// JSON; or the image features of a whole dataset split (safetensors) with its images/s.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "clip/bpe_vocabulary.h"
#include "clip/checkpoint.h"
#include "clip/clip_model.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/precision.h"
#include "clip/preprocess.h"
#include "clip/safetensors.h"
#include "clip/tokenizer.h"
#include "clip/torch_compat.h"
#include "datasets/format_registry.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "harness/encode_split.h"
#include "harness/loaded_model.h"

namespace clipbench::cli {
namespace {

struct EmbedOptions {
  std::string checkpoint;
  ArchitectureRequest architecture;
  std::vector<std::string> images;  // image files, preprocessed at the checkpoint's resolution
  std::vector<std::string> image_tensors;  // FILE.safetensors:KEY
  std::vector<std::string> texts;
  std::vector<std::string> text_ids;  // FILE.safetensors:KEY, int64 [N, context_length]
  std::string vocab;
  bool truncate = false;
  std::string out;
  // A whole dataset split, streamed through the prefetching batch loader.
  std::string dataset_format;  // a format name of `clipbench datasets` ("imagefolder", "filelist")
  std::string dataset_root;
  std::string split = "all";
  std::string features_out;  // FILE.safetensors: image_features, indices, labels
  harness::LoaderOptions loader;
  int intra_op_threads = 0;  // torch::set_num_threads; 0: LibTorch's default
  std::string device = "cpu";
  std::string precision = "fp32";
  bool cpu_decode = false;  // with --device cuda: the CPU loader instead of nvJPEG + GPU kernels
};

// A tensor named on the command line as "FILE.safetensors:KEY".
struct TensorSpec {
  std::string file, key;
  torch::Tensor tensor;
};

// "FILE.safetensors:KEY" (the value of `option`) -> the tensor stored under KEY.
TensorSpec read_tensor_spec(const std::string& option, const std::string& spec) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw Error(fmt::format("{} '{}': expected FILE.safetensors:KEY", option, spec));
  TensorSpec s{spec.substr(0, colon), spec.substr(colon + 1), {}};
  auto tensors = read_safetensors(s.file).tensors;
  auto it = tensors.find(s.key);
  if (it == tensors.end()) {
    std::string keys;
    for (const auto& kv : tensors) keys += (keys.empty() ? "" : ", ") + kv.first;
    throw Error(fmt::format("{}: {} has no tensor '{}' (it has: {})", option, s.file, s.key, keys));
  }
  s.tensor = it->second;
  return s;
}

// "FILE.safetensors:KEY" -> the float [B, 3, R, R] batch stored under KEY.
torch::Tensor read_image_tensor(const std::string& spec, int64_t resolution) {
  const auto [file, key, stored] = read_tensor_spec("--image-tensor", spec);
  if (!stored.is_floating_point())
    throw Error(
        fmt::format("--image-tensor {}: tensor '{}' has dtype {}, expected a floating-point batch",
                    file, key, c10::toString(stored.scalar_type())));
  torch::Tensor t = stored.to(torch::kFloat);
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

// Warns, naming the rows, when ids given with --text-ids lack the token the text tower pools at:
// argmax pooling (openai/CLIP) takes each row's largest id, which CLIP's tokenizer makes the
// end-of-text token (vocab_size - 1) of every row; eos pooling takes each row's first
// text_eos_id and position 0 in a row without one. Such rows are encoded as the reference encodes
// them (open_clip `text_global_pool`), but no tokenizer writes them.
void warn_rows_without_pooled_token(const std::string& spec, const torch::Tensor& ids,
                                    const CLIPConfig& config) {
  int64_t token = 0;
  torch::Tensor has_token;
  if (config.text_pool == TextPool::kArgmax) {
    token = config.vocab_size - 1;
    has_token = std::get<0>(ids.max(1)) == token;
  } else if (config.text_pool == TextPool::kEos) {
    token = config.text_eos_id;
    has_token = (ids == token).any(1);
  } else {
    return;  // last / first: a position, whatever the ids
  }
  const torch::Tensor missing = torch::nonzero(has_token.logical_not()).flatten();
  if (missing.numel() == 0) return;
  std::vector<int64_t> rows;
  for (int64_t k = 0; k < std::min<int64_t>(missing.numel(), 8); ++k)
    rows.push_back(missing[k].item<int64_t>());
  spdlog::warn(
      "--text-ids {}: {} of {} rows hold no end-of-text token (id {}) (rows {}{}): the text tower "
      "pools {} ({} pooling), as open_clip computes it, but a tokenizer ends every row with that "
      "token; check the ids",
      spec, missing.numel(), ids.size(0), token, fmt::join(rows, ", "),
      missing.numel() > 8 ? ", ..." : "",
      config.text_pool == TextPool::kArgmax ? "at each row's largest id"
                                            : "at position 0 in those rows",
      text_pool_name(config.text_pool));
}

// "FILE.safetensors:KEY" -> token ids int64 [N, context_length] (or [context_length]), each in
// [0, vocab_size): what a tokenizer would give, for models whose tokenizer files are not at hand.
// Rows without the token the model pools at are warned about (warn_rows_without_pooled_token).
torch::Tensor read_text_ids(const std::string& spec, const CLIPConfig& config) {
  const int64_t context_length = config.context_length, vocab_size = config.vocab_size;
  auto [file, key, t] = read_tensor_spec("--text-ids", spec);
  if (t.scalar_type() != torch::kLong && t.scalar_type() != torch::kInt)
    throw Error(fmt::format("--text-ids {}: tensor '{}' has dtype {}, expected int64 token ids",
                            file, key, c10::toString(t.scalar_type())));
  t = t.to(torch::kLong);
  if (t.dim() == 1) t = t.unsqueeze(0);
  if (t.dim() != 2 || t.size(0) == 0 || t.size(1) != context_length)
    throw ShapeMismatchError(
        fmt::format("--text-ids {}: tensor '{}' has shape {}, expected [N, {}] (N >= 1; the "
                    "model's context length)",
                    file, key, shape_string(t.sizes()), context_length));
  const int64_t lo = t.min().item<int64_t>(), hi = t.max().item<int64_t>();
  if (lo < 0 || hi >= vocab_size)
    throw Error(
        fmt::format("--text-ids {}: tensor '{}' holds ids from {} to {}, expected 0 to {} "
                    "(the model's token embedding rows)",
                    file, key, lo, hi, vocab_size - 1));
  warn_rows_without_pooled_token(spec, t, config);
  return t;
}

// The factor of embed's logits: exp(logit_scale). openai/CLIP and open_clip clamp logit_scale to
// [0, log 100] while training, so a CLIP checkpoint (no logit_bias) storing more holds something
// else, most often the scale itself instead of its log (openai/CLIP #46): it is clamped at 100,
// as training would have, with a warning naming the stored value (exp(100.0) would overflow the
// logits to inf and the probabilities to NaN). SigLIP models (logit_bias) are trained without that
// clamp (big_vision), so their exp(logit_scale) is used as stored, with a warning above 1000.
// Throws Error for a non-finite stored value.
double logits_scale(CLIP& model, const std::string& checkpoint) {
  const double stored = model->logit_scale.item<double>();
  if (!std::isfinite(stored))
    throw CheckpointError(
        fmt::format("{}: logit_scale is {}, expected a finite log scale", checkpoint, stored));
  const double clamp = std::log(100.0);
  if (!model->logit_bias.defined() && stored > clamp + 1e-4) {
    spdlog::warn(
        "{}: logit_scale {} is above log(100) = {:.4f}, the clamp CLIP's training keeps it under "
        "(a scale stored as the scale rather than its log?); logits use exp(log 100) = 100",
        checkpoint, stored, clamp);
    return 100.0;
  }
  const double scale = std::exp(stored);
  if (scale > 1000.0)
    spdlog::warn(
        "{}: logit_scale {} gives a logit scale of {:.4g}, far above trained models' "
        "(about 100); a scale stored as the scale rather than its log?",
        checkpoint, stored, scale);
  return scale;
}

// --dataset-format: encodes the split, writes the features file, and returns the summary JSON.
nlohmann::json embed_split(CLIP& model, const ImagePreprocess& preprocess, const EmbedOptions& o) {
  datasets::OpenRequest request;
  request.dataset = o.dataset_format;
  request.root = o.dataset_root;
  request.split = o.split;
  const auto dataset = datasets::open_format(o.dataset_format, request);
  spdlog::info("{} {} of {}: {} images, batch {}, {} decode threads, {} intra-op threads",
               o.dataset_format, o.split, o.dataset_root, dataset->size(), o.loader.batch_size,
               harness::decode_thread_count(o.loader), torch::get_num_threads());
  if (preprocess.size != model->config().image_resolution)
    throw Error(fmt::format("embed: preprocessing to {0} x {0}, but the model takes {1} x {1}",
                            preprocess.size, model->config().image_resolution));
  harness::EncodeOptions eo;
  eo.loader = o.loader;
  eo.loader.preprocess = preprocess;
  eo.device = model->device();
  eo.gpu_decode = !o.cpu_decode;
  eo.progress_label = fmt::format("embed {}", o.split);
  const harness::EncodedSplit f = harness::encode_split(
      [&model](const at::Tensor& images) { return model->encode_image(images); }, *dataset, eo);
  const int64_t n = f.rows.size(0);
  spdlog::info("{} images in {:.3f} s: {:.1f} images/s", n, f.seconds, f.images_per_second);
  write_safetensors(o.features_out,
                    {{"image_features", f.rows}, {"indices", f.indices}, {"labels", f.labels}});
  nlohmann::json s;
  s["dataset_format"] = o.dataset_format;
  s["dataset_root"] = o.dataset_root;
  s["split"] = o.split;
  s["images"] = n;
  s["skipped"] = f.skipped;
  s["embed_dim"] = f.rows.size(1);
  s["features_out"] = o.features_out;
  s["seconds"] = f.seconds;
  s["images_per_second"] = f.images_per_second;
  s["batch_size"] = o.loader.batch_size;
  s["decode_threads"] = harness::decode_thread_count(o.loader);  // 0 resolved
  s["prefetch"] = o.loader.prefetch;
  s["intra_op_threads"] = torch::get_num_threads();
  s["pipeline"] = f.pipeline;
  return s;
}

void run_embed(const EmbedOptions& o) {
  const bool split = !o.dataset_format.empty();
  if (o.images.empty() && o.image_tensors.empty() && o.texts.empty() && o.text_ids.empty() &&
      !split)
    throw Error(
        "embed: give at least one --image, --image-tensor, --text, --text-ids or "
        "--dataset-format");
  if (split && (o.dataset_root.empty() || o.features_out.empty()))
    throw Error("embed --dataset-format: --dataset-root and --features-out are required");
  if (!split && !o.features_out.empty())
    throw Error("embed --features-out: only with --dataset-format (a dataset split)");
  if (split) {
    // Found before the split is encoded, not after: a folder that cannot hold the file.
    const std::filesystem::path parent = std::filesystem::path(o.features_out).parent_path();
    std::error_code ec;
    if (!parent.empty() && std::filesystem::exists(parent, ec) &&
        !std::filesystem::is_directory(parent, ec))
      throw FileError(
          fmt::format("--features-out {}: {} is not a folder", o.features_out, parent.string()));
    if (std::filesystem::is_directory(o.features_out, ec))
      throw FileError(
          fmt::format("--features-out {}: is a folder, expected a file name", o.features_out));
  }
  if (o.intra_op_threads < 0)
    throw Error(fmt::format("--intra-op-threads must be 0 or more (got {})", o.intra_op_threads));
  if (o.intra_op_threads > 0) torch::set_num_threads(o.intra_op_threads);
  const torch::Device device = harness::parse_device(o.device);
  const PrecisionInfo& precision = precision_named(o.precision);
  const Checkpoint ck = read_checkpoint(o.checkpoint);
  ResolvedArchitecture architecture;
  CLIP model = build_model(ck, &architecture, o.architecture);
  if (!architecture.note.empty()) spdlog::info("{}", architecture.note);
  model->to(device);
  set_model_precision(model, precision);
  torch::NoGradGuard no_grad;
  nlohmann::json j;
  j["checkpoint"] = ck.path;
  j["format"] = ck.format;
  j["device"] = o.device;
  j["precision"] = precision.name;
  j["logit_scale"] = model->logit_scale.item<double>();
  if (model->logit_bias.defined()) j["logit_bias"] = model->logit_bias.item<double>();
  j["preprocess"] = architecture.preprocess.describe();
  if (split) j["dataset"] = embed_split(model, architecture.preprocess, o);
  torch::Tensor image_features, text_features;
  std::vector<std::string> row_names;  // one per image row, for the summary
  if (!o.images.empty() || !o.image_tensors.empty()) {
    std::vector<torch::Tensor> batches;
    // Image files first (in the order given), then the tensors.
    if (!o.images.empty()) {
      batches.push_back(load_and_preprocess_batch(o.images, architecture.preprocess));
      j["images"] = o.images;
      row_names = o.images;
    }
    for (const auto& spec : o.image_tensors) {
      batches.push_back(read_image_tensor(spec, model->config().image_resolution));
      for (int64_t k = 0; k < batches.back().size(0); ++k)
        row_names.push_back(fmt::format("{}[{}]", spec, k));
    }
    image_features = model->encode_image(torch::cat(batches, 0)).to(torch::kCPU, torch::kFloat);
    j["image_features"] = tensor_to_json(image_features);
  }
  std::vector<std::string> text_names;  // one per text row, for the summary
  if (!o.texts.empty() || !o.text_ids.empty()) {
    std::vector<torch::Tensor> batches;
    // Texts first (in the order given), then the id tensors.
    if (!o.texts.empty()) {
      std::string refusal, source;
      const auto tokenizer = harness::load_text_tokenizer(
          architecture, o.vocab, ck.path, model->config().vocab_size, &refusal, &source);
      if (!tokenizer) throw Error(refusal);
      spdlog::info("vocabulary: {}", source);
      batches.push_back(tokenizer->tokenize(o.texts, model->config().context_length, o.truncate));
      j["texts"] = o.texts;
      for (const auto& text : o.texts) text_names.push_back(fmt::format("\"{}\"", text));
    }
    for (const auto& spec : o.text_ids) {
      batches.push_back(read_text_ids(spec, model->config()));
      for (int64_t k = 0; k < batches.back().size(0); ++k)
        text_names.push_back(fmt::format("{}[{}]", spec, k));
    }
    if (!o.text_ids.empty()) j["text_ids"] = o.text_ids;
    text_features = model->encode_text(torch::cat(batches, 0)).to(torch::kCPU, torch::kFloat);
    j["text_features"] = tensor_to_json(text_features);
  }
  if (image_features.defined() && text_features.defined()) {
    const auto img = image_features / image_features.norm(2, -1, true);
    const auto txt = text_features / text_features.norm(2, -1, true);
    // open_clip's logits: exp(logit_scale) * cos, + logit_bias for SigLIP models, in float64.
    const double scale = logits_scale(model, o.checkpoint);
    j["logits_scale"] = scale;
    auto logits = scale * img.to(torch::kDouble).matmul(txt.to(torch::kDouble).t());
    if (model->logit_bias.defined()) logits = logits + model->logit_bias.item<double>();
    j["logits_per_image"] = tensor_to_json(logits);
    // A readable summary on stderr: each image's softmax over the texts (zero-shot probabilities);
    // for a model with a logit_bias (SigLIP's pairwise sigmoid loss), each pair's sigmoid.
    const auto probs = model->logit_bias.defined() ? logits.sigmoid() : logits.softmax(-1);
    for (int64_t i = 0; i < probs.size(0); ++i) {
      std::string line;
      for (int64_t t = 0; t < probs.size(1); ++t)
        line +=
            fmt::format("{}{} {:.3f}", t ? ", " : "", text_names[t], probs[i][t].item<double>());
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
  cmd->add_option(
         "--checkpoint", o->checkpoint,
         "OpenAI .pt, torch.save .pt/.bin, .safetensors, a Hugging Face model folder or an "
         "open_clip hub folder")
      ->required();
  add_model_options(cmd, o->architecture);
  cmd->add_option(
         "--image", o->images,
         "An image file (JPEG, PNG; more formats with OpenCV), preprocessed as the model is (its "
         "open_clip preprocess_cfg or --pretrained tag, else CLIP's reference transform) at the "
         "checkpoint's resolution; repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option(
      "--image-tensor", o->image_tensors,
      "A preprocessed float batch [B,3,R,R] (or [3,R,R]) as FILE.safetensors:KEY; repeatable");
  cmd->add_option("--text", o->texts, "A text to encode; repeatable");
  cmd->add_option("--text-ids", o->text_ids,
                  "Token ids int64 [N, context_length] (or [context_length]) as "
                  "FILE.safetensors:KEY, encoded after the --text rows (for models whose tokenizer "
                  "files are not at hand); repeatable");
  cmd->add_option(
      "--vocab", o->vocab,
      "BPE vocabulary: bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json (merges.txt "
      "beside it); default: beside the checkpoint, else $CLIPBENCH_VOCAB, else the CLIP BPE "
      "vocabulary that ships with clipbench");
  cmd->add_flag(
      "--truncate", o->truncate,
      "Cut texts longer than the context length (the end token stays last) instead of failing");
  cmd->add_option("--out", o->out, "Write the JSON here instead of stdout");
  cmd->add_option("--dataset-format", o->dataset_format,
                  "Encode every image of a dataset split in this format (see `clipbench datasets`, "
                  "e.g. imagefolder, filelist); the features go to --features-out, a summary with "
                  "images/s to the JSON's \"dataset\"");
  cmd->add_option("--dataset-root", o->dataset_root,
                  "The dataset's folder (with --dataset-format)");
  cmd->add_option("--split", o->split, "The split to encode (with --dataset-format)")
      ->capture_default_str();
  cmd->add_option("--features-out", o->features_out,
                  "FILE.safetensors for --dataset-format: image_features float32 [N, D], indices "
                  "and labels int64 [N], in dataset order");
  cmd->add_option("--batch-size", o->loader.batch_size, "Images per batch (--dataset-format)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{65536}));
  cmd->add_option("--threads", o->loader.threads,
                  "Decode/preprocess threads (--dataset-format; 0: one per hardware thread)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--prefetch", o->loader.prefetch,
                  "Batches decoded ahead of the one being encoded (--dataset-format; memory: "
                  "(prefetch + 1) batches)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--limit", o->loader.limit, "Only the first N images of the split (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--skip-unreadable", o->loader.skip_unreadable,
                "Skip images that cannot be read or decoded (--dataset-format) instead of failing");
  cmd->add_option("--device", o->device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--precision", o->precision,
                  "Encoder weights and activations: fp32, fp16 (CUDA only) or bf16; LayerNorm, "
                  "softmax and the returned features / logits stay fp32")
      ->capture_default_str();
  cmd->add_flag(
      "--cpu-decode", o->cpu_decode,
      "With --device cuda: decode and preprocess on the CPU (the batch loader) instead of "
      "nvJPEG + GPU kernels");
  cmd->add_option("--intra-op-threads", o->intra_op_threads,
                  "LibTorch intra-op threads for the encoders (0: LibTorch's default)")
      ->capture_default_str();
  cmd->callback([o] { run_embed(*o); });
}

}  // namespace clipbench::cli
