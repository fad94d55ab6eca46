// Pillow 9 Image.resize(size, BICUBIC | BILINEAR) reproduced bit for bit, per image mode, plus a
// cropped variant.
#pragma once

#include <cstdint>
#include <vector>

#include "clip/image.h"

namespace clipbench {

// Pillow's convolution filters: BICUBIC (Keys' cubic, a = -0.5, support 2) and BILINEAR (the
// triangle, support 1).
enum class ResampleFilter { kBicubic, kBilinear };

// Matches Pillow 9.4 `Image.resize((out_w, out_h), Image.BICUBIC)` with the default box (and
// `Image.BILINEAR` with `filter` kBilinear: the same arithmetic with the triangle filter, support
// 1 * max(1, in / out)):
//  - same size: an unchanged copy (no premultiply round trip);
//  - "P" and "1": nearest neighbour (Pillow's ImagingScaleAffine: source = int(x0 + (i + 0.5) * s)
//    accumulated in double);
//  - "LA" and "RGBA": premultiplied ("La"/"RGBa", MULDIV255) resize, then un-premultiplied
//    (255 * c / a, clipped; alpha 0 and 255 unchanged);
//  - 8-bit modes: two passes, horizontal then vertical, each skipped when that size is unchanged;
//    antialiased bicubic (a = -0.5, support 2 * max(1, in / out)); coefficients normalized to sum 1
//    then rounded to 22-bit fixed point; per pass, sum + 2^21, shifted by 22 and clipped to 0..255;
//    the horizontal pass computes only the rows the vertical pass reads;
//  - "I": the same coefficients in double, each pass rounded half away from zero to int32.
// Throws std::invalid_argument when a size is not positive.
Image pillow_resize(const Image& in, int64_t out_w, int64_t out_h,
                    ResampleFilter filter = ResampleFilter::kBicubic);

// The window [x0, x0 + crop_w) x [y0, y0 + crop_h) of pillow_resize(in, out_w, out_h), computed
// without the pixels outside it (identical values, less work). The window must lie inside.
Image pillow_resize_crop(const Image& in, int64_t out_w, int64_t out_h, int64_t x0, int64_t y0,
                         int64_t crop_w, int64_t crop_h,
                         ResampleFilter filter = ResampleFilter::kBicubic);

// The fixed-point loops run with AVX2 where the CPU has it, else with the baseline ISA; both give
// identical results. Tests call this with false to exercise the baseline loops too.
void set_resize_simd_enabled(bool enabled);

// One axis of the 8-bit resample above, for other implementations of the same arithmetic
// (the CUDA kernels of clip/cuda/): output position i reads count[i] inputs from first[i] with the
// 22-bit fixed-point weights fixed[i * ksize + t]; result clip8((2^21 + sum) >> 22). When
// in_size == out_size (a pass Pillow skips) the axis is the identity: one tap of weight 2^22,
// which reproduces the input exactly. Throws std::invalid_argument when a size is not positive.
struct ResampleAxis {
  int ksize = 0;
  std::vector<int32_t> first, count;  // out_size entries
  std::vector<int32_t> fixed;         // out_size * ksize entries (zero beyond count[i])
};
ResampleAxis resample_axis(int64_t in_size, int64_t out_size, ResampleFilter filter);
// resample_axis(in_size, out_size, kBicubic).
ResampleAxis bicubic_resample_axis(int64_t in_size, int64_t out_size);

// Pixels of a window of an image (Image.crop inside the bounds).
Image crop_image(const Image& in, int64_t x0, int64_t y0, int64_t crop_w, int64_t crop_h);

}  // namespace clipbench
