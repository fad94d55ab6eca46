// Tests of the dataset format registry and of decoding a sample's image from each source kind.
#include "datasets/format_registry.h"

#include "clip/errors.h"
#include "datasets/dataset.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"

using namespace clipbench;
using namespace clipbench::datasets;

TEST_CASE("an unknown dataset format names near matches", "[unit]") {
  try {
    dataset_format("imagefoldr");
    FAIL("no error");
  } catch (const RegistryError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("imagefoldr"));
  }
}

TEST_CASE("load_sample_image decodes pixels, encoded bytes and files, and names the sample",
          "[unit]") {
  Sample pixels;
  pixels.name = "idx[3]";
  pixels.pixels = Image::blank(4, 3, ImageMode::kL);
  const Image a = load_sample_image(pixels);
  CHECK(a.width == 4);
  CHECK(a.height == 3);
  CHECK(a.mode == ImageMode::kL);

  Sample corrupt;
  corrupt.name = "shard0.tar:s0000001.jpg";
  corrupt.encoded = {0xFF, 0xD8, 0xFF, 0x00, 0x01};
  try {
    load_sample_image(corrupt);
    FAIL("no error");
  } catch (const ImageDecodeError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("shard0.tar:s0000001.jpg"));
  }

  Sample missing;
  missing.name = "/nonexistent/clipbench/a.jpg";
  missing.path = missing.name;
  CHECK_THROWS_AS(load_sample_image(missing), Error);

  Sample empty;
  empty.name = "nothing";
  CHECK_THROWS_AS(load_sample_image(empty), ImageDecodeError);
}
