// open_clip's per-model image transforms (squash, bilinear) against Pillow 9.4 on the fixtures'
// images, and ImagePreprocess's names, keys and normalization.
#include <torch/torch.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "clip/image_decode.h"
#include "clip/pillow_resize.h"
#include "clip/preprocess.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

using namespace clipbench;

namespace {

struct VariantCase {
  const char* input;  // a file of ../shared/fixtures/preprocess
  const char* interpolation;
  const char* resize_mode;
  int64_t n;
  uint64_t fnv1a64;  // of the RGB bytes Pillow gives
  int64_t byte_sum;
};

const std::vector<VariantCase>& variant_cases() {
  static const std::vector<VariantCase> cases = {
      // BEGIN PILLOW EXPECTATIONS (generated with Pillow 9.4.0 by
      // scripts/gen_preprocess_expectations.py)
      {"p01_photo_jpeg.jpg", "bilinear", "shortest", 224, 0xa2a416fd66b5b7b1ULL, 21731080},
      {"p01_photo_jpeg.jpg", "bilinear", "shortest", 336, 0xd29d647a2454e265ULL, 48877694},
      {"p01_photo_jpeg.jpg", "bicubic", "squash", 224, 0x544459a6743dd0b3ULL, 21638610},
      {"p01_photo_jpeg.jpg", "bicubic", "squash", 336, 0x7203f4ceebc8be31ULL, 48686094},
      {"p01_photo_jpeg.jpg", "bilinear", "squash", 224, 0x51f8b80944b4272eULL, 21639097},
      {"p01_photo_jpeg.jpg", "bilinear", "squash", 336, 0x73d6ba123add206dULL, 48687274},
      {"p02_photo2_jpeg.jpg", "bilinear", "shortest", 224, 0xa5cd72244170d50cULL, 10780455},
      {"p02_photo2_jpeg.jpg", "bilinear", "shortest", 336, 0x8f93fda3b5c26fcaULL, 24265795},
      {"p02_photo2_jpeg.jpg", "bicubic", "squash", 224, 0x063b4fa206eaacf0ULL, 9323893},
      {"p02_photo2_jpeg.jpg", "bicubic", "squash", 336, 0xf290cec88e6ae299ULL, 20979848},
      {"p02_photo2_jpeg.jpg", "bilinear", "squash", 224, 0x34b5dbeae483717bULL, 9323720},
      {"p02_photo2_jpeg.jpg", "bilinear", "squash", 336, 0x469174c1833ca84eULL, 20979641},
      {"p03_gray_png.png", "bilinear", "shortest", 224, 0x2fad791509dd3747ULL, 21818472},
      {"p03_gray_png.png", "bilinear", "shortest", 336, 0x50a04a24c3b68e79ULL, 49094568},
      {"p03_gray_png.png", "bicubic", "squash", 224, 0x0d194ade3e74e5acULL, 21784743},
      {"p03_gray_png.png", "bicubic", "squash", 336, 0xb92be1e905ca7d8eULL, 49015311},
      {"p03_gray_png.png", "bilinear", "squash", 224, 0x97a3f76ef0933bdfULL, 21784884},
      {"p03_gray_png.png", "bilinear", "squash", 336, 0xe2e03ef5cd0945e8ULL, 49020231},
      {"p04_tiny_rgb_png.png", "bilinear", "shortest", 224, 0xe318463b48256ccbULL, 10502576},
      {"p04_tiny_rgb_png.png", "bilinear", "shortest", 336, 0xa1b140f8b7a67048ULL, 23641213},
      {"p04_tiny_rgb_png.png", "bicubic", "squash", 224, 0x9031450755c25334ULL, 9324621},
      {"p04_tiny_rgb_png.png", "bicubic", "squash", 336, 0xf54142d76b4e05b6ULL, 20979977},
      {"p04_tiny_rgb_png.png", "bilinear", "squash", 224, 0xa4aa959247e7d46cULL, 9305231},
      {"p04_tiny_rgb_png.png", "bilinear", "squash", 336, 0x8b860771b6cd8c05ULL, 20939806},
      {"p05_fashion_mnist.png", "bilinear", "shortest", 224, 0xbac501fe62fcb89dULL, 6426372},
      {"p05_fashion_mnist.png", "bilinear", "shortest", 336, 0xc4f440e28ab6b911ULL, 14457888},
      {"p05_fashion_mnist.png", "bicubic", "squash", 224, 0x3d8b5397b5970b0aULL, 6482517},
      {"p05_fashion_mnist.png", "bicubic", "squash", 336, 0x50fa59e42f22e6ceULL, 14587665},
      {"p05_fashion_mnist.png", "bilinear", "squash", 224, 0xbac501fe62fcb89dULL, 6426372},
      {"p05_fashion_mnist.png", "bilinear", "squash", 336, 0xc4f440e28ab6b911ULL, 14457888},
      {"p06_wide_png.png", "bilinear", "shortest", 224, 0x319c5a5e5c58c1a6ULL, 25245741},
      {"p06_wide_png.png", "bilinear", "shortest", 336, 0xfc6bfee58bec1814ULL, 56796789},
      {"p06_wide_png.png", "bicubic", "squash", 224, 0xc6822fd7afc7941aULL, 21632081},
      {"p06_wide_png.png", "bicubic", "squash", 336, 0x8e2572f6bc307b79ULL, 48670034},
      {"p06_wide_png.png", "bilinear", "squash", 224, 0xfb64fb234c61ef98ULL, 21633003},
      {"p06_wide_png.png", "bilinear", "squash", 336, 0xd938cb11dffbeae9ULL, 48671940},
      {"p07_rgba_png.png", "bilinear", "shortest", 224, 0xaf3651acf8ff8cf0ULL, 10200239},
      {"p07_rgba_png.png", "bilinear", "shortest", 336, 0x0f661444f0dfb098ULL, 22967339},
      {"p07_rgba_png.png", "bicubic", "squash", 224, 0x1b324f15b3702207ULL, 9194992},
      {"p07_rgba_png.png", "bicubic", "squash", 336, 0x3cab12dc57351d7cULL, 20695243},
      {"p07_rgba_png.png", "bilinear", "squash", 224, 0xb690138f34ad00a3ULL, 9205686},
      {"p07_rgba_png.png", "bilinear", "squash", 336, 0x1e077309512c1c43ULL, 20696266},
      {"p08_exact_png.png", "bilinear", "shortest", 224, 0xbef20d33ed7dfdbfULL, 21632020},
      {"p08_exact_png.png", "bilinear", "shortest", 336, 0x9760914933d5069eULL, 48724995},
      {"p08_exact_png.png", "bicubic", "squash", 224, 0xbef20d33ed7dfdbfULL, 21632020},
      {"p08_exact_png.png", "bicubic", "squash", 336, 0x18dd3f306e61084eULL, 48681227},
      {"p08_exact_png.png", "bilinear", "squash", 224, 0xbef20d33ed7dfdbfULL, 21632020},
      {"p08_exact_png.png", "bilinear", "squash", 336, 0x9760914933d5069eULL, 48724995},
      {"p09_odd_crop_png.png", "bilinear", "shortest", 224, 0x469d19a1ea06a8a6ULL, 21720139},
      {"p09_odd_crop_png.png", "bilinear", "shortest", 336, 0x63434ef5afdfb92aULL, 48847703},
      {"p09_odd_crop_png.png", "bicubic", "squash", 224, 0x2f063a4e3ef3e107ULL, 21631558},
      {"p09_odd_crop_png.png", "bicubic", "squash", 336, 0x0599ec6695bcc8eaULL, 48675245},
      {"p09_odd_crop_png.png", "bilinear", "squash", 224, 0xedf519e1302557a9ULL, 21631788},
      {"p09_odd_crop_png.png", "bilinear", "squash", 336, 0xd04b19fa29131e7bULL, 48698424},
      {"p10_portrait_jpeg.jpg", "bilinear", "shortest", 224, 0x4522d62e607fd009ULL, 10810464},
      {"p10_portrait_jpeg.jpg", "bilinear", "shortest", 336, 0x27b2ee1927ad216bULL, 24312328},
      {"p10_portrait_jpeg.jpg", "bicubic", "squash", 224, 0x69b3df8d937a4efeULL, 9326341},
      {"p10_portrait_jpeg.jpg", "bicubic", "squash", 336, 0x285617804ed196b1ULL, 20983888},
      {"p10_portrait_jpeg.jpg", "bilinear", "squash", 224, 0x66c37837633e5724ULL, 9325671},
      {"p10_portrait_jpeg.jpg", "bilinear", "squash", 336, 0x4a4e55748259c0daULL, 20981761},
      // END PILLOW EXPECTATIONS
  };
  return cases;
}

}  // namespace

