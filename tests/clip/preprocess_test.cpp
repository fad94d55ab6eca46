// Resize + crop + RGB conversion per mode against values verified with Pillow 9.4; geometry;
// tensors.
#include "clip/preprocess.h"

#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "clip/image_convert.h"
#include "clip/image_decode.h"
#include "clip/pillow_resize.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"

using namespace clipbench;
using clipbench::test::JpegSpec;
using clipbench::test::PngSpec;
using clipbench::test::test_dir;
using clipbench::test::write_jpeg_file;
using clipbench::test::write_png_file;

namespace {

int pattern(int x, int y, int c) { return (x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 7) % 256; }

// Rows of a 13 x 9 (or w x h) 8-bit PNG with `ch` channels; channel ch - 1 is alpha when asked.
PngSpec pattern_png(uint32_t w, uint32_t h, int color_type, int ch, bool alpha) {
  PngSpec s{w, h, 8, color_type, {}, {}, {}, {}};
  for (uint32_t y = 0; y < h; ++y) {
    std::vector<uint8_t> row;
    for (uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < ch; ++c) {
        const bool is_alpha = alpha && c == ch - 1;
        row.push_back(
            static_cast<uint8_t>(is_alpha ? std::min<int>(255, x * 23 + y * 3) : pattern(x, y, c)));
      }
    }
    s.rows.push_back(row);
  }
  return s;
}

// The mode test inputs (written by the test; the expected values below were computed from these
// very files with Pillow 9.4.0 + torchvision 0.14: Resize(n, BICUBIC), CenterCrop(n),
// convert("RGB"), then np.asarray(...).ravel()).
void write_mode_inputs(const std::string& dir) {
  write_png_file(dir + "/l.png", pattern_png(13, 9, PNG_COLOR_TYPE_GRAY, 1, false));
  write_png_file(dir + "/l_up.png", pattern_png(5, 4, PNG_COLOR_TYPE_GRAY, 1, false));
  write_png_file(dir + "/la.png", pattern_png(13, 9, PNG_COLOR_TYPE_GRAY_ALPHA, 2, true));
  write_png_file(dir + "/rgb.png", pattern_png(13, 9, PNG_COLOR_TYPE_RGB, 3, false));
  write_png_file(dir + "/rgba.png", pattern_png(13, 9, PNG_COLOR_TYPE_RGB_ALPHA, 4, true));
  {  // 4-bit palette, 6 entries, indices 0..7 (6 and 7 beyond the palette), tRNS on 3 entries
    PngSpec s{13, 9, 4, PNG_COLOR_TYPE_PALETTE, {}, {}, {}, {}};
    s.palette = {{10, 20, 30}, {200, 0, 0}, {0, 200, 0}, {0, 0, 200}, {255, 255, 0}, {9, 99, 199}};
    s.trns = {0, 128, 255};
    for (uint32_t y = 0; y < 9; ++y) {
      std::vector<uint8_t> row((13 + 1) / 2, 0);
      for (uint32_t x = 0; x < 13; ++x) {
        const int idx = (x * 3 + y * 5) % 8;
        row[x / 2] |= static_cast<uint8_t>(x % 2 == 0 ? idx << 4 : idx);
      }
      s.rows.push_back(row);
    }
    write_png_file(dir + "/p.png", s);
  }
  {  // 1-bit gray
    PngSpec s{13, 9, 1, PNG_COLOR_TYPE_GRAY, {}, {}, {}, {}};
    for (uint32_t y = 0; y < 9; ++y) {
      std::vector<uint8_t> row(2, 0);
      for (uint32_t x = 0; x < 13; ++x) {
        if ((x + 2 * y) % 3 == 0) row[x / 8] |= static_cast<uint8_t>(0x80 >> (x % 8));
      }
      s.rows.push_back(row);
    }
    write_png_file(dir + "/bit.png", s);
  }
  {  // 16-bit gray: values 0..900, so the "I" -> RGB clip at 255 matters
    PngSpec s{13, 9, 16, PNG_COLOR_TYPE_GRAY, {}, {}, {}, {}};
    for (uint32_t y = 0; y < 9; ++y) {
      std::vector<uint8_t> row;
      for (uint32_t x = 0; x < 13; ++x) {
        const int v = x * y * 7 + x * 19;
        row.push_back(static_cast<uint8_t>(v >> 8));
        row.push_back(static_cast<uint8_t>(v & 0xFF));
      }
      s.rows.push_back(row);
    }
    write_png_file(dir + "/i16.png", s);
  }
  for (int ch : {3, 4}) {  // RGB (YCbCr) and YCCK JPEG, quality 90
    JpegSpec s{13, 9, ch, ch == 4 ? JCS_YCCK : JCS_YCbCr, {}, 90, {}};
    for (int y = 0; y < 9; ++y) {
      for (int x = 0; x < 13; ++x) {
        for (int c = 0; c < ch; ++c) s.pixels.push_back(static_cast<uint8_t>(pattern(x, y, c)));
      }
    }
    write_jpeg_file(dir + (ch == 4 ? "/cmyk.jpg" : "/rgb.jpg"), s);
  }
}

