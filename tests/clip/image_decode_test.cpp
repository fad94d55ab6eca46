// Decoding each Pillow mode from files the test writes, EXIF orientation, the registry, and bad
// input.
#include "clip/image_decode.h"

#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"

using namespace clipbench;
using clipbench::test::exif_with_orientation;
using clipbench::test::JpegSpec;
using clipbench::test::PngSpec;
using clipbench::test::read_bytes;
using clipbench::test::test_dir;
using clipbench::test::write_bytes;
using clipbench::test::write_jpeg_file;
using clipbench::test::write_png_file;

namespace {

int pattern(int x, int y, int c) { return (x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 7) % 256; }

PngSpec gray8(uint32_t w, uint32_t h) {
  PngSpec s{w, h, 8, PNG_COLOR_TYPE_GRAY, {}, {}, {}, {}};
  for (uint32_t y = 0; y < h; ++y) {
    std::vector<uint8_t> row(w);
    for (uint32_t x = 0; x < w; ++x) row[x] = static_cast<uint8_t>(pattern(x, y, 0));
    s.rows.push_back(row);
  }
  return s;
}

// A PNG chunk: length, type, data, CRC.
void append_chunk(std::vector<uint8_t>& out, const char* type, const std::vector<uint8_t>& data) {
  const uint32_t n = static_cast<uint32_t>(data.size());
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  std::vector<uint8_t> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  const uLong crc = crc32(0L, body.data(), static_cast<uInt>(body.size()));
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(crc >> (8 * i)));
}

// A PNG with only a header (IHDR), an empty IDAT and IEND.
std::vector<uint8_t> png_header_only(uint32_t w, uint32_t h) {
  std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  for (uint32_t v : {w, h}) {
    for (int i = 3; i >= 0; --i) ihdr.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // 8-bit gray, no interlace
  append_chunk(out, "IHDR", ihdr);
  append_chunk(out, "IDAT", {});
  append_chunk(out, "IEND", {});
  return out;
}

template <typename Fn>
std::string decode_error(Fn fn) {
  try {
    fn();
  } catch (const ImageDecodeError& e) {
    return e.what();
  }
  return "(no ImageDecodeError)";
}

}  // namespace

