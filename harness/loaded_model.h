// A checkpoint loaded for evaluation: the model on its device, its tokenizer, hash and name.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "clip/architecture.h"
#include "clip/clip_model.h"
#include "clip/model_config.h"
#include "clip/tokenizer.h"

namespace clipbench::harness {

struct LoadedModel {
  std::string checkpoint;       // the path given
  std::string checkpoint_hash;  // sha256_path of it
  std::string format;           // checkpoint format ("openai-torchscript", "safetensors", ...)
  // released name ("ViT-B/32"), open_clip's "ViT-B-32:laion2b_s34b_b79k", or a descriptive one
  // ("ViT-64/8")
  std::string name;
  bool released = false;  // name is a released model's (its config matched) or was given
  std::string device;     // "cpu" or "cuda:0 (<device name>)"
  // Of the encoders (clip/precision.h): "fp32" as loaded; set_precision changes it.
  std::string precision = "fp32";
  CLIP model{nullptr};
  // Null when the model's text tower takes another tokenizer than CLIP's BPE
  // (ResolvedArchitecture::tokenizer); tokenizer_refusal then says which and what to do.
  std::shared_ptr<const TextTokenizer> tokenizer;
  std::string tokenizer_refusal;
  // What the evaluators do to images for this model (ResolvedArchitecture::preprocess).
  ImagePreprocess preprocess;
};

// The identity of the model evaluated, for result records and caches: `file_hash` (sha256_path of
// the checkpoint) when the config follows openai/CLIP's rules (QuickGELU, width / 64 heads, 4x MLP)
// and no open_clip name was resolved (every earlier record keeps its name), else the sha256 of
// file_hash, to_json(config) and the open_clip name, so the same weights under another activation,
// head count or open_clip tag are another model and never resume or reuse the first's records
// or features. A preprocessing other than openai/CLIP's transform is part of the identity too.
std::string model_identity_hash(const std::string& file_hash,
                                const ResolvedArchitecture& architecture);

// The name results carry: `given` when set; else OpenAI's released name when the architecture is
// one (unless an open_clip name was resolved with another tag than "openai": a QuickGELU MetaCLIP
// ViT-B-32 has OpenAI's architecture but is not OpenAI's model); else open_clip's "NAME[:TAG]";
// else describe_config. `released`, when given, says whether the name is a released model's or
// was given (the paper comparison uses it).
std::string model_name(const ResolvedArchitecture& architecture, const std::string& given,
                       bool* released = nullptr);

// "cpu", "cuda" (= "cuda:0") or "cuda:N" as a device. Throws Error naming the value: an unknown
// name, N not below the number of visible GPUs, or CUDA not available (cuda_unavailable_reason).
at::Device parse_device(const std::string& device);

// The tokenizer of `vocab_path` (a find_vocabulary result) for a model with `rows` token embedding
// rows. Throws Error when the vocabulary's size differs (a truncated or another model's vocabulary
// would tokenize without error and silently change every text embedding), saying how to pass the
// right one; TokenizerError when it cannot be read.
Tokenizer load_tokenizer(const std::string& vocab_path, const std::string& checkpoint,
                         int64_t rows);

// The text tokenizer `architecture` calls for, with what the log says it was read from:
//   - CLIP's BPE (architecture.tokenizer empty): load_tokenizer(find_vocabulary(vocab, ...));
//   - an open_clip config's HF tokenizer (architecture.hf_tokenizer): a SentencePiece model with
//     its tokenizer_config.json (clip/sentencepiece_tokenizer.h, open_clip's HFTokenizer) from the
//     folder `vocab` when it is a directory holding a SentencePiece model, else the checkpoint's
//     folder (an open_clip hub folder holds the files), with the config's `clean`.
// For the second, returns null and sets *refusal (which tokenizer, what is missing or wrong, and
// how to supply it) when the files are not there, cannot be read, are not a T5 / Gemma
// tokenizer, disagree with the `rows` token embedding rows, or the config asks for tokenizer
// options clipbench does not reproduce; CLIP BPE errors are thrown as load_tokenizer's.
std::shared_ptr<const TextTokenizer> load_text_tokenizer(const ResolvedArchitecture& architecture,
                                                         const std::string& vocab,
                                                         const std::string& checkpoint,
                                                         int64_t rows, std::string* refusal,
                                                         std::string* source);

// Reads the checkpoint (any supported format), resolves its architecture (clip/architecture.h:
// configs beside the weights; a bare state dict of an architecture that is not OpenAI's is refused
// with CheckpointError; the resolution's note, if any, is logged), builds the model strictly, moves
// it to `device`
// ("cpu", "cuda" = "cuda:0", or "cuda:N"; Error when CUDA is not available in this build /
// machine or N is not a visible GPU), finds the
// vocabulary (find_vocabulary: `vocab`, beside the checkpoint, $CLIPBENCH_VOCAB; Error when its
// size differs from the checkpoint's token embedding rows) and hashes the checkpoint. `name`
// overrides the recognised name (for the paper comparison, e.g. a fine-tuned copy of ViT-B/32 that
// should still be compared to ViT-B/32).
// `request` is `--model NAME [--pretrained TAG]` (clip/architecture.h); the model is then named
// open_clip's "NAME:TAG" (or "NAME"), unless TAG is "openai" and the architecture is a released
// one, which keeps the released name for the paper comparison.
LoadedModel load_model(const std::string& checkpoint, const std::string& vocab,
                       const std::string& device = "cpu", const std::string& name = "",
                       const ArchitectureRequest& request = {});

// Casts the model's encoders to the precision called `name` ("fp32", "bf16", "fp16";
// set_model_precision: LayerNorm and logit_scale stay fp32) and records it in m.precision.
// Throws RegistryError (near matches) for an unknown name, Error naming it for fp16 on the CPU.
void set_precision(LoadedModel& m, const std::string& name);

}  // namespace clipbench::harness
