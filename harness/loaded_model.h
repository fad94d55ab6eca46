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
  std::string name;             // released name ("ViT-B/32") or a descriptive one ("ViT-64/8")
  bool released = false;        // name is a released model's (its config matched)
  std::string device;           // "cpu" or "cuda:0 (<device name>)"
  // Of the encoders (clip/precision.h): "fp32" as loaded; set_precision changes it.
  std::string precision = "fp32";
  CLIP model{nullptr};
  std::shared_ptr<const Tokenizer> tokenizer;
};

// released_model_name and describe_config: clip/architecture.h.

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
LoadedModel load_model(const std::string& checkpoint, const std::string& vocab,
                       const std::string& device = "cpu", const std::string& name = "");

// Casts the model's encoders to the precision called `name` ("fp32", "bf16", "fp16";
// set_model_precision: LayerNorm and logit_scale stay fp32) and records it in m.precision.
// Throws RegistryError (near matches) for an unknown name, Error naming it for fp16 on the CPU.
void set_precision(LoadedModel& m, const std::string& name);

}  // namespace clipbench::harness
