// Pillow 9's antialiased two-pass bicubic / bilinear resample (Resample.c) and nearest resize,
// written afresh.
// Built with -ffp-contract=off: the coefficients must round exactly as Pillow's (no fused
// multiply-add).
#include "clip/pillow_resize.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace clipbench {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's 8-bit-per-channel fixed point

// Keys' cubic with a = -0.5, as Pillow's bicubic_filter.
double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// The triangle, as Pillow's bilinear_filter.
double bilinear(double x) {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

// Pillow's `struct filter`: the function and its support (bicubic 2, bilinear 1).
struct Filter {
  double (*fn)(double);
  double support;
};

Filter filter_of(ResampleFilter f) {
  return f == ResampleFilter::kBilinear ? Filter{bilinear, 1.0} : Filter{bicubic, 2.0};
}

// Per output position: the first input index, how many inputs, and their weights.
struct Coefficients {
  int ksize = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<double> weights;  // out_size * ksize, normalized to sum 1
  std::vector<int32_t> fixed;   // the same in 22-bit fixed point
};

// Pillow's precompute_coeffs for the box [in0, in1] of an axis of in_size pixels.
Coefficients compute_coefficients(int64_t in_size, double in0, double in1, int64_t out_size,
                                  const Filter& filter) {
  Coefficients c;
  const double scale = (in1 - in0) / static_cast<double>(out_size);
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = filter.support * filterscale;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(static_cast<size_t>(out_size) * c.ksize, 0.0);
  c.fixed.assign(c.weights.size(), 0);
  const double ss = 1.0 / filterscale;
  for (int64_t xx = 0; xx < out_size; ++xx) {
    const double center = in0 + (static_cast<double>(xx) + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = static_cast<int>(in_size);
    xmax -= xmin;
    double* k = &c.weights[xx * c.ksize];
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      const double w = filter.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      if (ww != 0.0) k[x] /= ww;
    }
    c.first[xx] = xmin;
    c.count[xx] = xmax;
  }
  for (size_t i = 0; i < c.weights.size(); ++i) {
    const double v = c.weights[i] * (1 << kPrecisionBits);
    c.fixed[i] = static_cast<int32_t>(c.weights[i] < 0 ? -0.5 + v : 0.5 + v);
  }
  return c;
}

inline uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;  // arithmetic shift, as Pillow's lookup index
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

inline int32_t round_up(double f) { return static_cast<int32_t>(f >= 0.0 ? f + 0.5F : f - 0.5F); }

constexpr int kRowBlock = 8;  // rows the horizontal pass handles together

namespace generic {
#include "clip/pillow_resize_kernels.inc"
}  // namespace generic

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define CLIPBENCH_RESIZE_AVX2 1
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {
#include "clip/pillow_resize_kernels.inc"
}  // namespace avx2
#pragma GCC pop_options
#endif

std::atomic<bool> g_simd_enabled{true};

bool use_avx2() {
#ifdef CLIPBENCH_RESIZE_AVX2
  static const bool cpu_has_avx2 = __builtin_cpu_supports("avx2");
  return cpu_has_avx2 && g_simd_enabled.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void horizontal_8(const Image& in, int64_t row0, int64_t rows, const Coefficients& c,
                  int64_t x_begin, int64_t x_end, uint8_t* out) {
#ifdef CLIPBENCH_RESIZE_AVX2
  if (use_avx2()) return avx2::horizontal_pass(in, row0, rows, c, x_begin, x_end, out);
#endif
  generic::horizontal_pass(in, row0, rows, c, x_begin, x_end, out);
}

void vertical_8(const uint8_t* src, int64_t src_stride, int64_t src_row0, int64_t row_len,
                const Coefficients& c, int64_t y_begin, int64_t y_end, uint8_t* out) {
#ifdef CLIPBENCH_RESIZE_AVX2
  if (use_avx2())
    return avx2::vertical_pass(src, src_stride, src_row0, row_len, c, y_begin, y_end, out);
#endif
  generic::vertical_pass(src, src_stride, src_row0, row_len, c, y_begin, y_end, out);
}

// Mode I: horizontal and vertical passes in double, rounded to int32 after each.
void horizontal_i(const Image& in, int64_t row0, int64_t rows, const Coefficients& c,
                  int64_t x_begin, int64_t x_end, int32_t* out) {
  const int64_t out_w = x_end - x_begin;
  for (int64_t y = 0; y < rows; ++y) {
    const int32_t* src = in.data32.data() + (row0 + y) * in.width;
    for (int64_t xx = x_begin; xx < x_end; ++xx) {
      const double* k = &c.weights[xx * c.ksize];
      double ss = 0.0;
      for (int x = 0; x < c.count[xx]; ++x) ss += src[c.first[xx] + x] * k[x];
      out[y * out_w + xx - x_begin] = round_up(ss);
    }
  }
}

void vertical_i(const int32_t* src, int64_t src_stride, int64_t src_row0, int64_t src_offset,
                int64_t row_len, const Coefficients& c, int64_t y_begin, int64_t y_end,
                int32_t* out) {
  for (int64_t yy = y_begin; yy < y_end; ++yy) {
    const double* k = &c.weights[yy * c.ksize];
    for (int64_t i = 0; i < row_len; ++i) {
      double ss = 0.0;
      for (int y = 0; y < c.count[yy]; ++y) {
        ss += src[(c.first[yy] + y - src_row0) * src_stride + src_offset + i] * k[y];
      }
      out[(yy - y_begin) * row_len + i] = round_up(ss);
    }
  }
}

// Convolution resize of a non-palette image, window only (see pillow_resize_crop).
Image resample_window(const Image& in, int64_t out_w, int64_t out_h, int64_t x0, int64_t y0,
                      int64_t cw, int64_t ch, const Filter& filter) {
  const bool need_h = out_w != in.width;
  const bool need_v = out_h != in.height;
  Image out = Image::blank(cw, ch, in.mode);
  out.exif_orientation = in.exif_orientation;
  const int C = in.channels();
  const bool wide = in.mode == ImageMode::kI;

  Coefficients hc, vc;
  if (need_h)
    hc = compute_coefficients(in.width, 0.0, static_cast<double>(in.width), out_w, filter);
  if (need_v)
    vc = compute_coefficients(in.height, 0.0, static_cast<double>(in.height), out_h, filter);

  // Rows of the input the vertical pass reads for output rows [y0, y0 + ch).
  int64_t row_first = y0, row_last = y0 + ch;
  if (need_v) {
    row_first = vc.first[y0];
    row_last = 0;
    for (int64_t yy = y0; yy < y0 + ch; ++yy) {
      row_first = std::min<int64_t>(row_first, vc.first[yy]);
      row_last = std::max<int64_t>(row_last, vc.first[yy] + vc.count[yy]);
    }
  }
  const int64_t rows = row_last - row_first;

  // Horizontal pass (or the unchanged columns) into a temporary of `rows` rows, cw columns.
  std::vector<uint8_t> tmp8;
  std::vector<int32_t> tmp32;
  const uint8_t* src8 = nullptr;
  const int32_t* src32 = nullptr;
  int64_t src_stride, src_row0, src_offset;
  if (need_h) {
    if (wide) {
      tmp32.resize(static_cast<size_t>(rows * cw));
      horizontal_i(in, row_first, rows, hc, x0, x0 + cw, tmp32.data());
      src32 = tmp32.data();
    } else {
      tmp8.resize(static_cast<size_t>(rows * cw * C));
      horizontal_8(in, row_first, rows, hc, x0, x0 + cw, tmp8.data());
      src8 = tmp8.data();
    }
    src_stride = cw * (wide ? 1 : C);
    src_row0 = row_first;
    src_offset = 0;
  } else {
    src8 = in.data.data();
    src32 = in.data32.data();
    src_stride = in.width * (wide ? 1 : C);
    src_row0 = 0;
    src_offset = x0 * (wide ? 1 : C);
  }

  const int64_t row_len = cw * (wide ? 1 : C);
  if (need_v) {
    if (wide) {
      vertical_i(src32, src_stride, src_row0, src_offset, row_len, vc, y0, y0 + ch,
                 out.data32.data());
    } else {
      vertical_8(src8 + src_offset, src_stride, src_row0, row_len, vc, y0, y0 + ch,
                 out.data.data());
    }
  } else {
    for (int64_t y = 0; y < ch; ++y) {
      const int64_t src_row = (y0 + y - src_row0) * src_stride + src_offset;
      if (wide) {
        std::copy_n(src32 + src_row, row_len, out.data32.data() + y * row_len);
      } else {
        std::copy_n(src8 + src_row, row_len, out.data.data() + y * row_len);
      }
    }
  }
  return out;
}

// Pillow's nearest resize (ImagingScaleAffine): source index int(x0 + i * s + s / 2) accumulated.
std::vector<int64_t> nearest_indices(int64_t in_size, int64_t out_size) {
  std::vector<int64_t> idx(static_cast<size_t>(out_size));
  const double step = static_cast<double>(in_size) / static_cast<double>(out_size);
  double pos = 0.0 + step * 0.5;
  for (int64_t i = 0; i < out_size; ++i) {
    int64_t v = pos < 0.0 ? -1 : static_cast<int64_t>(pos);
    idx[i] = v < 0 ? 0 : v >= in_size ? in_size - 1 : v;  // always inside for a plain resize
    pos += step;
  }
  return idx;
}

Image nearest_window(const Image& in, int64_t out_w, int64_t out_h, int64_t x0, int64_t y0,
                     int64_t cw, int64_t ch) {
  const auto xs = nearest_indices(in.width, out_w);
  const auto ys = nearest_indices(in.height, out_h);
  Image out = Image::blank(cw, ch, in.mode);
  out.palette = in.palette;
  out.palette_alpha = in.palette_alpha;
  out.exif_orientation = in.exif_orientation;
  const int C = in.channels();
  for (int64_t y = 0; y < ch; ++y) {
    const int64_t sy = ys[y0 + y];
    for (int64_t x = 0; x < cw; ++x) {
      const int64_t sx = xs[x0 + x];
      if (in.mode == ImageMode::kI) {
        out.data32[y * cw + x] = in.data32[sy * in.width + sx];
      } else {
        for (int c = 0; c < C; ++c)
          out.data[(y * cw + x) * C + c] = in.data[(sy * in.width + sx) * C + c];
      }
    }
  }
  return out;
}

inline uint8_t muldiv255(unsigned a, unsigned b) {
  const unsigned t = a * b + 128;
  return static_cast<uint8_t>(((t >> 8) + t) >> 8);
}

// "RGBA" -> "RGBa" / "LA" -> "La": colour channels multiplied by alpha (Pillow's MULDIV255).
Image premultiply(const Image& in) {
  Image out = in;
  const int C = in.channels();
  const int64_t n = in.width * in.height;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t* p = &out.data[i * C];
    const unsigned alpha = p[C - 1];
    for (int c = 0; c < C - 1; ++c) p[c] = muldiv255(p[c], alpha);
  }
  return out;
}

// "RGBa" -> "RGBA" / "La" -> "LA": colour * 255 / alpha, clipped; alpha 0 or 255 left as is.
void unpremultiply(Image& im) {
  const int C = im.channels();
  const int64_t n = im.width * im.height;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t* p = &im.data[i * C];
    const unsigned alpha = p[C - 1];
    if (alpha == 0 || alpha == 255) continue;
    for (int c = 0; c < C - 1; ++c) {
      const unsigned v = 255 * p[c] / alpha;
      p[c] = static_cast<uint8_t>(v > 255 ? 255 : v);
    }
  }
}

}  // namespace

