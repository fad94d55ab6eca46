// Test helpers that write PNG and JPEG files with libpng / libjpeg (tests make their own inputs).
#pragma once

#include <jpeglib.h>
#include <png.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace clipbench::test {

// A fresh folder for a test's files under the build tree (kept after the run for inspection).
inline std::string test_dir(const std::string& name) {
  const auto dir = std::filesystem::path(CLIPBENCH_BINARY_DIR) / "test_files" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct PngSpec {
  uint32_t width = 0, height = 0;
  int bit_depth = 8;
  int color_type = PNG_COLOR_TYPE_RGB;
  // Rows as libpng expects them: packed below 8 bits, big-endian at 16 bits.
  std::vector<std::vector<uint8_t>> rows;
  std::vector<png_color> palette;  // PNG_COLOR_TYPE_PALETTE
  std::vector<uint8_t> trns;       // palette alpha
  std::vector<uint8_t> exif;       // eXIf chunk (TIFF header onwards)
};

// Writes a PNG with libpng (its default error handling: these inputs are always valid).
inline void write_png_file(const std::string& path, const PngSpec& s) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot open " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_set_IHDR(png, info, s.width, s.height, s.bit_depth, s.color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!s.palette.empty()) {
    png_set_PLTE(png, info, s.palette.data(), static_cast<int>(s.palette.size()));
    png_set_check_for_invalid_index(png, 0);  // tests write indices beyond the palette on purpose
  }
  if (!s.trns.empty()) {
    png_set_tRNS(png, info, s.trns.data(), static_cast<int>(s.trns.size()), nullptr);
  }
#ifdef PNG_eXIf_SUPPORTED
  if (!s.exif.empty())
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(s.exif.size()),
                   const_cast<png_bytep>(s.exif.data()));
#endif
  png_write_info(png, info);
  for (const auto& row : s.rows) png_write_row(png, row.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
}

struct JpegSpec {
  int width = 0, height = 0;
  int components = 3;                // 1 gray, 3 RGB, 4 CMYK
  J_COLOR_SPACE stored = JCS_YCbCr;  // colour space in the file: JCS_YCCK or JCS_CMYK for 4
  std::vector<uint8_t> pixels;       // interleaved, width * height * components
  int quality = 90;
  std::vector<uint8_t> exif;  // APP1 payload including "Exif\0\0"
};

// Writes a baseline JPEG with libjpeg (4 components: Adobe marker written by libjpeg).
inline void write_jpeg_file(const std::string& path, const JpegSpec& s) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot open " + path);
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(s.width);
  cinfo.image_height = static_cast<JDIMENSION>(s.height);
  cinfo.input_components = s.components;
  cinfo.in_color_space = s.components == 1 ? JCS_GRAYSCALE : s.components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  if (s.components == 4) jpeg_set_colorspace(&cinfo, s.stored);
  jpeg_set_quality(&cinfo, s.quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  if (!s.exif.empty()) {
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, s.exif.data(), static_cast<unsigned>(s.exif.size()));
  }
  const size_t stride = static_cast<size_t>(s.width) * s.components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(s.pixels.data() + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(f);
}

// A big-endian EXIF block ("Exif\0\0" + TIFF header + one IFD) holding only Orientation.
inline std::vector<uint8_t> exif_with_orientation(int orientation, bool with_prefix) {
  std::vector<uint8_t> b;
  if (with_prefix) b = {'E', 'x', 'i', 'f', 0, 0};
  const std::vector<uint8_t> tiff = {'M',  'M',
                                     0,    42,
                                     0,    0,
                                     0,    8,  // header, IFD at 8
                                     0,    1,  // one entry
                                     0x01, 0x12,
                                     0,    3,
                                     0,    0,
                                     0,    1,  // Orientation, SHORT, count 1
                                     0,    static_cast<uint8_t>(orientation),
                                     0,    0,
                                     0,    0,
                                     0,    0};  // no next IFD
  b.insert(b.end(), tiff.begin(), tiff.end());
  return b;
}

}  // namespace clipbench::test
