// Tests for `clipbench preprocess` as a user runs it.
#include <filesystem>
#include <string>

#include "clip/image_decode.h"
#include "clip/preprocess.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"

using clipbench::test::clipbench_exe;
using clipbench::test::fixture;
using clipbench::test::run_command;

namespace {
std::string out_dir() {
  const auto dir = std::filesystem::path(CLIPBENCH_BINARY_DIR) / "test_files" / "cli_preprocess";
  std::filesystem::create_directories(dir);
  return dir.string();
}
}  // namespace

TEST_CASE("clipbench preprocess writes the reference 224 x 224 RGB pixels", "[parity]") {
  const std::string out = out_dir() + "/p10.png";
  std::filesystem::remove(out);
  const auto r = run_command(clipbench_exe() + " preprocess --image " +
                             fixture("preprocess/p10_portrait_jpeg.jpg") + " --size 224 --out " +
                             out + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto written = clipbench::decode_image_file(out);
  const auto expected =
      clipbench::decode_image_file(fixture("preprocess/p10_portrait_jpeg.expected.png"));
  CHECK(written.mode == clipbench::ImageMode::kRGB);
  CHECK(written.width == 224);
  CHECK(written.height == 224);
  size_t equal = 0;
  for (size_t i = 0; i < written.data.size() && i < expected.data.size(); ++i) {
    equal += written.data[i] == expected.data[i];
  }
  CHECK(double(equal) / double(expected.data.size()) >= 0.999);
}

TEST_CASE("clipbench preprocess: other sizes, and bad input exits 2 naming the file", "[unit]") {
  const std::string out = out_dir() + "/small.png";
  const std::string input = fixture("preprocess/p03_gray_png.png");
  auto r = run_command(clipbench_exe() + " preprocess --image " + input + " --size 32 --out " +
                       out + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto written = clipbench::decode_image_file(out);
  CHECK(written.width == 32);
  CHECK(written.height == 32);
  CHECK(written.data ==
        clipbench::resize_and_crop_rgb(clipbench::decode_image_file(input), 32).data);

  const std::string bogus = fixture("preprocess/cases.json");
  r = run_command(clipbench_exe() + " preprocess --image " + bogus + " --size 32 --out " + out +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains(bogus) && Catch::Contains("not a recognized image"));
  r = run_command(clipbench_exe() + " preprocess --image " + input +
                  " --size 32 --max-pixels 100 --out " + out + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("exceeds the limit"));
  r = run_command(clipbench_exe() + " preprocess --image " + input + " --size 0 --out " + out +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  // A size that would need gigabytes is refused up front (it used to end in std::bad_alloc).
  r = run_command(clipbench_exe() + " preprocess --image " + input + " --size 100000 --out " + out +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("1 to 16384"));
  // A folder is bad input (exit 2 naming it), not an internal error.
  const std::string folder = fixture("preprocess");
  r = run_command(clipbench_exe() + " preprocess --image " + folder + " --size 32 --out " + out +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains(folder) && Catch::Contains("is a folder"));
  // The other eval transforms: bilinear + squash is resize_for_model's.
  r = run_command(clipbench_exe() + " preprocess --image " + input +
                  " --size 32 --interpolation bilinear --resize-mode squash --out " + out +
                  " 2>&1");
  REQUIRE(r.exit_code == 0);
  clipbench::ImagePreprocess squash = clipbench::ImagePreprocess::clip(32);
  squash.interpolation = clipbench::ResampleFilter::kBilinear;
  squash.resize_mode = clipbench::ResizeMode::kSquash;
  CHECK(clipbench::decode_image_file(out).data ==
        clipbench::resize_for_model(clipbench::decode_image_file(input), squash).data);
  r = run_command(clipbench_exe() + " preprocess --image " + input +
                  " --size 32 --resize-mode longest --out " + out + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("longest"));
}
