// Encoder precision (fp32, fp16, bf16): casting a CLIP model's weights, LayerNorm kept in fp32.
#pragma once

#include <c10/core/ScalarType.h>

#include <string>
#include <vector>

#include "clip/clip_model.h"

namespace clipbench {

struct PrecisionInfo {
  std::string name;       // "fp32", "fp16", "bf16"
  c10::ScalarType dtype;  // kFloat, kHalf, kBFloat16
  bool cpu_supported;     // false for fp16: LibTorch's CPU matmul/conv kernels have no Half
};

// The precision called `name` ("fp32", "fp16", "bf16"). Throws RegistryError naming the known ones.
const PrecisionInfo& precision_named(const std::string& name);
std::vector<std::string> precision_names();

// Casts every parameter and buffer of `model` to precision.dtype except the LayerNorm weights and
// biases, logit_scale and logit_bias, which stay fp32 (LayerNormImpl computes in fp32 and returns
// the input's dtype, as openai/CLIP's LayerNorm subclass; attention softmax runs in fp32, see
// torch_compat.h). The encoders then take inputs in any floating dtype (cast to the model's) and
// return features in precision.dtype: callers convert features to fp32 before normalizing and
// computing logits. fp32 on a CUDA model also turns TF32 off in cuDNN and cuBLAS (a process-wide
// LibTorch setting), so that GPU fp32 features match the CPU's. Throws Error when the model lives
// on the CPU and the precision has no CPU kernels (fp16).
void set_model_precision(CLIP& model, const PrecisionInfo& precision);

}  // namespace clipbench
