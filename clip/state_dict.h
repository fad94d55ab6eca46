// The state dict type shared by checkpoint readers and models: tensor name -> tensor, in key order.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace clipbench {

// Keys use the OpenAI / open_clip names (`visual.transformer.resblocks.0.attn.in_proj_weight`).
using StateDict = std::map<std::string, at::Tensor>;

// "[768, 3, 32, 32]" (or "[]" for a 0-d tensor).
std::string shape_string(at::IntArrayRef shape);

}  // namespace clipbench