struct ModeCase {
  const char* file;
  ImageMode mode;
  int n;
  std::vector<int> expected;  // RGB bytes of resize_and_crop_rgb(image, n), from Pillow 9.4
};

// BEGIN PILLOW EXPECTATIONS (generated at dev time with Pillow 9.4.0, see write_mode_inputs)
const std::vector<ModeCase>& mode_cases() {
  static const std::vector<ModeCase> cases = {
      {"l.png", ImageMode::kL, 5, {130, 130, 130, 112, 112, 112, 132, 132, 132, 102, 102, 102, 99,
                                   99,  99,  122, 122, 122, 140, 140, 140, 152, 152, 152, 89,  89,
                                   89,  97,  97,  97,  147, 147, 147, 119, 119, 119, 122, 122, 122,
                                   169, 169, 169, 119, 119, 119, 128, 128, 128, 136, 136, 136, 72,
                                   72,  72,  132, 132, 132, 144, 144, 144, 92,  92,  92,  129, 129,
                                   129, 134, 134, 134, 157, 157, 157, 127, 127, 127}},
      {"l_up.png",
       ImageMode::kL,
       12,
       {0,   0,   0,   12,  12,  12,  27,  27,  27,  38,  38,  38,  51,  51,  51,  63,  63,  63,
        74,  74,  74,  86,  86,  86,  99,  99,  99,  123, 123, 123, 146, 146, 146, 162, 162, 162,
        9,   9,   9,   22,  22,  22,  37,  37,  37,  49,  49,  49,  62,  62,  62,  74,  74,  74,
        86,  86,  86,  99,  99,  99,  111, 111, 111, 126, 126, 126, 139, 139, 139, 148, 148, 148,
        31,  31,  31,  45,  45,  45,  61,  61,  61,  76,  76,  76,  93,  93,  93,  108, 108, 108,
        124, 124, 124, 140, 140, 140, 147, 147, 147, 137, 137, 137, 119, 119, 119, 106, 106, 106,
        65,  65,  65,  79,  79,  79,  97,  97,  97,  116, 116, 116, 137, 137, 137, 156, 156, 156,
        178, 178, 178, 198, 198, 198, 197, 197, 197, 152, 152, 152, 89,  89,  89,  47,  47,  47,
        102, 102, 102, 118, 118, 118, 135, 135, 135, 150, 150, 150, 164, 164, 164, 179, 179, 179,
        203, 203, 203, 227, 227, 227, 223, 223, 223, 158, 158, 158, 71,  71,  71,  11,  11,  11,
        145, 145, 145, 165, 165, 165, 177, 177, 177, 168, 168, 168, 148, 148, 148, 138, 138, 138,
        155, 155, 155, 181, 181, 181, 184, 184, 184, 139, 139, 139, 76,  76,  76,  32,  32,  32,
        189, 189, 189, 214, 214, 214, 219, 219, 219, 177, 177, 177, 112, 112, 112, 69,  69,  69,
        73,  73,  73,  100, 100, 100, 118, 118, 118, 109, 109, 109, 93,  93,  93,  81,  81,  81,
        203, 203, 203, 231, 231, 231, 233, 233, 233, 174, 174, 174, 87,  87,  87,  28,  28,  28,
        26,  26,  26,  53,  53,  53,  79,  79,  79,  99,  99,  99,  118, 118, 118, 130, 130, 130,
        155, 155, 155, 182, 182, 182, 189, 189, 189, 150, 150, 150, 90,  90,  90,  51,  51,  51,
        54,  54,  54,  79,  79,  79,  105, 105, 105, 132, 132, 132, 159, 159, 159, 177, 177, 177,
        82,  82,  82,  105, 105, 105, 122, 122, 122, 117, 117, 117, 104, 104, 104, 99,  99,  99,
        111, 111, 111, 133, 133, 133, 155, 155, 155, 180, 180, 180, 204, 204, 204, 220, 220, 220,
        31,  31,  31,  52,  52,  52,  75,  75,  75,  94,  94,  94,  114, 114, 114, 133, 133, 133,
        152, 152, 152, 172, 172, 172, 191, 191, 191, 214, 214, 214, 235, 235, 235, 249, 249, 249,
        13,  13,  13,  33,  33,  33,  58,  58,  58,  86,  86,  86,  117, 117, 117, 144, 144, 144,
        165, 165, 165, 185, 185, 185, 203, 203, 203, 226, 226, 226, 247, 247, 247, 255, 255, 255}},
      {"la.png", ImageMode::kLA, 5, {134, 134, 134, 111, 111, 111, 128, 128, 128, 105, 105,
                                     105, 97,  97,  97,  123, 123, 123, 141, 141, 141, 150,
                                     150, 150, 91,  91,  91,  96,  96,  96,  143, 143, 143,
                                     116, 116, 116, 124, 124, 124, 170, 170, 170, 115, 115,
                                     115, 127, 127, 127, 133, 133, 133, 75,  75,  75,  130,
                                     130, 130, 144, 144, 144, 88,  88,  88,  129, 129, 129,
                                     139, 139, 139, 150, 150, 150, 129, 129, 129}},
      {"rgb.png", ImageMode::kRGB, 5, {130, 136, 139, 112, 146, 155, 132, 116, 131, 102, 129,
                                       128, 99,  112, 149, 122, 133, 140, 140, 138, 134, 152,
                                       95,  120, 89,  138, 149, 97,  90,  117, 147, 130, 121,
                                       119, 145, 156, 122, 127, 133, 169, 129, 102, 119, 145,
                                       91,  128, 170, 77,  136, 131, 114, 72,  96,  136, 132,
                                       149, 111, 144, 118, 133, 92,  127, 178, 129, 113, 125,
                                       134, 123, 144, 157, 133, 124, 127, 128, 119}},
      {"rgba.png", ImageMode::kRGBA, 5, {134, 125, 139, 111, 151, 151, 128, 113, 137, 105, 128,
                                         126, 97,  113, 148, 123, 140, 136, 141, 138, 133, 150,
                                         92,  123, 91,  139, 147, 96,  89,  120, 143, 131, 119,
                                         116, 145, 159, 124, 127, 129, 170, 130, 103, 115, 142,
                                         91,  127, 171, 65,  133, 130, 117, 75,  93,  134, 130,
                                         152, 112, 144, 114, 130, 88,  125, 180, 129, 118, 121,
                                         139, 117, 142, 150, 135, 126, 129, 127, 117}},
      {"p.png", ImageMode::kP, 5, {6,   6,   6,   255, 255, 0,   0,   200, 0,   10,  20,  30,  6,
                                   6,   6,   10,  20,  30,  6,   6,   6,   255, 255, 0,   0,   200,
                                   0,   10,  20,  30,  0,   200, 0,   10,  20,  30,  6,   6,   6,
                                   255, 255, 0,   0,   200, 0,   255, 255, 0,   0,   200, 0,   10,
                                   20,  30,  6,   6,   6,   255, 255, 0,   6,   6,   6,   255, 255,
                                   0,   0,   200, 0,   10,  20,  30,  6,   6,   6}},
      {"bit.png",
       ImageMode::k1,
       5,
       {0, 0, 0, 0,   0,   0,   255, 255, 255, 0, 0, 0, 0,   0,   0,   255, 255, 255, 0,
        0, 0, 0, 0,   0,   255, 255, 255, 0,   0, 0, 0, 0,   0,   255, 255, 255, 0,   0,
        0, 0, 0, 0,   255, 255, 255, 0,   0,   0, 0, 0, 0,   255, 255, 255, 0,   0,   0,
        0, 0, 0, 255, 255, 255, 0,   0,   0,   0, 0, 0, 255, 255, 255, 0,   0,   0}},
      {"i16.png", ImageMode::kI, 5, {49,  49,  49,  91,  91,  91,  132, 132, 132, 173, 173,
                                     173, 215, 215, 215, 76,  76,  76,  140, 140, 140, 204,
                                     204, 204, 255, 255, 255, 255, 255, 255, 105, 105, 105,
                                     194, 194, 194, 255, 255, 255, 255, 255, 255, 255, 255,
                                     255, 134, 134, 134, 248, 248, 248, 255, 255, 255, 255,
                                     255, 255, 255, 255, 255, 161, 161, 161, 255, 255, 255,
                                     255, 255, 255, 255, 255, 255, 255, 255, 255}},
      {"cmyk.jpg", ImageMode::kCMYK, 5, {61, 67, 63, 49, 61, 58, 41,  43, 59, 72, 70, 77, 54,
                                         66, 59, 60, 80, 70, 67, 73,  67, 75, 53, 72, 66, 70,
                                         76, 46, 62, 69, 65, 80, 63,  48, 59, 56, 64, 59, 60,
                                         59, 59, 53, 52, 62, 59, 63,  74, 59, 59, 64, 70, 60,
                                         59, 79, 61, 70, 57, 44, 44,  40, 46, 57, 59, 84, 71,
                                         61, 84, 60, 75, 90, 99, 110, 69, 78, 73}},
      {"rgb.jpg", ImageMode::kRGB, 5, {131, 137, 134, 123, 145, 140, 111, 120, 163, 118, 119,
                                       128, 98,  121, 107, 112, 142, 128, 126, 145, 130, 132,
                                       102, 135, 124, 122, 135, 83,  97,  112, 121, 144, 116,
                                       117, 149, 139, 127, 126, 126, 146, 137, 126, 122, 135,
                                       131, 135, 157, 125, 126, 131, 146, 93,  89,  120, 127,
                                       149, 120, 126, 131, 116, 104, 129, 133, 138, 112, 98,
                                       158, 111, 139, 124, 144, 157, 116, 132, 123}},
  };
  return cases;
}
// END PILLOW EXPECTATIONS

}  // namespace

