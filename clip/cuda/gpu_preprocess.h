// CLIP preprocessing of decoded RGB images on the GPU, reproducing the CPU path's pixels
// (clip/preprocess.h): Pillow-exact Resize(n, BICUBIC | BILINEAR) [+ CenterCrop(n)] + ToTensor +
// Normalize, as the model's ImagePreprocess says.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <map>
#include <utility>

#include "clip/preprocess.h"

namespace clipbench::cuda {

// Holds the per-size coefficient tables (computed on the host by resample_axis, uploaded
// once per distinct input size) and a scratch buffer. Kernels run on the legacy default CUDA
// stream, which orders them with LibTorch's default-stream work. Not thread-safe.
class GpuPreprocessor {
 public:
  explicit GpuPreprocessor(const ImagePreprocess& preprocess);
  // ImagePreprocess{n, norm} (bicubic, shortest: openai/CLIP's transform).
  explicit GpuPreprocessor(int64_t n, const Normalization& norm = Normalization::clip());

  // rgb: uint8 CUDA tensor [H, W, 3] (RGB interleaved; rows may be padded: stride(0) >= 3 * W,
  // stride(1) == 3, stride(2) == 1). out: float32 CUDA tensor [3, n, n], contiguous (e.g. a row
  // of a batch). Writes the same values as preprocess_image_into on the CPU for an RGB (or
  // grayscale replicated to RGB) image of the same pixels. Throws Error for other shapes, dtypes
  // or devices, std::runtime_error for a CUDA launch failure.
  void preprocess_into(const at::Tensor& rgb, at::Tensor& out);

  int64_t size() const { return n_; }

 private:
  struct Plan;
  const Plan& plan_for(int64_t width, int64_t height);

  ImagePreprocess preprocess_;
  int64_t n_;
  at::Tensor lut_;      // float32 [3 * 256] on the GPU
  at::Tensor scratch_;  // uint8 on the GPU, grown as needed
  std::map<std::pair<int64_t, int64_t>, std::shared_ptr<Plan>> plans_;
};

}  // namespace clipbench::cuda
