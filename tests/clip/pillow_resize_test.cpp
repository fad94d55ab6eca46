// Tests for clip/pillow_resize.h's exported coefficients: applied by a plain loop (the arithmetic
// of the CUDA kernels in clip/cuda/resize_kernels.cu) they reproduce pillow_resize_crop exactly.
#include "clip/pillow_resize.h"

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "clip/image.h"
#include "clip/preprocess.h"
#include "tests/support/catch.h"

using namespace clipbench;

namespace {

uint8_t clip8(int32_t v) {
  v >>= 22;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// The two passes of resize_kernels.cu on the host: horizontal over the rows the vertical pass
// reads, then vertical, for the crop window [x0, x0 + n) x [y0, y0 + n).
Image resize_crop_with_axes(const Image& in, int64_t out_w, int64_t out_h, int64_t x0, int64_t y0,
                            int64_t n) {
  const ResampleAxis h = bicubic_resample_axis(in.width, out_w);
  const ResampleAxis v = bicubic_resample_axis(in.height, out_h);
  int64_t first = v.first[y0], last = 0;
  for (int64_t y = y0; y < y0 + n; ++y) {
    first = std::min<int64_t>(first, v.first[y]);
    last = std::max<int64_t>(last, v.first[y] + v.count[y]);
  }
  std::vector<uint8_t> tmp((last - first) * n * 3);
  for (int64_t r = first; r < last; ++r) {
    for (int64_t x = 0; x < n; ++x) {
      const int64_t xx = x0 + x;
      for (int c = 0; c < 3; ++c) {
        int32_t acc = 1 << 21;
        for (int t = 0; t < h.count[xx]; ++t)
          acc += in.data[(r * in.width + h.first[xx] + t) * 3 + c] * h.fixed[xx * h.ksize + t];
        tmp[((r - first) * n + x) * 3 + c] = clip8(acc);
      }
    }
  }
  Image out = Image::blank(n, n, ImageMode::kRGB);
  for (int64_t y = 0; y < n; ++y) {
    const int64_t yy = y0 + y;
    for (int64_t x = 0; x < n; ++x) {
      for (int c = 0; c < 3; ++c) {
        int32_t acc = 1 << 21;
        for (int t = 0; t < v.count[yy]; ++t)
          acc += tmp[((v.first[yy] + t - first) * n + x) * 3 + c] * v.fixed[yy * v.ksize + t];
        out.data[(y * n + x) * 3 + c] = clip8(acc);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("bicubic_resample_axis reproduces pillow_resize_crop (CLIP geometry)", "[unit]") {
  std::mt19937 rng(7);
  // Landscape, portrait, an upscale, a side already at n (identity axis) and the benchmark's size.
  const std::vector<std::pair<int64_t, int64_t>> sizes = {{500, 375}, {375, 500}, {100, 80},
                                                          {224, 300}, {640, 224}, {37, 513}};
  for (const auto& [w, hgt] : sizes) {
    CAPTURE(w, hgt);
    Image in = Image::blank(w, hgt, ImageMode::kRGB);
    for (auto& b : in.data) b = static_cast<uint8_t>(rng() & 0xFF);
    const int64_t n = 224;
    const ResizeCropGeometry g = reference_geometry(w, hgt, n);
    const Image want =
        pillow_resize_crop(in, g.resized_width, g.resized_height, g.crop_left, g.crop_top, n, n);
    const Image got =
        resize_crop_with_axes(in, g.resized_width, g.resized_height, g.crop_left, g.crop_top, n);
    CHECK(got.data == want.data);
  }
}

TEST_CASE("bicubic_resample_axis: identity for equal sizes, errors", "[unit]") {
  const ResampleAxis a = bicubic_resample_axis(5, 5);
  CHECK(a.ksize == 1);
  CHECK(a.first == std::vector<int32_t>{0, 1, 2, 3, 4});
  CHECK(a.fixed == std::vector<int32_t>(5, 1 << 22));
  const ResampleAxis d = bicubic_resample_axis(500, 298);
  CHECK(d.first.size() == 298);
  CHECK(d.fixed.size() == 298 * static_cast<size_t>(d.ksize));
  CHECK_THROWS_AS(bicubic_resample_axis(0, 4), std::invalid_argument);
}