TEST_CASE("resize + crop + convert(RGB) per mode equals Pillow 9.4 on the test's own files",
          "[unit]") {
  const auto dir = test_dir("preprocess_modes");
  write_mode_inputs(dir);
  const bool simd = GENERATE(true, false);  // both builds of the resize loops
  set_resize_simd_enabled(simd);
  INFO("SIMD loops " << simd);
  REQUIRE(mode_cases().size() == 10);
  for (const auto& c : mode_cases()) {
    INFO("file " << c.file);
    const auto image = decode_image_file(dir + "/" + c.file);
    CHECK(image.mode == c.mode);
    const auto rgb = resize_and_crop_rgb(image, c.n);
    REQUIRE(rgb.mode == ImageMode::kRGB);
    REQUIRE(rgb.width == c.n);
    REQUIRE(rgb.height == c.n);
    CHECK(std::vector<int>(rgb.data.begin(), rgb.data.end()) == c.expected);
  }
  set_resize_simd_enabled(true);
}

TEST_CASE("torchvision Resize / CenterCrop geometry", "[unit]") {
  // Values from torchvision 0.14's _compute_resized_output_size and center_crop.
  auto g = reference_geometry(640, 427, 224);
  CHECK(g.resized_width == 335);  // int(224 * 640 / 427) = int(335.73...)
  CHECK(g.resized_height == 224);
  CHECK(g.crop_left == 56);  // round(55.5) = 56 (even)
  CHECK(g.crop_top == 0);
  g = reference_geometry(339, 224, 224);
  CHECK(g.resized_width == 339);
  CHECK(g.crop_left == 58);  // round(57.5) = 58 (even)
  g = reference_geometry(224, 341, 224);
  CHECK(g.resized_height == 341);
  CHECK(g.crop_top == 58);  // round(58.5) = 58 (even)
  g = reference_geometry(301, 453, 224);
  CHECK(g.resized_width == 224);
  CHECK(g.resized_height == 337);  // int(224 * 453 / 301) = int(337.116...)
  CHECK(g.crop_top == 56);         // round(56.5) = 56
  g = reference_geometry(1000, 50, 224);
  CHECK(g.resized_width == 4480);
  CHECK(g.crop_left == 2128);
  g = reference_geometry(7, 5, 224);
  CHECK(g.resized_width == 313);  // int(224 * 7 / 5) = int(313.6)
  CHECK(g.crop_left == 44);       // round(44.5) = 44
  CHECK_THROWS_AS(reference_geometry(0, 5, 224), std::invalid_argument);
}

