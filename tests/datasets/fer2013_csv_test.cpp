// Tests of the fer2013-csv adapter on miniature fer2013.csv and train.csv/test.csv folders, and its
// bad-input errors.
#include "datasets/fer2013_csv.h"

#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

const std::vector<std::string> kEmotions = {"angry", "disgusted", "fearful", "happy",
                                            "sad",   "surprised", "neutral"};

// 2304 space-separated values; value i = (seed + i) % 256.
std::string pixels(int seed, int count = 48 * 48) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    if (i) s += ' ';
    s += std::to_string((seed + i) % 256);
  }
  return s;
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("fer2013-csv", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("fer2013-csv splits fer2013.csv by Usage", "[unit]") {
  test::TempDir dir;
  dir.write("fer2013.csv",
            "emotion,pixels,Usage\n"
            "0," +
                pixels(0) +
                ",Training\n"
                "3," +
                pixels(1) +
                ",PublicTest\n"
                "6," +
                pixels(2) +
                ",Training\n"
                "2," +
                pixels(3) +
                ",PrivateTest\r\n"  // CRLF line ends are accepted
                "5," +
                pixels(4) + ",PrivateTest\n");
  const auto train = open_format("fer2013-csv", {"fer2013", dir.path(), "train", kEmotions});
  REQUIRE(train->size() == 2);
  CHECK(train->classes() == kEmotions);
  CHECK(train->get(0).label == 0);
  CHECK(train->get(1).label == 6);
  const Sample s = train->get(1);
  CHECK(s.name == "fer2013.csv:line 4");
  REQUIRE(s.pixels);
  CHECK(s.pixels->mode == ImageMode::kL);
  CHECK(s.pixels->width == 48);
  CHECK(s.pixels->height == 48);
  CHECK(s.pixels->data[0] == 2);
  CHECK(s.pixels->data[48 * 2 + 1] == (2 + 97) % 256);
  const auto val = open_format("fer2013-csv", {"fer2013", dir.path(), "val", kEmotions});
  REQUIRE(val->size() == 1);
  CHECK(val->get(0).label == 3);
  const auto test = open_format("fer2013-csv", {"fer2013", dir.path(), "test", kEmotions});
  REQUIRE(test->size() == 2);
  CHECK(test->get(0).label == 2);
  CHECK(test->get(1).label == 5);
  CHECK(test->get(1).pixels->data[2303] == (4 + 2303) % 256);
}

TEST_CASE("fer2013-csv reads torchvision's train.csv / test.csv", "[unit]") {
  test::TempDir dir;
  dir.write("train.csv", "emotion,pixels\n4,\"" + pixels(9) + "\"\n1," + pixels(8) + "\n");
  dir.write("test.csv", "emotion,pixels\n6," + pixels(7) + "\n");
  const auto train = open_format("fer2013-csv", {"fer2013", dir.path(), "train", kEmotions});
  REQUIRE(train->size() == 2);
  CHECK(train->get(0).label == 4);
  CHECK(train->get(0).pixels->data[0] == 9);
  CHECK(train->get(1).label == 1);
  const auto test = open_format("fer2013-csv", {"fer2013", dir.path(), "test", kEmotions});
  REQUIRE(test->size() == 1);
  CHECK(test->get(0).label == 6);
  CHECK_THAT(error_of({"fer2013", dir.path(), "val", kEmotions}),
             Catch::Contains("val split") && Catch::Contains("fer2013.csv"));
  // The challenge's test.csv carries no labels.
  dir.write("test.csv", "pixels\n" + pixels(7) + "\n");
  CHECK_THAT(error_of({"fer2013", dir.path(), "test", kEmotions}),
             Catch::Contains("test.csv") && Catch::Contains("no 'emotion' column"));
}

TEST_CASE("fer2013-csv reads icml_face_data.csv (header names with leading spaces)", "[unit]") {
  test::TempDir dir;
  dir.write("icml_face_data.csv",
            "emotion, Usage, pixels\n"
            "5,Training," +
                pixels(3) +
                "\n"
                "1,PublicTest," +
                pixels(4) + "\n");
  const auto val = open_format("fer2013-csv", {"fer2013", dir.path(), "val", kEmotions});
  REQUIRE(val->size() == 1);
  CHECK(val->get(0).label == 1);
  CHECK(val->get(0).name == "icml_face_data.csv:line 3");
  CHECK(val->get(0).pixels->data[0] == 4);
}

TEST_CASE("fer2013-csv rejects missing files, bad pixels and labels out of range", "[unit]") {
  test::TempDir dir;
  SECTION("missing file") {
    CHECK_THAT(error_of({"fer2013", dir.path(), "train", kEmotions}),
               Catch::Contains("fer2013") && Catch::Contains("train.csv"));
  }
  SECTION("truncated pixels") {
    dir.write("fer2013.csv", "emotion,pixels,Usage\n1," + pixels(0, 2000) + ",Training\n");
    CHECK_THAT(error_of({"fer2013", dir.path(), "train", kEmotions}),
               Catch::Contains("fer2013.csv line 2") && Catch::Contains("2000 pixel values"));
  }
  SECTION("pixel above 255") {
    dir.write("fer2013.csv", "emotion,pixels,Usage\n1,256 " + pixels(0, 2303) + ",Training\n");
    CHECK_THAT(error_of({"fer2013", dir.path(), "train", kEmotions}),
               Catch::Contains("line 2") && Catch::Contains("pixel 0"));
  }
  SECTION("label out of range") {
    dir.write("fer2013.csv", "emotion,pixels,Usage\n1," + pixels(0) + ",PrivateTest\n7," +
                                 pixels(0) + ",PrivateTest\n");
    CHECK_THAT(error_of({"fer2013", dir.path(), "test", kEmotions}),
               Catch::Contains("fer2013.csv line 3") && Catch::Contains("label 7"));
  }
}