void set_resize_simd_enabled(bool enabled) { g_simd_enabled = enabled; }

ResampleAxis bicubic_resample_axis(int64_t in_size, int64_t out_size) {
  return resample_axis(in_size, out_size, ResampleFilter::kBicubic);
}

ResampleAxis resample_axis(int64_t in_size, int64_t out_size, ResampleFilter filter) {
  if (in_size < 1 || out_size < 1)
    throw std::invalid_argument("resample_axis: sizes must be positive (got " +
                                std::to_string(in_size) + " -> " + std::to_string(out_size) + ")");
  ResampleAxis a;
  if (in_size == out_size) {
    a.ksize = 1;
    a.first.resize(out_size);
    for (int64_t i = 0; i < out_size; ++i) a.first[i] = static_cast<int32_t>(i);
    a.count.assign(out_size, 1);
    a.fixed.assign(out_size, 1 << kPrecisionBits);
    return a;
  }
  Coefficients c =
      compute_coefficients(in_size, 0.0, static_cast<double>(in_size), out_size, filter_of(filter));
  a.ksize = c.ksize;
  a.first.assign(c.first.begin(), c.first.end());
  a.count.assign(c.count.begin(), c.count.end());
  a.fixed = std::move(c.fixed);
  return a;
}

Image crop_image(const Image& in, int64_t x0, int64_t y0, int64_t cw, int64_t ch) {
  if (x0 < 0 || y0 < 0 || cw <= 0 || ch <= 0 || x0 + cw > in.width || y0 + ch > in.height) {
    throw std::invalid_argument("crop window outside the image");
  }
  Image out = Image::blank(cw, ch, in.mode);
  out.palette = in.palette;
  out.palette_alpha = in.palette_alpha;
  out.exif_orientation = in.exif_orientation;
  const int C = in.channels();
  for (int64_t y = 0; y < ch; ++y) {
    if (in.mode == ImageMode::kI) {
      std::copy_n(in.data32.data() + (y0 + y) * in.width + x0, cw, out.data32.data() + y * cw);
    } else {
      std::copy_n(in.data.data() + ((y0 + y) * in.width + x0) * C, cw * C,
                  out.data.data() + y * cw * C);
    }
  }
  return out;
}

