// Image modes and the EXIF orientation transform (PIL.ImageOps.exif_transpose).
#include "clip/image.h"

#include <utility>

namespace clipbench {

const char* mode_name(ImageMode mode) {
  switch (mode) {
    case ImageMode::k1:
      return "1";
    case ImageMode::kL:
      return "L";
    case ImageMode::kLA:
      return "LA";
    case ImageMode::kP:
      return "P";
    case ImageMode::kRGB:
      return "RGB";
    case ImageMode::kRGBA:
      return "RGBA";
    case ImageMode::kCMYK:
      return "CMYK";
    case ImageMode::kI:
      return "I";
  }
  return "?";
}

int mode_channels(ImageMode mode) {
  switch (mode) {
    case ImageMode::kLA:
      return 2;
    case ImageMode::kRGB:
      return 3;
    case ImageMode::kRGBA:
    case ImageMode::kCMYK:
      return 4;
    default:
      return 1;
  }
}

std::vector<uint8_t> default_palette() {
  std::vector<uint8_t> p(256 * 3);
  for (int i = 0; i < 256; ++i) p[i * 3] = p[i * 3 + 1] = p[i * 3 + 2] = static_cast<uint8_t>(i);
  return p;
}

Image Image::blank(int64_t width, int64_t height, ImageMode mode) {
  Image im;
  im.width = width;
  im.height = height;
  im.mode = mode;
  if (mode == ImageMode::kI) {
    im.data32.assign(static_cast<size_t>(width * height), 0);
  } else {
    im.data.assign(static_cast<size_t>(width * height * mode_channels(mode)), 0);
  }
  if (mode == ImageMode::kP) im.palette = default_palette();
  return im;
}

namespace {

// Maps each output pixel (x, y) of an image with the given output size to a source pixel.
template <typename Fn>
Image remap(const Image& in, int64_t out_w, int64_t out_h, Fn source_of) {
  Image out = in;
  out.width = out_w;
  out.height = out_h;
  out.exif_orientation = 1;
  const int ch = in.channels();
  for (int64_t y = 0; y < out_h; ++y) {
    for (int64_t x = 0; x < out_w; ++x) {
      const auto [sx, sy] = source_of(x, y);
      const int64_t src = sy * in.width + sx;
      const int64_t dst = y * out_w + x;
      if (in.mode == ImageMode::kI) {
        out.data32[dst] = in.data32[src];
      } else {
        for (int c = 0; c < ch; ++c) out.data[dst * ch + c] = in.data[src * ch + c];
      }
    }
  }
  return out;
}

}  // namespace

Image apply_exif_orientation(const Image& in) {
  const int64_t w = in.width, h = in.height;
  using P = std::pair<int64_t, int64_t>;
  switch (in.exif_orientation) {
    case 2:  // mirrored horizontally
      return remap(in, w, h, [&](int64_t x, int64_t y) { return P{w - 1 - x, y}; });
    case 3:  // rotated 180
      return remap(in, w, h, [&](int64_t x, int64_t y) { return P{w - 1 - x, h - 1 - y}; });
    case 4:  // mirrored vertically
      return remap(in, w, h, [&](int64_t x, int64_t y) { return P{x, h - 1 - y}; });
    case 5:  // transposed (mirror along the main diagonal)
      return remap(in, h, w, [&](int64_t x, int64_t y) { return P{y, x}; });
    case 6:  // stored rotated 90 CCW: rotate 90 CW to display (Pillow: ROTATE_270)
      return remap(in, h, w, [&](int64_t x, int64_t y) { return P{y, h - 1 - x}; });
    case 7:  // transverse
      return remap(in, h, w, [&](int64_t x, int64_t y) { return P{w - 1 - y, h - 1 - x}; });
    case 8:  // stored rotated 90 CW: rotate 90 CCW to display (Pillow: ROTATE_90)
      return remap(in, h, w, [&](int64_t x, int64_t y) { return P{w - 1 - y, x}; });
    default: {
      Image out = in;
      out.exif_orientation = 1;
      return out;
    }
  }
}

}  // namespace clipbench
