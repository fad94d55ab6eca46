// CUDA kernels of Pillow's 8-bit antialiased bicubic resample (clip/pillow_resize.h) with the crop,
// ToTensor and Normalize of CLIP's preprocessing fused into the vertical pass. Plain C++ header
// (no CUDA or LibTorch types), so host code of any compiler can call the launchers.
#pragma once

#include <cstdint>

struct CUstream_st;  // cudaStream_t

namespace clipbench::cuda {

// One axis of ResampleAxis (clip/pillow_resize.h) in device memory: output position i reads
// count[i] inputs from first[i] with the 22-bit fixed-point weights fixed[i * ksize + t].
struct DeviceResampleAxis {
  int ksize = 0;
  const int32_t* first = nullptr;
  const int32_t* count = nullptr;
  const int32_t* fixed = nullptr;
};

// Horizontal pass. in: interleaved RGB uint8, row y at in + y * in_pitch (bytes). Computes input
// rows [row0, row0 + rows) for output columns [x0, x0 + width) into tmp: uint8 [rows, width, 3]
// (packed). Each value is clip8((2^21 + sum_t in * w_t) >> 22), Pillow's ImagingResampleHorizontal.
// Throws std::runtime_error naming the CUDA error when the launch fails.
void launch_horizontal_pass(const uint8_t* in, int64_t in_pitch, int row0, int rows,
                            const DeviceResampleAxis& axis, int x0, int width, uint8_t* tmp,
                            CUstream_st* stream);

// Vertical pass, crop and normalization. tmp: the horizontal pass's output (input rows
// [row0, row0 + rows), `width` columns, RGB). For output rows [y0, y0 + height) computes the 8-bit
// value v as Pillow's ImagingResampleVertical and writes lut[c * 256 + v] to
// out[c * height * width + y * width + x] (float32 [3, height, width], CHW). lut holds 3 x 256
// floats: ((v / 255) - mean[c]) / std[c] computed on the host exactly as the CPU path does.
void launch_vertical_normalize(const uint8_t* tmp, int row0, int rows,
                               const DeviceResampleAxis& axis, int y0, int height, int width,
                               const float* lut, float* out, CUstream_st* stream);

}  // namespace clipbench::cuda
