// Pillow 9's per-mode conversions to RGB (Convert.c semantics), written afresh.
#include "clip/image_convert.h"

namespace clipbench {

Image convert_to_rgb(const Image& in) {
  if (in.mode == ImageMode::kRGB) return in;
  Image out = Image::blank(in.width, in.height, ImageMode::kRGB);
  out.exif_orientation = in.exif_orientation;
  const int64_t n = in.width * in.height;
  uint8_t* o = out.data.data();
  const uint8_t* s = in.data.data();
  switch (in.mode) {
    case ImageMode::k1:
      for (int64_t i = 0; i < n; ++i) o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = s[i] ? 255 : 0;
      break;
    case ImageMode::kL:
      for (int64_t i = 0; i < n; ++i) o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = s[i];
      break;
    case ImageMode::kLA:
      for (int64_t i = 0; i < n; ++i) o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = s[2 * i];
      break;
    case ImageMode::kRGBA:
      for (int64_t i = 0; i < n; ++i) {
        o[3 * i] = s[4 * i];
        o[3 * i + 1] = s[4 * i + 1];
        o[3 * i + 2] = s[4 * i + 2];
      }
      break;
    case ImageMode::kP: {
      const auto& pal = in.palette.size() == 768 ? in.palette : default_palette();
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t* e = &pal[s[i] * 3];
        o[3 * i] = e[0];
        o[3 * i + 1] = e[1];
        o[3 * i + 2] = e[2];
      }
      break;
    }
    case ImageMode::kCMYK:
      for (int64_t i = 0; i < n; ++i) {
        const unsigned nk = 255u - s[4 * i + 3];
        for (int c = 0; c < 3; ++c) {
          const unsigned t = s[4 * i + c] * nk + 128;
          const unsigned scaled = ((t >> 8) + t) >> 8;       // MULDIV255(c, 255 - k)
          o[3 * i + c] = static_cast<uint8_t>(nk - scaled);  // never negative: scaled <= nk
        }
      }
      break;
    case ImageMode::kI:
      for (int64_t i = 0; i < n; ++i) {
        const int32_t v = in.data32[i];
        o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = static_cast<uint8_t>(v <= 0     ? 0
                                                                      : v >= 255 ? 255
                                                                                 : v);
      }
      break;
    case ImageMode::kRGB:
      break;
  }
  return out;
}

}  // namespace clipbench