TEST_CASE("PNG modes decode as Pillow 9.4 opens them", "[unit]") {
  const auto dir = test_dir("png_modes");
  SECTION("8-bit gray -> L, pixels as written") {
    write_png_file(dir + "/l.png", gray8(13, 9));
    const auto im = decode_image_file(dir + "/l.png");
    CHECK(im.mode == ImageMode::kL);
    CHECK(im.width == 13);
    CHECK(im.height == 9);
    CHECK(im.data[5 * 13 + 7] == pattern(7, 5, 0));
  }
  SECTION("1-bit gray -> mode 1 stored as 0/255") {
    PngSpec s{10, 2, 1, PNG_COLOR_TYPE_GRAY, {}, {}, {}, {}};
    s.rows = {{0b10110000, 0b01000000}, {0b00000000, 0b11000000}};
    write_png_file(dir + "/bit.png", s);
    const auto im = decode_image_file(dir + "/bit.png");
    CHECK(im.mode == ImageMode::k1);
    CHECK(std::vector<uint8_t>(im.data.begin(), im.data.begin() + 10) ==
          std::vector<uint8_t>{255, 0, 255, 255, 0, 0, 0, 0, 0, 255});
    CHECK(im.data[18] == 255);
    CHECK(im.data[10] == 0);
  }
  SECTION("2-bit gray -> L scaled by 85 (Pillow's L;2)") {
    PngSpec s{4, 1, 2, PNG_COLOR_TYPE_GRAY, {{0b00011011}}, {}, {}, {}};
    write_png_file(dir + "/g2.png", s);
    const auto im = decode_image_file(dir + "/g2.png");
    CHECK(im.mode == ImageMode::kL);
    CHECK(im.data == std::vector<uint8_t>{0, 85, 170, 255});
  }
  SECTION("16-bit gray -> I with the full 16-bit values") {
    PngSpec s{3, 1, 16, PNG_COLOR_TYPE_GRAY, {{0x00, 0x07, 0x01, 0x2C, 0xFF, 0xFE}}, {}, {}, {}};
    write_png_file(dir + "/g16.png", s);
    const auto im = decode_image_file(dir + "/g16.png");
    CHECK(im.mode == ImageMode::kI);
    CHECK(im.data32 == std::vector<int32_t>{7, 300, 65534});
  }
  SECTION("16-bit RGB -> RGB keeping the high byte; 16-bit gray+alpha -> RGBA") {
    PngSpec s{1, 1, 16, PNG_COLOR_TYPE_RGB, {{0x12, 0xFF, 0x34, 0x00, 0xAB, 0x80}}, {}, {}, {}};
    write_png_file(dir + "/rgb16.png", s);
    const auto im = decode_image_file(dir + "/rgb16.png");
    CHECK(im.mode == ImageMode::kRGB);
    CHECK(im.data == std::vector<uint8_t>{0x12, 0x34, 0xAB});
    PngSpec la{1, 1, 16, PNG_COLOR_TYPE_GRAY_ALPHA, {{0x40, 0x01, 0x90, 0x02}}, {}, {}, {}};
    write_png_file(dir + "/la16.png", la);
    const auto im2 = decode_image_file(dir + "/la16.png");
    CHECK(im2.mode == ImageMode::kRGBA);
    CHECK(im2.data == std::vector<uint8_t>{0x40, 0x40, 0x40, 0x90});
  }
  SECTION("palette with transparency -> P, palette and tRNS kept, unused entries a gray ramp") {
    PngSpec s{4, 1, 4, PNG_COLOR_TYPE_PALETTE, {{0x01, 0x29}}, {}, {}, {}};
    s.palette = {{10, 20, 30}, {200, 0, 0}, {0, 200, 0}};
    s.trns = {0, 128};
    write_png_file(dir + "/p4.png", s);
    const auto im = decode_image_file(dir + "/p4.png");
    CHECK(im.mode == ImageMode::kP);
    CHECK(im.data == std::vector<uint8_t>{0, 1, 2, 9});
    REQUIRE(im.palette.size() == 768);
    CHECK(im.palette[3] == 200);
    CHECK(im.palette[9 * 3] == 9);
    REQUIRE(im.palette_alpha.size() == 256);
    CHECK(im.palette_alpha[0] == 0);
    CHECK(im.palette_alpha[1] == 128);
    CHECK(im.palette_alpha[2] == 255);
  }
  SECTION("gray+alpha -> LA, RGBA -> RGBA") {
    PngSpec s{2, 1, 8, PNG_COLOR_TYPE_GRAY_ALPHA, {{5, 6, 7, 8}}, {}, {}, {}};
    write_png_file(dir + "/la.png", s);
    const auto im = decode_image_file(dir + "/la.png");
    CHECK(im.mode == ImageMode::kLA);
    CHECK(im.data == std::vector<uint8_t>{5, 6, 7, 8});
    PngSpec r{1, 1, 8, PNG_COLOR_TYPE_RGB_ALPHA, {{1, 2, 3, 4}}, {}, {}, {}};
    write_png_file(dir + "/rgba.png", r);
    const auto im2 = decode_image_file(dir + "/rgba.png");
    CHECK(im2.mode == ImageMode::kRGBA);
    CHECK(im2.data == std::vector<uint8_t>{1, 2, 3, 4});
  }
}

TEST_CASE("JPEG modes: gray -> L, colour -> RGB, CMYK and YCCK -> inverted CMYK", "[unit]") {
  const auto dir = test_dir("jpeg_modes");
  SECTION("gray") {
    JpegSpec s{16, 8, 1, JCS_GRAYSCALE, std::vector<uint8_t>(16 * 8, 77), 95, {}};
    write_jpeg_file(dir + "/g.jpg", s);
    const auto im = decode_image_file(dir + "/g.jpg");
    CHECK(im.mode == ImageMode::kL);
    CHECK(im.data[0] == 77);  // a flat image survives the DCT exactly
  }
  SECTION("RGB") {
    JpegSpec s{16, 16, 3, JCS_YCbCr, {}, 95, {}};
    for (int i = 0; i < 16 * 16; ++i) s.pixels.insert(s.pixels.end(), {200, 100, 50});
    write_jpeg_file(dir + "/c.jpg", s);
    const auto im = decode_image_file(dir + "/c.jpg");
    CHECK(im.mode == ImageMode::kRGB);
    CHECK(std::abs(im.data[0] - 200) <= 2);
    CHECK(std::abs(im.data[1] - 100) <= 2);
    CHECK(std::abs(im.data[2] - 50) <= 2);
  }
  for (J_COLOR_SPACE stored : {JCS_CMYK, JCS_YCCK}) {
    DYNAMIC_SECTION("4 components stored as " << (stored == JCS_CMYK ? "CMYK" : "YCCK")) {
      JpegSpec s{16, 16, 4, stored, {}, 95, {}};
      for (int i = 0; i < 16 * 16; ++i) s.pixels.insert(s.pixels.end(), {30, 60, 90, 240});
      write_jpeg_file(dir + "/k.jpg", s);
      const auto im = decode_image_file(dir + "/k.jpg");
      CHECK(im.mode == ImageMode::kCMYK);
      // Pillow reads "CMYK;I": the stored bytes inverted (Adobe's convention).
      CHECK(std::abs(im.data[0] - (255 - 30)) <= 2);
      CHECK(std::abs(im.data[1] - (255 - 60)) <= 2);
      CHECK(std::abs(im.data[2] - (255 - 90)) <= 2);
      CHECK(std::abs(im.data[3] - (255 - 240)) <= 2);
    }
  }
}