TEST_CASE("squash and bilinear transforms equal Pillow 9.4 on every fixtures/preprocess image",
          "[parity]") {
  const bool simd = GENERATE(true, false);  // both builds of the resize loops
  set_resize_simd_enabled(simd);
  INFO("SIMD loops " << simd);
  REQUIRE(variant_cases().size() == 60);
  for (const auto& c : variant_cases()) {
    ImagePreprocess p = ImagePreprocess::clip(c.n);
    p.interpolation = std::string(c.interpolation) == "bilinear" ? ResampleFilter::kBilinear
                                                                 : ResampleFilter::kBicubic;
    p.resize_mode =
        std::string(c.resize_mode) == "squash" ? ResizeMode::kSquash : ResizeMode::kShortest;
    INFO(c.input << ": " << p.describe());
    const Image rgb =
        resize_for_model(decode_image_file(test::fixture(std::string("preprocess/") + c.input)), p);
    REQUIRE(rgb.mode == ImageMode::kRGB);
    REQUIRE(rgb.width == c.n);
    REQUIRE(rgb.height == c.n);
    const std::string bytes(rgb.data.begin(), rgb.data.end());
    CHECK(std::accumulate(rgb.data.begin(), rgb.data.end(), int64_t{0}) == c.byte_sum);
    CHECK(test::fnv1a64(bytes) == c.fnv1a64);
  }
  set_resize_simd_enabled(true);
}