Image pillow_resize_crop(const Image& in, int64_t out_w, int64_t out_h, int64_t x0, int64_t y0,
                         int64_t cw, int64_t ch, ResampleFilter filter) {
  if (out_w <= 0 || out_h <= 0 || in.width <= 0 || in.height <= 0) {
    throw std::invalid_argument("resize: sizes must be positive (" + std::to_string(in.width) +
                                "x" + std::to_string(in.height) + " -> " + std::to_string(out_w) +
                                "x" + std::to_string(out_h) + ")");
  }
  if (x0 < 0 || y0 < 0 || cw <= 0 || ch <= 0 || x0 + cw > out_w || y0 + ch > out_h) {
    throw std::invalid_argument("resize: crop window outside the resized image");
  }
  if (out_w == in.width && out_h == in.height) return crop_image(in, x0, y0, cw, ch);
  switch (in.mode) {
    case ImageMode::k1:
    case ImageMode::kP:
      return nearest_window(in, out_w, out_h, x0, y0, cw, ch);
    case ImageMode::kLA:
    case ImageMode::kRGBA: {
      Image out = resample_window(premultiply(in), out_w, out_h, x0, y0, cw, ch, filter_of(filter));
      unpremultiply(out);
      return out;
    }
    default:
      return resample_window(in, out_w, out_h, x0, y0, cw, ch, filter_of(filter));
  }
}

Image pillow_resize(const Image& in, int64_t out_w, int64_t out_h, ResampleFilter filter) {
  return pillow_resize_crop(in, out_w, out_h, 0, 0, out_w, out_h, filter);
}

}  // namespace clipbench