TEST_CASE("EXIF orientation is read but only applied when asked", "[unit]") {
  const auto dir = test_dir("exif");
  // A 24 x 16 gray JPEG with orientation 6 (display = rotate 90 degrees clockwise), a 3 x 2 PNG
  // with 8.
  JpegSpec s{24, 16, 1, JCS_GRAYSCALE, std::vector<uint8_t>(24 * 16, 0), 100, {}};
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 8; ++x) s.pixels[y * 24 + x] = 255;  // bright left third
  }
  s.exif = exif_with_orientation(6, true);
  write_jpeg_file(dir + "/o6.jpg", s);
  PngSpec p = gray8(3, 2);
  p.exif = exif_with_orientation(8, false);
  write_png_file(dir + "/o8.png", p);

  const auto plain = decode_image_file(dir + "/o6.jpg");
  CHECK(plain.exif_orientation == 6);
  CHECK(plain.width == 24);
  DecodeOptions apply;
  apply.apply_exif_orientation = true;
  const auto rotated = decode_image_file(dir + "/o6.jpg", apply);
  CHECK(rotated.width == 16);
  CHECK(rotated.height == 24);
  CHECK(rotated.exif_orientation == 1);
  CHECK(rotated.data[0] > 200);            // the bright left side is now on top
  CHECK(rotated.data[23 * 16 + 15] < 50);  // bottom rows were the right side

  const auto png_plain = decode_image_file(dir + "/o8.png");
  CHECK(png_plain.exif_orientation == 8);
  const auto png_rot = decode_image_file(dir + "/o8.png", apply);
  REQUIRE(png_rot.width == 2);
  REQUIRE(png_rot.height == 3);
  // Orientation 8: rotate 90 degrees counter-clockwise (Pillow's ROTATE_90): the top row of the
  // result is the rightmost column of the stored image, top to bottom.
  CHECK(png_rot.data[0] == pattern(2, 0, 0));
  CHECK(png_rot.data[1] == pattern(2, 1, 0));
  CHECK(png_rot.data[4] == pattern(0, 0, 0));
}

TEST_CASE("the decoder registry sniffs magic bytes and refuses duplicates", "[unit]") {
  auto& registry = DecoderRegistry::instance();
  const auto formats = registry.formats();
  CHECK(std::count(formats.begin(), formats.end(), "JPEG") == 1);
  CHECK(std::count(formats.begin(), formats.end(), "PNG") == 1);
  CHECK(std::count(formats.begin(), formats.end(), "WebP") == 1);
  const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0};
  REQUIRE(registry.find(jpeg, sizeof jpeg) != nullptr);
  CHECK(registry.find(jpeg, sizeof jpeg)->format == "JPEG");
  const uint8_t text[] = {'h', 'e', 'l', 'l', 'o'};
  CHECK(registry.find(text, sizeof text) == nullptr);
  ImageDecoder dup{"PNG", [](const uint8_t*, size_t) { return false; }, nullptr};
  CHECK_THROWS_AS(registry.add(dup), RegistryError);
  CHECK(registry.formats() == formats);
}

TEST_CASE("formats other than JPEG and PNG go through OpenCV or fail naming the format", "[unit]") {
  const auto dir = test_dir("opencv_formats");
  // Binary PPM (P6) 2 x 1 and PGM (P5) 2 x 1, written by hand.
  std::vector<uint8_t> ppm = {'P', '6', '\n', '2', ' ', '1', '\n', '2', '5', '5', '\n'};
  ppm.insert(ppm.end(), {10, 20, 30, 40, 50, 60});
  write_bytes(dir + "/a.ppm", ppm);
  std::vector<uint8_t> pbm = {'P', '4', '\n', '3', ' ', '1', '\n', 0b10100000};
  write_bytes(dir + "/b.pbm", pbm);
  std::vector<uint8_t> gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};
  write_bytes(dir + "/c.gif", gif);
#ifdef CLIPBENCH_WITH_OPENCV
  const auto im = decode_image_file(dir + "/a.ppm");
  CHECK(im.mode == ImageMode::kRGB);
  CHECK(im.data == std::vector<uint8_t>{10, 20, 30, 40, 50, 60});
  const auto bits = decode_image_file(dir + "/b.pbm");
  CHECK(bits.mode == ImageMode::k1);
  CHECK(bits.data == std::vector<uint8_t>{0, 255, 0});  // PBM 1 = black
  // OpenCV 4.6 has no GIF reader: the error names the file and the format.
  const auto msg = decode_error([&] { decode_image_file(dir + "/c.gif"); });
  CHECK_THAT(msg, Catch::Contains(dir + "/c.gif") && Catch::Contains("GIF"));