TEST_CASE("ImagePreprocess: openai/CLIP's transform, names, keys, normalization", "[unit]") {
  const ImagePreprocess clip = ImagePreprocess::clip(224);
  CHECK(clip.is_clip());
  CHECK(clip.key() == "clip-bicubic-224");  // the cache key clipbench has always used
  CHECK(clip.describe() ==
        "bicubic shortest 224, mean [0.48145467, 0.4578275, 0.40821072], std [0.26862955, "
        "0.2613026, 0.2757771]");
  ImagePreprocess siglip = clip;
  siglip.resize_mode = ResizeMode::kSquash;
  siglip.normalization = Normalization{{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
  CHECK_FALSE(siglip.is_clip());
  CHECK(siglip != clip);
  CHECK(siglip.key() == "bicubic-squash-224-mean-0.5,0.5,0.5-std-0.5,0.5,0.5");
  // Squash keeps no aspect ratio and crops nothing.
  const auto g = resize_geometry(640, 427, siglip);
  CHECK(g.resized_width == 224);
  CHECK(g.resized_height == 224);
  CHECK(g.crop_left == 0);
  CHECK(g.crop_top == 0);
  // For a square image squash and shortest are the same transform.
  const Image square = decode_image_file(test::fixture("preprocess/p08_exact_png.png"));
  ImagePreprocess shortest = siglip;
  shortest.resize_mode = ResizeMode::kShortest;
  CHECK(resize_for_model(square, siglip).data == resize_for_model(square, shortest).data);
  // ToTensor + Normalize with the model's mean / std: ((v / 255) - 0.5) / 0.5 in float32.
  const Image photo = decode_image_file(test::fixture("preprocess/p01_photo_jpeg.jpg"));
  const at::Tensor t = preprocess_image(photo, siglip);
  const Image rgb = resize_for_model(photo, siglip);
  const at::Tensor bytes =
      torch::from_blob(const_cast<uint8_t*>(rgb.data.data()), {224, 224, 3}, torch::kUInt8)
          .permute({2, 0, 1})
          .to(torch::kFloat);
  CHECK(torch::equal(t, (bytes / 255.0f - 0.5f) / 0.5f));
  // A batch of one is the single image.
  CHECK(torch::equal(preprocess_batch({photo}, siglip)[0], t));
}
