// Tests of the SUN397 adapter on a miniature copy of SUN397/ with Partitions/.
#include "datasets/sun397.h"

#include <algorithm>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

std::string make_sun397(const TestFolder& tmp) {
  const std::string root = tmp.file("SUN397");
  write_text(root + "/ClassName.txt",
             "/a/abbey\n/a/airplane_cabin\n/w/wine_cellar/bottle_storage\n");
  write_text(root + "/Partitions/Training_01.txt", "/a/abbey/sun_aaalbzqrimafwbiv.jpg\n");
  write_text(root + "/Partitions/Testing_01.txt",
             "/w/wine_cellar/bottle_storage/sun_abcdefg.jpg\n/a/airplane_cabin/sun_x.jpg\n"
             "/a/abbey/sun_y.jpg\n");
  write_solid_jpeg(root + "/a/abbey/sun_aaalbzqrimafwbiv.jpg", 1, 2, 3);
  write_solid_jpeg(root + "/w/wine_cellar/bottle_storage/sun_abcdefg.jpg", 128, 0, 128, 4, 4);
  write_solid_jpeg(root + "/a/airplane_cabin/sun_x.jpg", 1, 2, 3);
  write_solid_jpeg(root + "/a/abbey/sun_y.jpg", 1, 2, 3);
  return root;
}

}  // namespace

TEST_CASE("sun397 reads ClassName.txt and partition 1", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_sun397(tmp);
  const auto test = open_format("sun397", {"sun397", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() ==
        std::vector<std::string>{"abbey", "airplane_cabin", "wine_cellar/bottle_storage"});
  CHECK(test->get(0).label == 2);
  CHECK(test->get(1).label == 1);
  CHECK(test->get(2).label == 0);
  const Image img = load_sample_image(test->get(0));
  CHECK(img.width == 4);
  CHECK(std::abs(pixel(img, 2, 2, 0) - 128) < 8);
  CHECK(pixel(img, 2, 2, 1) < 10);
  CHECK(open_format("sun397", {"sun397", root, "train", {}})->size() == 1);
  // ClassName.txt may also come from Partitions/ only.
  std::filesystem::rename(root + "/ClassName.txt", root + "/Partitions/ClassName.txt");
  CHECK(open_format("sun397", {"sun397", root, "test", {}})->classes().size() == 3);
}

TEST_CASE("sun397 class names read as prompts/sun397.json's", "[unit]") {
  const auto names = prompt_class_names("sun397");
  REQUIRE(names.size() == 397);
  CHECK(names.front() == "abbey");
  CHECK(names[1] == "airplane cabin");
  // "/w/wine_cellar/bottle_storage" with '_' and '/' read as spaces.
  CHECK(std::find(names.begin(), names.end(), "wine cellar bottle storage") != names.end());
  CHECK(names.back() == "youth hostel");
}

TEST_CASE("sun397 bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_sun397(tmp);
  std::filesystem::remove(root + "/a/abbey/sun_y.jpg");
  const auto test = open_format("sun397", {"sun397", root, "test", {}});
  CHECK_THROWS_WITH(test->get(2),
                    Catch::Contains("sun397: ") &&
                        Catch::Contains("Testing_01.txt:3 entry '/a/abbey/sun_y.jpg'") &&
                        Catch::Contains("does not exist"));
  write_text(root + "/Partitions/Testing_01.txt", "/b/bakery/shop/sun_z.jpg\n");
  CHECK_THROWS_WITH(open_format("sun397", {"sun397", root, "test", {}}),
                    Catch::Contains("class 'bakery/shop' is not in"));
  std::filesystem::remove(root + "/Partitions/Training_01.txt");
  CHECK_THROWS_WITH(open_format("sun397", {"sun397", root, "train", {}}),
                    Catch::Contains("sun397: cannot open") && Catch::Contains("Training_01.txt"));
}
