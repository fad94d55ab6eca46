// Reads the parameters and buffers of a TorchScript archive (the OpenAI release `.pt` files).
#pragma once

#include <string>

#include "clip/state_dict.h"

namespace clipbench {

// Loads a TorchScript archive with torch::jit::load on the CPU and returns every parameter and
// buffer under its module path (`visual.conv1.weight`, ...), in the stored dtype (the OpenAI
// release stores conv / linear / attention / projection weights as fp16). Throws CheckpointError
// naming the file when it cannot be loaded.
StateDict read_torchscript(const std::string& path);

// True when `path` is a zip archive written by TorchScript (it holds a `constants.pkl` or `code/`
// record), as opposed to a `torch.save` archive.
bool is_torchscript_archive(const std::string& path);

}  // namespace clipbench
