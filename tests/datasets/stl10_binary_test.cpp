// Tests of the stl10-binary adapter on a miniature stl10_binary folder, and its bad-input errors.
#include "datasets/stl10_binary.h"

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

const std::vector<std::string> kStl10 = {"airplane", "bird",  "car",    "cat",  "deer",
                                         "dog",      "horse", "monkey", "ship", "truck"};

// n images; in image i channel c, the byte at column-major offset x * 96 + y is
// (i + c * 7 + x * 3 + y) % 256.
std::string images(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c)
      for (int x = 0; x < 96; ++x)
        for (int y = 0; y < 96; ++y) s.push_back(static_cast<char>((i + c * 7 + x * 3 + y) & 0xff));
  return s;
}

void write_stl10(const test::TempDir& dir) {
  std::string names;
  for (const auto& n : kStl10) names += n + "\n";
  dir.write("class_names.txt", names);
  dir.write("train_X.bin", images(3));
  dir.write("train_y.bin", std::string("\x01\x0a\x05", 3));
  dir.write("test_X.bin", images(2));
  dir.write("test_y.bin", std::string("\x02\x03", 2));
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("stl10-binary", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("stl10-binary reads a miniature stl10_binary folder", "[unit]") {
  test::TempDir dir;
  write_stl10(dir);
  const auto train = open_format("stl10-binary", {"stl10", dir.path(), "train", kStl10});
  REQUIRE(train->size() == 3);
  CHECK(train->classes() == kStl10);
  CHECK(train->get(0).label == 0);  // 1-based on disk
  CHECK(train->get(1).label == 9);
  CHECK(train->get(2).label == 4);
  const Sample s = train->get(2);
  CHECK(s.name == "train_X.bin[2]");
  REQUIRE(s.pixels);
  CHECK(s.pixels->mode == ImageMode::kRGB);
  CHECK(s.pixels->width == 96);
  CHECK(s.pixels->height == 96);
  // Pixel (x=10, y=4): R = 2 + 30 + 4, G = R + 7, B = R + 14 (column-major planes transposed).
  const size_t at = (4 * 96 + 10) * 3;
  CHECK(s.pixels->data[at] == 36);
  CHECK(s.pixels->data[at + 1] == 43);
  CHECK(s.pixels->data[at + 2] == 50);
  const auto test = open_format("stl10-binary", {"stl10", dir.path(), "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(test->classes() == kStl10);
  CHECK(test->get(1).label == 2);
}

TEST_CASE("stl10-binary rejects missing, truncated and out-of-range input", "[unit]") {
  test::TempDir dir;
  write_stl10(dir);
  const OpenRequest r{"stl10", dir.path(), "test", kStl10};
  SECTION("missing labels") {
    std::filesystem::remove(dir.file("test_y.bin"));
    CHECK_THAT(error_of(r), Catch::Contains("stl10") && Catch::Contains("test_y.bin"));
  }
  SECTION("truncated images") {
    std::string x = images(2);
    x.resize(x.size() - 100);
    dir.write("test_X.bin", x);
    CHECK_THAT(error_of(r), Catch::Contains("test_X.bin") && Catch::Contains("truncated"));
  }
  SECTION("counts differ") {
    dir.write("test_y.bin", "\x01");
    CHECK_THAT(error_of(r), Catch::Contains("2 images") && Catch::Contains("1 labels"));
  }
  SECTION("label 0 and label 11 are outside 1..10") {
    dir.write("test_y.bin", std::string("\x01\x00", 2));
    CHECK_THAT(error_of(r), Catch::Contains("test_y.bin [1] (1-based value 0)"));
    dir.write("test_y.bin", std::string("\x0b\x01", 2));
    CHECK_THAT(error_of(r), Catch::Contains("test_y.bin [0] (1-based value 11)"));
  }
}