TEST_CASE("resize properties: constant images stay constant, same size is a copy, crop = window",
          "[unit]") {
  Image flat = Image::blank(37, 23, ImageMode::kRGB);
  std::fill(flat.data.begin(), flat.data.end(), 173);
  for (auto [w, h] : {std::pair{5, 3}, {80, 51}, {37, 7}, {200, 23}}) {
    const auto out = pillow_resize(flat, w, h);
    CHECK(std::all_of(out.data.begin(), out.data.end(), [](uint8_t v) { return v == 173; }));
  }
  // RGBA at the same size is returned unchanged (no premultiply round trip, as Pillow's copy()).
  Image rgba = Image::blank(4, 4, ImageMode::kRGBA);
  for (size_t i = 0; i < rgba.data.size(); ++i) rgba.data[i] = static_cast<uint8_t>(i * 37 + 1);
  CHECK(pillow_resize(rgba, 4, 4).data == rgba.data);
  // The cropped variant equals cropping the full resize, for every mode path.
  Image gray = Image::blank(29, 17, ImageMode::kL);
  for (size_t i = 0; i < gray.data.size(); ++i)
    gray.data[i] = static_cast<uint8_t>(pattern(i % 29, i / 29, 0));
  for (const Image& im : {gray, rgba, convert_to_rgb(gray)}) {
    const auto full = pillow_resize(im, 45, 11);
    const auto window = pillow_resize_crop(im, 45, 11, 7, 3, 20, 6);
    CHECK(window.data == crop_image(full, 7, 3, 20, 6).data);
  }
  CHECK_THROWS_AS(pillow_resize(gray, 0, 5), std::invalid_argument);
}

