// Parity of decode + Resize + CenterCrop + convert("RGB") with the goldens in fixtures/preprocess/.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "clip/image_decode.h"
#include "clip/pillow_resize.h"
#include "clip/preprocess.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"

using clipbench::decode_image_file;
using clipbench::ImageMode;
using clipbench::mode_name;
using clipbench::resize_and_crop_rgb;
using clipbench::test::fixture;

TEST_CASE("every fixtures/preprocess case matches its Pillow + torchvision golden", "[parity]") {
  // Both builds of the resize loops (AVX2 where available, and the baseline ISA) must match.
  const bool simd = GENERATE(true, false);
  clipbench::set_resize_simd_enabled(simd);
  std::printf("resize loops: %s\n", simd ? "SIMD where available" : "baseline ISA");
  std::ifstream in(fixture("preprocess/cases.json"));
  REQUIRE(in.good());
  const auto cases = nlohmann::json::parse(in);
  REQUIRE(cases.size() >= 10);
  for (const auto& [name, c] : cases.items()) {
    INFO("case " << name);
    const auto image = decode_image_file(fixture("preprocess/" + c.at("input").get<std::string>()));
    CHECK(mode_name(image.mode) == c.at("mode").get<std::string>());
    CHECK(image.width == c.at("size")[0].get<int64_t>());
    CHECK(image.height == c.at("size")[1].get<int64_t>());
    const int64_t n = c.at("n_px").get<int64_t>();
    const auto ours = resize_and_crop_rgb(image, n);
    const auto expected =
        decode_image_file(fixture("preprocess/" + c.at("expected").get<std::string>()));
    REQUIRE(expected.mode == ImageMode::kRGB);
    REQUIRE(ours.width == expected.width);
    REQUIRE(ours.height == expected.height);
    REQUIRE(ours.data.size() == expected.data.size());
    size_t equal = 0, off_by_one = 0;
    int max_diff = 0;
    for (size_t i = 0; i < ours.data.size(); ++i) {
      const int d = std::abs(int(ours.data[i]) - int(expected.data[i]));
      equal += d == 0;
      off_by_one += d == 1;
      max_diff = std::max(max_diff, d);
    }
    const double frac = double(equal) / double(ours.data.size());
    std::printf(
        "parity %-20s %-4s %4lldx%-4lld -> %lld: %zu/%zu equal (%.4f%%), %zu off by 1, max diff "
        "%d\n",
        name.c_str(), mode_name(image.mode), static_cast<long long>(image.width),
        static_cast<long long>(image.height), static_cast<long long>(n), equal, ours.data.size(),
        100.0 * frac, off_by_one, max_diff);
    CHECK(frac >= 0.999);
    CHECK(max_diff <= 1);
  }
  clipbench::set_resize_simd_enabled(true);
}
