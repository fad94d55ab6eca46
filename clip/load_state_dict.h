// Strict, name-table loading of a state dict into a module, and building a CLIP model from a
// checkpoint.
#pragma once

#include <torch/torch.h>

#include <string>

#include "clip/architecture.h"
#include "clip/checkpoint.h"
#include "clip/clip_model.h"
#include "clip/state_dict.h"

namespace clipbench {

// Copies every tensor of `state_dict` into the module's parameter or buffer of the same dotted name
// (named_parameters / named_buffers, recursive), converting to that parameter's dtype and device
// (fp16 and bf16 checkpoints are up-cast into an fp32 module). Nothing is copied unless the key
// sets and shapes match exactly: otherwise one error lists EVERY missing key (with the model's
// shape), unexpected key (with the checkpoint's shape) and mis-shaped key (with both shapes), and
// names `source`. Throws ShapeMismatchError when some key is mis-shaped, else CheckpointError.
void load_state_dict_strict(torch::nn::Module& module, const StateDict& state_dict,
                            const std::string& source);

// The reference `build_model`: infer_config(state_dict), construct CLIP on the CPU in fp32,
// strict-load, eval(). `state_dict` is a normalized one (OpenAI key names, no `module.` prefix, 0-d
// `logit_scale`, no `input_resolution` / `context_length` / `vocab_size` entries); `source` (a
// path, usually) names it in errors. Throws CheckpointError / ShapeMismatchError (from infer_config
// or the load), each naming `source`.
// For in-memory state dicts whose origin the caller knows to be openai/CLIP's; a checkpoint file
// goes through build_model(const Checkpoint&) instead.
CLIP build_model(const StateDict& state_dict, const std::string& source);

// A checkpoint file's model: resolve_architecture(ck, request) (--model, configs beside the
// weights; refuses what it cannot read), construct on the CPU in fp32, strict-load, eval().
// `architecture`, when given, receives the resolution (facts and their sources). Throws as
// resolve_architecture and load_state_dict_strict do.
CLIP build_model(const Checkpoint& ck, ResolvedArchitecture* architecture = nullptr,
                 const ArchitectureRequest& request = {});

}  // namespace clipbench