TEST_CASE("ToTensor + Normalize in float32 with CLIP's and ImageNet's statistics", "[unit]") {
  Image rgb = Image::blank(2, 1, ImageMode::kRGB);
  rgb.data = {0, 128, 255, 10, 20, 30};
  const auto t = to_normalized_tensor(rgb, Normalization::clip());
  REQUIRE(t.sizes() == torch::IntArrayRef({3, 1, 2}));
  REQUIRE(t.dtype() == torch::kFloat32);
  // torchvision: (img.float() / 255 - mean) / std, all float32.
  const auto ref =
      (torch::tensor({0.f, 10.f, 128.f, 20.f, 255.f, 30.f}).reshape({3, 1, 2}) / 255.0f -
       torch::tensor({0.48145466f, 0.4578275f, 0.40821073f}).reshape({3, 1, 1})) /
      torch::tensor({0.26862954f, 0.26130258f, 0.27577711f}).reshape({3, 1, 1});
  CHECK(torch::equal(t, ref));
  CHECK(t[0][0][0].item<float>() == Approx(-0.48145466 / 0.26862954).epsilon(1e-6));
  const auto inet = to_normalized_tensor(rgb, Normalization::imagenet());
  CHECK(inet[2][0][0].item<float>() == Approx((1.0 - 0.406) / 0.225).epsilon(1e-6));
}

TEST_CASE("preprocess_image, load_and_preprocess and batches agree", "[unit]") {
  const auto dir = test_dir("preprocess_batch");
  write_png_file(dir + "/a.png", pattern_png(13, 9, PNG_COLOR_TYPE_RGB, 3, false));
  write_png_file(dir + "/b.png", pattern_png(9, 20, PNG_COLOR_TYPE_GRAY, 1, false));
  const auto a = load_and_preprocess(dir + "/a.png", 8);
  REQUIRE(a.sizes() == torch::IntArrayRef({3, 8, 8}));
  const auto a_img = decode_image_file(dir + "/a.png");
  CHECK(torch::equal(a, preprocess_image(a_img, 8, Normalization::clip())));
  CHECK(
      torch::equal(a, to_normalized_tensor(resize_and_crop_rgb(a_img, 8), Normalization::clip())));
  const auto batch = load_and_preprocess_batch({dir + "/a.png", dir + "/b.png"}, 8);
  REQUIRE(batch.sizes() == torch::IntArrayRef({2, 3, 8, 8}));
  CHECK(torch::equal(batch[0], a));
  CHECK(torch::equal(batch[1], load_and_preprocess(dir + "/b.png", 8)));
  const auto b_img = decode_image_file(dir + "/b.png");
  CHECK(torch::equal(preprocess_batch({a_img, b_img}, 8), batch));
  CHECK(preprocess_batch({}, 8).sizes() == torch::IntArrayRef({0, 3, 8, 8}));
  CHECK_THROWS_AS(load_and_preprocess(dir + "/none.png", 8), FileError);
}
