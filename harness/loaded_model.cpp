// Loading a checkpoint for evaluation: model, device, tokenizer, hash and name.
#include "harness/loaded_model.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "clip/checkpoint.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/precision.h"
#include "harness/sha256.h"

namespace clipbench::harness {

std::string model_identity_hash(const std::string& file_hash,
                                const ResolvedArchitecture& architecture) {
  const CLIPConfig& config = architecture.config;
  CLIPConfig openai = config;
  openai.vision_act = openai.text_act = Activation::kQuickGelu;
  openai.vision_head_width = 64;
  openai.transformer_heads = openai.transformer_width / 64;
  openai.vision_mlp_width = openai.is_vit() ? 4 * openai.vision_width : 0;
  openai.transformer_mlp_width = 4 * openai.transformer_width;
  if (openai == config && architecture.open_clip_name.empty()) return file_hash;
  return sha256_string(file_hash + "\n" + to_json(config).dump() + "\n" +
                       architecture.open_clip_name);
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
  if (device == "cpu") {
    m.device = "cpu";
  } else if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw Error(
          "--device cuda: CUDA is not available (this LibTorch build or machine has no "
          "usable GPU); use --device cpu");
    const std::string index_text = device == "cuda" ? "0" : device.substr(5);
    const bool digits = !index_text.empty() && index_text.size() < 4 &&
                        index_text.find_first_not_of("0123456789") == std::string::npos;
    const int index = digits ? std::stoi(index_text) : -1;
    if (index < 0 || index >= static_cast<int>(torch::cuda::device_count()))
      throw Error(
          fmt::format("device '{}': expected cuda or cuda:N with N below the {} visible "
                      "GPU(s)",
                      device, torch::cuda::device_count()));
    m.model->to(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)));
    m.device = fmt::format("cuda:{}", index);
  } else {
    throw Error(fmt::format("unknown device '{}': expected cpu, cuda or cuda:N", device));
  }
  const std::string vocab_path = find_vocabulary(vocab, ck.path);
  m.tokenizer = std::make_shared<const Tokenizer>(Tokenizer::from_file(vocab_path));
  // A vocabulary of another size (a truncated or foreign BPE file) would tokenize without error
  // and silently change every text embedding.
  const int64_t rows = m.model->config().vocab_size;
  if (m.tokenizer->vocab_size() != rows)
    throw Error(fmt::format(
        "vocabulary {} has {} tokens, but the checkpoint {} has {} token embedding rows: the "
        "vocabulary does not belong to this model (truncated, or another tokenizer's?)",
        vocab_path, m.tokenizer->vocab_size(), checkpoint, rows));
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