#else
  const auto msg = decode_error([&] { decode_image_file(dir + "/a.ppm"); });
  CHECK_THAT(
      msg, Catch::Contains(dir + "/a.ppm") && Catch::Contains("PNM") && Catch::Contains("OpenCV"));
#endif
}

TEST_CASE("bad input is an ImageDecodeError naming the file", "[unit]") {
  const auto dir = test_dir("bad_input");
  JpegSpec js{64, 64, 3, JCS_YCbCr, std::vector<uint8_t>(64 * 64 * 3), 90, {}};
  for (size_t i = 0; i < js.pixels.size(); ++i) js.pixels[i] = static_cast<uint8_t>(i * 7);
  write_jpeg_file(dir + "/ok.jpg", js);
  write_png_file(dir + "/ok.png", gray8(40, 30));
  const auto jpeg = read_bytes(dir + "/ok.jpg");
  const auto png = read_bytes(dir + "/ok.png");

  SECTION("truncated JPEG") {
    const std::string path = dir + "/truncated.jpg";
    write_bytes(path, {jpeg.begin(), jpeg.begin() + jpeg.size() / 2});
    const auto msg = decode_error([&] { decode_image_file(path); });
    CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("JPEG"));
  }
  SECTION("JPEG cut inside its header") {
    const std::string path = dir + "/header.jpg";
    write_bytes(path, {jpeg.begin(), jpeg.begin() + 40});
    CHECK_THAT(decode_error([&] { decode_image_file(path); }), Catch::Contains(path));
  }
  SECTION("truncated PNG") {
    const std::string path = dir + "/truncated.png";
    write_bytes(path, {png.begin(), png.begin() + png.size() / 2});
    const auto msg = decode_error([&] { decode_image_file(path); });
    CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("PNG"));
  }
  SECTION("PNG with a corrupted chunk (CRC mismatch)") {
    const std::string path = dir + "/crc.png";
    auto bad = png;
    bad[20] ^= 0x5A;  // inside IHDR
    write_bytes(path, bad);
    CHECK_THAT(decode_error([&] { decode_image_file(path); }), Catch::Contains(path));
  }
  SECTION("zero-sized PNG and JPEG") {
    const std::string path = dir + "/zero.png";
    write_bytes(path, png_header_only(0, 5));
    const auto msg = decode_error([&] { decode_image_file(path); });
    CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("zero"));
    // A JPEG whose frame header says height 0.
    auto z = jpeg;
    for (size_t i = 2; i + 8 < z.size(); ++i) {
      if (z[i] == 0xFF && z[i + 1] == 0xC0) {  // SOF0: FF C0, length(2), precision(1), height(2)
        z[i + 5] = 0;
        z[i + 6] = 0;
        break;
      }
    }
    const std::string jpath = dir + "/zero.jpg";
    write_bytes(jpath, z);
    CHECK_THAT(decode_error([&] { decode_image_file(jpath); }), Catch::Contains(jpath));
  }
  SECTION("not an image, empty file, missing file") {
    const std::string path = dir + "/notes.txt";
    write_bytes(path, {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
    CHECK_THAT(decode_error([&] { decode_image_file(path); }),
               Catch::Contains(path) && Catch::Contains("not a recognized image"));
    const std::string empty = dir + "/empty.png";
    write_bytes(empty, {});
    CHECK_THAT(decode_error([&] { decode_image_file(empty); }), Catch::Contains(empty));
    CHECK_THROWS_AS(decode_image_file(dir + "/missing.png"), FileError);
  }
  SECTION("pixel limit: Pillow's default and a configured one") {
    const std::string path = dir + "/huge.png";
    write_bytes(path, png_header_only(10000, 9000));  // 90,000,000 > 89,478,485
    CHECK_THAT(decode_error([&] { decode_image_file(path); }),
               Catch::Contains(path) && Catch::Contains("exceeds the limit of 89478485"));
    DecodeOptions small;
    small.max_pixels = 1199;  // ok.png is 40 x 30 = 1200
    CHECK_THAT(decode_error([&] { decode_image_file(dir + "/ok.png", small); }),
               Catch::Contains(dir + "/ok.png") && Catch::Contains("1200 pixels"));
    CHECK_THAT(decode_error([&] { decode_image_file(dir + "/ok.jpg", small); }),
               Catch::Contains(dir + "/ok.jpg") && Catch::Contains("4096 pixels"));
    small.max_pixels = 1200;
    CHECK(decode_image_file(dir + "/ok.png", small).width == 40);
  }
}
