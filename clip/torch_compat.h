// The one place where calls that differ between LibTorch 1.13 (Debian) and torch 2.x (pip, CUDA)
// are guarded.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace clipbench {

// "1.13.1" / "2.5.0": the LibTorch version this binary was compiled against.
std::string torch_version();

// True when this LibTorch can run CUDA kernels and a device is visible.
bool cuda_available();
// True when this binary runs a CUDA LibTorch (libtorch_cuda is loaded), with or without a device.
bool cuda_built();
// Why cuda_available() is false, as the end of a sentence: "LibTorch 1.13.1 of this build has no
// CUDA (build against a CUDA LibTorch: scripts/setup-torch2, scripts/test-torch2)" or "this build
// has CUDA (LibTorch 2.15.0), but no GPU is visible to this process (driver,
// CUDA_VISIBLE_DEVICES)";
// "" when it is true.
std::string cuda_unavailable_reason();

// softmax(q k^T / sqrt(D) [+ causal mask]) v for q [N, H, Lq, D], k and v [N, H, Lk, D] (same dtype
// and device); returns [N, H, Lq, D]. `causal` masks key j > query i (square attention, Lq == Lk),
// as openai/CLIP's text mask (-inf above the diagonal). torch 2.x:
// at::scaled_dot_product_attention; LibTorch 1.13: explicit matmul + softmax (q scaled before the
// product, as torch 1.x's multi_head_attention_forward does; the softmax in fp32 for fp16 / bf16
// inputs, the fused torch 2.x kernels accumulate it in fp32 too).
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k,
                                        const at::Tensor& v, bool causal);

}  // namespace clipbench
