// An decoded image in one of Pillow's modes (1, L, LA, P, RGB, RGBA, CMYK, I): size, pixels,
// palette.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipbench {

// Pillow image modes that clipbench decodes to. Samples are interleaved, rows top to bottom.
//   k1    1 byte per pixel, 0 or 255 (Pillow stores mode "1" this way)
//   kL    gray;  kLA gray + alpha;  kRGB;  kRGBA;  kCMYK (plain, not inverted: 0 = no ink)
//   kP    1 byte palette index; Image::palette holds 256 RGB entries, Image::palette_alpha the
//         PNG tRNS alpha per index (empty when the image has none)
//   kI    32-bit signed gray in Image::data32 (Pillow 9.4 opens 16-bit grayscale PNG as "I")
enum class ImageMode { k1, kL, kLA, kP, kRGB, kRGBA, kCMYK, kI };

// Pillow's name for the mode: "1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I".
const char* mode_name(ImageMode mode);
// Interleaved samples per pixel: 1 for 1/L/P/I, 2 for LA, 3 for RGB, 4 for RGBA/CMYK.
int mode_channels(ImageMode mode);

struct Image {
  int64_t width = 0;
  int64_t height = 0;
  ImageMode mode = ImageMode::kRGB;
  std::vector<uint8_t> data;    // every mode but kI: width * height * channels bytes
  std::vector<int32_t> data32;  // kI only: width * height values
  std::vector<uint8_t>
      palette;  // kP only: 256 * 3 bytes (RGB), unused entries as Pillow fills them
  std::vector<uint8_t>
      palette_alpha;         // kP only: alpha per palette index from PNG tRNS (may be empty)
  int exif_orientation = 1;  // EXIF Orientation tag (1..8) as stored; 1 when absent

  int channels() const { return mode_channels(mode); }
  // Bytes per row in `data` (not meaningful for kI).
  int64_t row_bytes() const { return width * channels(); }
  // An image of the given size and mode with zeroed pixels (palette: Pillow's default gray ramp).
  static Image blank(int64_t width, int64_t height, ImageMode mode);
};

// Pillow's initial palette for a new "P" image: entry i is (i, i, i).
std::vector<uint8_t> default_palette();

// Applies an EXIF orientation (1..8) so the image is upright, as PIL.ImageOps.exif_transpose does;
// resets exif_orientation to 1. Values outside 2..8 leave the image unchanged.
Image apply_exif_orientation(const Image& image);

}  // namespace clipbench
