// Loading a checkpoint for evaluation: model, device, tokenizer, hash and name.
#include "harness/loaded_model.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "clip/bpe_vocabulary.h"
#include "clip/checkpoint.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/precision.h"
#include "clip/sentencepiece_tokenizer.h"
#include "clip/torch_compat.h"
#include "harness/sha256.h"

namespace clipbench::harness {
namespace fs = std::filesystem;

std::string model_identity_hash(const std::string& file_hash,
                                const ResolvedArchitecture& architecture) {
  const CLIPConfig& config = architecture.config;
  CLIPConfig openai = config;
  openai.vision_act = openai.text_act = Activation::kQuickGelu;
  openai.vision_head_width = 64;
  openai.transformer_heads = openai.transformer_width / 64;
  openai.vision_mlp_width = openai.is_vit() ? 4 * openai.vision_width : 0;
  openai.transformer_mlp_width = 4 * openai.transformer_width;
  const bool clip_pixels = architecture.preprocess.is_clip();
  if (openai == config && architecture.open_clip_name.empty() && clip_pixels) return file_hash;
  // Another preprocessing is another model too (its key is added only then, so the hashes of
  // earlier records, all made with openai/CLIP's transform, stay as they were).
  return sha256_string(file_hash + "\n" + to_json(config).dump() + "\n" +
                       architecture.open_clip_name +
                       (clip_pixels ? "" : "\n" + architecture.preprocess.key()));
}

std::string model_name(const ResolvedArchitecture& architecture, const std::string& given,
                       bool* released) {
  auto openai = released_model_name(architecture.config);
  if (!architecture.open_clip_name.empty() && architecture.open_clip_tag != "openai")
    openai.reset();
  if (released) *released = openai.has_value() || !given.empty();
  return !given.empty()                         ? given
         : openai                               ? *openai
         : !architecture.open_clip_name.empty() ? architecture.open_clip_name
                                                : describe_config(architecture.config);
}

at::Device parse_device(const std::string& device) {
  if (device == "cpu") return at::kCPU;
  if (device != "cuda" && device.rfind("cuda:", 0) != 0)
    throw Error(fmt::format("unknown device '{}': expected cpu, cuda or cuda:N", device));
  if (!cuda_available())
    throw Error(fmt::format("--device {}: CUDA is not available: {}; use --device cpu", device,
                            cuda_unavailable_reason()));
  const std::string index_text = device == "cuda" ? "0" : device.substr(5);
  const bool digits = !index_text.empty() && index_text.size() < 4 &&
                      index_text.find_first_not_of("0123456789") == std::string::npos;
  const int index = digits ? std::stoi(index_text) : -1;
  if (index < 0 || index >= static_cast<int>(torch::cuda::device_count()))
    throw Error(
        fmt::format("device '{}': expected cuda or cuda:N with N below the {} visible GPU(s)",
                    device, torch::cuda::device_count()));
  return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
}

Tokenizer load_tokenizer(const std::string& vocab_path, const std::string& checkpoint,
                         int64_t rows) {
  Tokenizer tokenizer = Tokenizer::from_file(vocab_path);
  if (tokenizer.vocab_size() == rows) return tokenizer;
  if (vocab_path == kBuiltinVocabulary)
    throw Error(fmt::format(
        "the checkpoint {} has {} token embedding rows, but the CLIP BPE vocabulary that ships "
        "with clipbench (used when no other is found) has {} tokens: this model has another "
        "tokenizer. Pass its vocabulary with --vocab (vocab.json + merges.txt, or a .txt.gz), or "
        "put it beside the checkpoint",
        checkpoint, rows, tokenizer.vocab_size()));
  throw Error(fmt::format(
      "vocabulary {} has {} tokens, but the checkpoint {} has {} token embedding rows: the "
      "vocabulary does not belong to this model (truncated, or another tokenizer's?)",
      vocab_path, tokenizer.vocab_size(), checkpoint, rows));
}

std::shared_ptr<const TextTokenizer> load_text_tokenizer(const ResolvedArchitecture& architecture,
                                                         const std::string& vocab,
                                                         const std::string& checkpoint,
                                                         int64_t rows, std::string* refusal,
                                                         std::string* source) {
  if (architecture.tokenizer.empty()) {
    const std::string path = find_vocabulary(vocab, checkpoint);
    if (source) *source = path;
    return std::make_shared<const Tokenizer>(load_tokenizer(path, checkpoint, rows));
  }
  const ResolvedArchitecture::HfTokenizer& hf = architecture.hf_tokenizer;
  std::error_code ec;
  const fs::path weights(checkpoint);
  std::string folder =
      fs::is_directory(weights, ec) ? weights.string() : weights.parent_path().string();
  if (folder.empty()) folder = ".";
  if (!vocab.empty() && fs::is_directory(vocab, ec) &&
      !SentencePieceTokenizer::find_model_file(vocab).empty())
    folder = vocab;
  const std::string what =
      fmt::format("{}: the text tower takes the Hugging Face tokenizer {} ({}); ", checkpoint,
                  hf.name.empty() ? "(unnamed)" : "'" + hf.name + "'", architecture.tokenizer);
  const std::string then =
      "; until then its class names and prompts cannot be encoded, while its image features "
      "(linear probes, `clipbench embed --image`) and `clipbench embed --text-ids` work";
  if (source) *source = "none (" + architecture.tokenizer + ")";
  auto refuse = [&](const std::string& why) -> std::shared_ptr<const TextTokenizer> {
    *refusal = what + why + then;
    return nullptr;
  };
  if (!hf.unsupported.empty()) return refuse("clipbench does not reproduce its " + hf.unsupported);
  if (hf.strip_sep_token)
    return refuse("clipbench does not reproduce tokenizer_kwargs.strip_sep_token");
  if (SentencePieceTokenizer::find_model_file(folder).empty())
    return refuse(fmt::format(
        "no SentencePiece model (spiece.model / tokenizer.model) with its tokenizer_config.json in "
        "{}: put the tokenizer files of the Hugging Face repository {} there (an open_clip hub "
        "folder has them beside its weights), or pass their folder with --vocab DIR",
        folder, hf.name.empty() ? "the config names" : "'" + hf.name + "'"));
  try {
    auto t = std::make_shared<const SentencePieceTokenizer>(
        SentencePieceTokenizer::from_folder(folder, hf.clean));
    if (t->vocab_size() != rows)
      return refuse(fmt::format(
          "{} has {} ids but the checkpoint has {} token embedding rows: not this model's "
          "tokenizer; pass the right folder with --vocab DIR",
          t->describe(), t->vocab_size(), rows));
    if (source) *source = t->describe();
    return t;
  } catch (const Error& e) {
    return refuse(e.what());
  }
}

LoadedModel load_model(const std::string& checkpoint, const std::string& vocab,
                       const std::string& device, const std::string& name,
                       const ArchitectureRequest& request) {
  LoadedModel m;
  const Checkpoint ck = read_checkpoint(checkpoint);
  m.checkpoint = checkpoint;
  m.format = ck.format;
  ResolvedArchitecture architecture;
  m.model = build_model(ck, &architecture, request);
  if (!architecture.note.empty()) spdlog::info("{}", architecture.note);
  m.name = model_name(architecture, name, &m.released);
  m.preprocess = architecture.preprocess;
  const at::Device target = parse_device(device);
  if (target.is_cuda()) {
    m.model->to(target);
    m.device = fmt::format("cuda:{}", target.index());
  } else {
    m.device = "cpu";
  }
  std::string vocab_path;
  m.tokenizer = load_text_tokenizer(architecture, vocab, ck.path, m.model->config().vocab_size,
                                    &m.tokenizer_refusal, &vocab_path);
  if (!m.tokenizer) spdlog::warn("{}", m.tokenizer_refusal);
  m.checkpoint_hash = model_identity_hash(sha256_path(checkpoint), architecture);
  spdlog::info("model {} ({} checkpoint {}, {}), vocabulary {}", m.name, ck.format, checkpoint,
               m.checkpoint_hash.substr(0, 23), vocab_path);
  return m;
}

void set_precision(LoadedModel& m, const std::string& name) {
  const PrecisionInfo& precision = precision_named(name);
  set_model_precision(m.model, precision);
  m.precision = precision.name;
  if (precision.name != "fp32") spdlog::info("model {}: encoders in {}", m.name, precision.name);
}

}  // namespace clipbench::harness
