// Image decoding as Pillow's Image.open + load: a registry of decoders sniffed by magic bytes.
//
// JPEG (libjpeg-turbo) and PNG (libpng) are always built in and keep the modes Pillow 9.4 gives:
// L, LA, RGB, RGBA, P (with tRNS), 1, I (16-bit gray), CMYK (Adobe-inverted CMYK/YCCK JPEG).
// WebP, PNM, BMP, TIFF and GIF go through OpenCV when built with CLIPBENCH_WITH_OPENCV; without it
// they throw an ImageDecodeError naming the format. EXIF orientation is recorded but not applied
// unless DecodeOptions::apply_exif_orientation is set (CLIP's reference ignores it).
// Every failure is an ImageDecodeError whose message starts with the file name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "clip/image.h"

namespace clipbench {

// Pillow's Image.MAX_IMAGE_PIXELS.
constexpr int64_t kPillowMaxImagePixels = 89'478'485;

struct DecodeOptions {
  // Images with more pixels than this are rejected before their pixels are decoded.
  int64_t max_pixels = kPillowMaxImagePixels;
  // Rotate/flip the image as its EXIF Orientation tag says (not what CLIP's reference does).
  bool apply_exif_orientation = false;
};

// A decoder: `sniff` looks at the first bytes, `decode` turns the whole file into an Image.
// `name` in decode is the file name to put in error messages.
struct ImageDecoder {
  std::string format;  // "JPEG", "PNG", "WebP", ...
  std::function<bool(const uint8_t* data, size_t size)> sniff;
  std::function<Image(const uint8_t* data, size_t size, const std::string& name,
                      const DecodeOptions& options)>
      decode;
};

// The decoders, tried in registration order. The built-in ones are registered on first use.
class DecoderRegistry {
 public:
  static DecoderRegistry& instance();
  // Throws RegistryError when a decoder for the same format is already registered.
  void add(ImageDecoder decoder);
  // The first decoder whose sniff accepts the bytes, or nullptr.
  const ImageDecoder* find(const uint8_t* data, size_t size) const;
  std::vector<std::string> formats() const;

 private:
  DecoderRegistry();
  std::vector<ImageDecoder> decoders_;
};

// Decodes an in-memory file; `name` is used in error messages.
Image decode_image(const uint8_t* data, size_t size, const std::string& name,
                   const DecodeOptions& options = {});
// Reads and decodes a file (FileError when it cannot be read or is a folder).
Image decode_image_file(const std::string& path, const DecodeOptions& options = {});

// For decoders: throws ImageDecodeError for a zero-sized image or one above options.max_pixels.
void check_image_size(const std::string& name, int64_t width, int64_t height,
                      const DecodeOptions& options);
// For decoders: the EXIF Orientation (1..8) in a TIFF-structured EXIF block (with or without the
// leading "Exif\0\0"); 1 when absent or unreadable.
int exif_orientation(const uint8_t* data, size_t size);

}  // namespace clipbench
