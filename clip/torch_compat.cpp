// Version-guarded LibTorch calls (1.13 on Debian, 2.x from pip).
#include "clip/torch_compat.h"

#include <dlfcn.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>
#include <limits>

namespace clipbench {

std::string torch_version() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
#endif
}

bool cuda_available() { return torch::cuda::is_available(); }

bool cuda_built() {
  // at::hasCUDA() cannot tell: it is false on a CUDA LibTorch without a visible device. A CUDA
  // LibTorch links libtorch_cuda, which is then loaded with the process.
  return dlopen("libtorch_cuda.so", RTLD_LAZY | RTLD_NOLOAD) != nullptr;
}

std::string cuda_unavailable_reason() {
  if (cuda_available()) return "";
  if (cuda_built())
    return "this build has CUDA (LibTorch " + torch_version() +
           "), but no GPU is visible to this process (driver, CUDA_VISIBLE_DEVICES)";
  return "LibTorch " + torch_version() +
         " of this build has no CUDA (build against a CUDA LibTorch: scripts/setup-torch2, "
         "scripts/test-torch2)";
}

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k,
                                        const at::Tensor& v, bool causal) {
  TORCH_CHECK(!causal || q.size(-2) == k.size(-2),
              "causal attention needs as many queries as keys");
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, causal);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = at::matmul(q * scale, k.transpose(-2, -1));
  if (causal) {
    const int64_t n = q.size(-2);
    const at::Tensor mask =
        at::full({n, n}, -std::numeric_limits<float>::infinity(), scores.options()).triu_(1);
    scores.add_(mask);
  }
  // Softmax in fp32 for fp16 / bf16 inputs (as the fused kernels of torch 2.x do).
  if (scores.scalar_type() == at::kFloat) return at::matmul(at::softmax(scores, -1), v);
  return at::matmul(at::softmax(scores, -1, at::kFloat).to(v.scalar_type()), v);
#endif
}

}  // namespace clipbench
