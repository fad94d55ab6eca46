// Reads any supported CLIP checkpoint into a normalized state dict (OpenAI key names, fp32, CPU).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "clip/registry.h"
#include "clip/state_dict.h"

namespace clipbench {

struct Checkpoint {
  std::string path;    // the file read (inside a folder when a folder was given)
  std::string format;  // "openai-torchscript", "torch-save" or "safetensors"
  std::string layout;  // "openai" (OpenAI / open_clip names) or "huggingface" (CLIPModel names)
  std::string storage_dtype;    // stored floating dtypes, e.g. "float32" or "float16+float32"
  int64_t parameter_count = 0;  // elements of every tensor except BatchNorm running statistics
  StateDict state_dict;         // normalized: see read_checkpoint
};

// One on-disk container format.
struct CheckpointFormat {
  std::string description;
  // True when the file (its path and first 64 bytes) is in this format.
  std::function<bool(const std::string& path, const std::string& head)> sniff;
  // Every tensor as stored (keys as stored, CPU, stored dtype).
  std::function<StateDict(const std::string& path)> read;
};

// The registered container formats, in detection order.
const Registry<CheckpointFormat>& checkpoint_formats();

// Reads `path`: an OpenAI TorchScript `.pt` (torch::jit::load), a `torch.save` zip (a state dict,
// or an open_clip training checkpoint with a "state_dict" entry), a safetensors file in OpenAI /
// open_clip or Hugging Face `CLIPModel` layout (config.json beside it), or a folder holding one of
// `model.safetensors`, `open_clip_model.safetensors`, `open_clip_pytorch_model.bin`,
// `pytorch_model.bin`, `checkpoint.safetensors` (what `clipbench train` writes) (in that order); a
// folder with `open_clip_config.json` (an open_clip hub folder) is read from
// `open_clip_model.safetensors` or `open_clip_pytorch_model.bin` only, never from another library's
// weights beside them. The architecture facts the shapes cannot tell come from resolve_architecture
// (clip/architecture.h). The result's state dict is normalized for build_model: a `module.` prefix
// is removed, Hugging Face names are mapped (hf_clip_to_openai), `logit_scale` / `logit_bias` of
// shape [1] become 0-d, the `input_resolution`, `context_length` and `vocab_size` entries are
// dropped, and floating tensors (fp16 / bf16 as stored) are up-cast to fp32. Throws FileError for a
// missing or unreadable path and CheckpointError naming the file otherwise (unknown format,
// truncated or corrupt data, keys of an unknown layout).
Checkpoint read_checkpoint(const std::string& path);

}  // namespace clipbench
