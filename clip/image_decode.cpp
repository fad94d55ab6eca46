// The decoder registry, file reading, size checks and the EXIF orientation reader.
#include "clip/image_decode.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "clip/errors.h"
#include "clip/jpeg_decoder.h"
#include "clip/opencv_decoder.h"
#include "clip/png_decoder.h"

namespace clipbench {

DecoderRegistry::DecoderRegistry() {
  add(jpeg_decoder());
  add(png_decoder());
  for (auto& d : opencv_decoders()) add(std::move(d));
}

DecoderRegistry& DecoderRegistry::instance() {
  static DecoderRegistry registry;
  return registry;
}

void DecoderRegistry::add(ImageDecoder decoder) {
  for (const auto& d : decoders_) {
    if (d.format == decoder.format) {
      throw RegistryError(fmt::format("image decoder for {} registered twice", decoder.format));
    }
  }
  decoders_.push_back(std::move(decoder));
}

const ImageDecoder* DecoderRegistry::find(const uint8_t* data, size_t size) const {
  for (const auto& d : decoders_) {
    if (d.sniff(data, size)) return &d;
  }
  return nullptr;
}

std::vector<std::string> DecoderRegistry::formats() const {
  std::vector<std::string> out;
  for (const auto& d : decoders_) out.push_back(d.format);
  return out;
}

Image decode_image(const uint8_t* data, size_t size, const std::string& name,
                   const DecodeOptions& options) {
  if (size == 0) throw ImageDecodeError(fmt::format("{}: empty file, not an image", name));
  const auto& registry = DecoderRegistry::instance();
  const ImageDecoder* decoder = registry.find(data, size);
  if (!decoder) {
    throw ImageDecodeError(fmt::format("{}: not a recognized image (known formats: {})", name,
                                       fmt::join(registry.formats(), ", ")));
  }
  Image image = decoder->decode(data, size, name, options);
  if (options.apply_exif_orientation && image.exif_orientation != 1) {
    image = apply_exif_orientation(image);
  }
  return image;
}

Image decode_image_file(const std::string& path, const DecodeOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FileError(fmt::format("{}: is a folder, expected an image file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("{}: cannot open image file", path));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw FileError(fmt::format("{}: read error", path));
  return decode_image(bytes.data(), bytes.size(), path, options);
}

void check_image_size(const std::string& name, int64_t width, int64_t height,
                      const DecodeOptions& options) {
  if (width <= 0 || height <= 0) {
    throw ImageDecodeError(fmt::format("{}: zero-sized image ({}x{})", name, width, height));
  }
  if (width * height > options.max_pixels) {
    throw ImageDecodeError(fmt::format(
        "{}: image of {}x{} = {} pixels exceeds the limit of {} pixels (decompression bomb?)", name,
        width, height, width * height, options.max_pixels));
  }
}

int exif_orientation(const uint8_t* data, size_t size) {
  if (size >= 6 && std::memcmp(data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  if (size < 8) return 1;
  bool little;
  if (data[0] == 'I' && data[1] == 'I') {
    little = true;
  } else if (data[0] == 'M' && data[1] == 'M') {
    little = false;
  } else {
    return 1;
  }
  auto u16 = [&](size_t off) -> uint32_t {
    return little ? data[off] | (data[off + 1] << 8) : (data[off] << 8) | data[off + 1];
  };
  auto u32 = [&](size_t off) -> uint32_t {
    return little ? u16(off) | (u16(off + 2) << 16) : (u16(off) << 16) | u16(off + 2);
  };
  if (u16(2) != 42) return 1;
  const size_t ifd = u32(4);
  if (ifd + 2 > size) return 1;
  const uint32_t count = u16(ifd);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t entry = ifd + 2 + static_cast<size_t>(i) * 12;
    if (entry + 12 > size) return 1;
    if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {  // Orientation, SHORT
      const uint32_t v = u16(entry + 8);
      return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
    }
  }
  return 1;
}

}  // namespace clipbench
