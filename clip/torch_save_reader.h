// Reads `torch.save` zip archives (open_clip `.pt` / `.bin`, plain state dicts) into a StateDict.
#pragma once

#include <string>

#include "clip/state_dict.h"

namespace clipbench {

// Reads a `torch.save` zip archive (PyTorch >= 1.6 default format) holding either a state dict
// (str -> Tensor, as `torch.save(model.state_dict())` writes) or a training checkpoint dict whose
// "state_dict" (or "model") entry is one, as open_clip writes. Tensors come back on the CPU in
// their stored dtype, keys as stored. Non-tensor entries of a state dict (none in real CLIP
// checkpoints) are an error naming the key. Throws CheckpointError naming the file for a truncated
// / corrupt archive, a TorchScript archive (use read_torchscript), the legacy pre-1.6 pickle format
// (re-save it with torch.save), or content that is not a state dict.
StateDict read_torch_save(const std::string& path);

}  // namespace clipbench
