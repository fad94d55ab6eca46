// The encoders' fully connected layers: oneDNN's inner product for fp32 CPU inference, else
// LibTorch's linear.
#pragma once

#include <ATen/core/Tensor.h>

namespace clipbench {

// y = x W^T + b, as torch.nn.functional.linear. x: [..., in]; weight: [out, in]; bias: [out] or
// undefined; returns [..., out] in x's dtype, on x's device.
//
// On the CPU, in fp32, with a LibTorch built with oneDNN (Debian's and pip's are) and no autograd
// graph being recorded (torch::NoGradGuard / InferenceMode, inputs not requiring grad), it runs
// at::mkldnn_linear: oneDNN's fp32 inner product, the kernel PyTorch's `torch.utils.mkldnn` swaps
// in for CPU inference. Measured on this project's 2-core AVX-512 machine (LibTorch 1.13 with
// OpenBLAS): 102 vs 49 GFLOP/s per thread for ViT-B/32's MLP shape [1600, 768] x [768, 3072].
// The arithmetic stays fp32 (oneDNN's default fp32 math mode); only the summation order differs
// from BLAS (relative differences ~1e-6). Everything else (CUDA, fp16 / bf16, training, a
// LibTorch without oneDNN) goes to torch::nn::functional::linear.
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// Whether linear() takes the oneDNN path for these arguments.
bool linear_uses_onednn(const at::Tensor& x, const at::Tensor& weight);

}  // namespace clipbench
