// GPU preprocessing: host-side geometry and Pillow coefficients, device tables, kernel launches.
#include "clip/cuda/gpu_preprocess.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <memory>

#include "clip/cuda/resize_kernels.h"
#include "clip/errors.h"
#include "clip/pillow_resize.h"
#include "clip/state_dict.h"

namespace clipbench::cuda {

struct GpuPreprocessor::Plan {
  ResizeCropGeometry geometry;
  int64_t row_first = 0, rows = 0;  // input rows the vertical pass reads
  at::Tensor h_first, h_count, h_fixed, v_first, v_count, v_fixed;  // int32 on the GPU
  int h_ksize = 0, v_ksize = 0;
};

namespace {

at::Tensor upload(const std::vector<int32_t>& v, const torch::Device& device) {
  return torch::tensor(v, torch::kInt32).to(device);
}

}  // namespace

GpuPreprocessor::GpuPreprocessor(const ImagePreprocess& preprocess)
    : preprocess_(preprocess), n_(preprocess.size) {
  if (n_ < 1) throw Error(fmt::format("GPU preprocessing size must be positive (got {})", n_));
  auto lut = normalization_lut(preprocess.normalization);
  lut_ = torch::from_blob(lut.data(), {3 * 256}, torch::kFloat32).to(torch::Device(torch::kCUDA));
}

GpuPreprocessor::GpuPreprocessor(int64_t n, const Normalization& norm)
    : GpuPreprocessor(ImagePreprocess::clip(n, norm)) {}

const GpuPreprocessor::Plan& GpuPreprocessor::plan_for(int64_t width, int64_t height) {
  auto& slot = plans_[{width, height}];
  if (slot) return *slot;
  auto p = std::make_shared<Plan>();
  p->geometry = resize_geometry(width, height, preprocess_);
  const auto& g = p->geometry;
  const ResampleAxis h = resample_axis(width, g.resized_width, preprocess_.interpolation);
  const ResampleAxis v = resample_axis(height, g.resized_height, preprocess_.interpolation);
  int64_t first = v.first[g.crop_top], last = 0;
  for (int64_t y = g.crop_top; y < g.crop_top + n_; ++y) {
    first = std::min<int64_t>(first, v.first[y]);
    last = std::max<int64_t>(last, v.first[y] + v.count[y]);
  }
  p->row_first = first;
  p->rows = last - first;
  const torch::Device device = lut_.device();
  p->h_first = upload(h.first, device);
  p->h_count = upload(h.count, device);
  p->h_fixed = upload(h.fixed, device);
  p->v_first = upload(v.first, device);
  p->v_count = upload(v.count, device);
  p->v_fixed = upload(v.fixed, device);
  p->h_ksize = h.ksize;
  p->v_ksize = v.ksize;
  slot = std::move(p);
  return *slot;
}

void GpuPreprocessor::preprocess_into(const at::Tensor& rgb, at::Tensor& out) {
  if (!rgb.is_cuda() || rgb.scalar_type() != torch::kUInt8 || rgb.dim() != 3 || rgb.size(2) != 3 ||
      rgb.stride(2) != 1 || rgb.stride(1) != 3)
    throw Error(fmt::format(
        "GPU preprocessing expects a uint8 CUDA image [H, W, 3] with interleaved pixels, got {} "
        "{} {}",
        c10::toString(rgb.scalar_type()), rgb.device().str(), shape_string(rgb.sizes())));
  if (!out.is_cuda() || out.scalar_type() != torch::kFloat32 || !out.is_contiguous() ||
      out.dim() != 3 || out.size(0) != 3 || out.size(1) != n_ || out.size(2) != n_)
    throw Error(
        fmt::format("GPU preprocessing writes a contiguous float32 CUDA [3, {0}, {0}], got {1}", n_,
                    shape_string(out.sizes())));
  const int64_t height = rgb.size(0), width = rgb.size(1);
  const Plan& p = plan_for(width, height);
  const int64_t need = p.rows * n_ * 3;
  if (!scratch_.defined() || scratch_.numel() < need)
    scratch_ = torch::empty({need}, torch::dtype(torch::kUInt8).device(rgb.device()));
  DeviceResampleAxis h{p.h_ksize, p.h_first.data_ptr<int32_t>(), p.h_count.data_ptr<int32_t>(),
                       p.h_fixed.data_ptr<int32_t>()};
  DeviceResampleAxis v{p.v_ksize, p.v_first.data_ptr<int32_t>(), p.v_count.data_ptr<int32_t>(),
                       p.v_fixed.data_ptr<int32_t>()};
  uint8_t* tmp = scratch_.data_ptr<uint8_t>();
  launch_horizontal_pass(rgb.data_ptr<uint8_t>(), rgb.stride(0), static_cast<int>(p.row_first),
                         static_cast<int>(p.rows), h, static_cast<int>(p.geometry.crop_left),
                         static_cast<int>(n_), tmp, /*stream=*/nullptr);
  launch_vertical_normalize(tmp, static_cast<int>(p.row_first), static_cast<int>(p.rows), v,
                            static_cast<int>(p.geometry.crop_top), static_cast<int>(n_),
                            static_cast<int>(n_), lut_.data_ptr<float>(), out.data_ptr<float>(),
                            /*stream=*/nullptr);
}

}  // namespace clipbench::cuda
