// Tests of the Food-101 adapter on a miniature copy of the food-101/ archive layout.
#include "datasets/food101.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// food-101/ with 3 classes; test.txt has 2 apple pies and 1 waffles.
std::string make_food101(const TestFolder& tmp) {
  const std::string root = tmp.file("food-101");
  write_text(root + "/meta/classes.txt", "apple_pie\nbaby_back_ribs\nwaffles\n");
  write_text(root + "/meta/train.txt", "apple_pie/1005649\nbaby_back_ribs/2\n");
  write_text(root + "/meta/test.txt", "apple_pie/1011328\napple_pie/101251\nwaffles/9\n");
  write_solid_jpeg(root + "/images/apple_pie/1005649.jpg", 200, 10, 10);
  write_solid_jpeg(root + "/images/baby_back_ribs/2.jpg", 10, 200, 10);
  write_solid_jpeg(root + "/images/apple_pie/1011328.jpg", 10, 10, 200);
  write_solid_jpeg(root + "/images/apple_pie/101251.jpg", 10, 10, 200);
  write_solid_jpeg(root + "/images/waffles/9.jpg", 250, 250, 0, 5, 7);
  return root;
}

}  // namespace

TEST_CASE("food101 reads classes.txt and the split lists", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_food101(tmp);
  const auto test = open_format("food101", {"food101", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == std::vector<std::string>{"apple_pie", "baby_back_ribs", "waffles"});
  CHECK(test->get(0).label == 0);
  CHECK(test->get(1).label == 0);
  CHECK(test->get(2).label == 2);
  const Image img = load_sample_image(test->get(2));
  CHECK(img.width == 5);
  CHECK(img.height == 7);
  CHECK(pixel(img, 2, 3, 0) > 240);
  CHECK(pixel(img, 2, 3, 2) < 15);
  const auto train = open_format("food101", {"food101", root, "train", {}});
  REQUIRE(train->size() == 2);
  CHECK(train->get(1).label == 1);
}

TEST_CASE("food101 class order matches prompts/food101.json at both ends", "[unit]") {
  const auto names = prompt_class_names("food101");
  REQUIRE(names.size() == 101);
  CHECK(names.front() == "apple pie");  // classes.txt line 1: apple_pie
  CHECK(names[1] == "baby back ribs");  // line 2: baby_back_ribs
  CHECK(names.back() == "waffles");     // line 101: waffles
}

TEST_CASE("food101 bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_food101(tmp);
  CHECK_THROWS_WITH(open_format("food101", {"food101", root, "val", {}}),
                    Catch::Contains("no split 'val'"));
  // The class count must agree with the prompts.
  CHECK_THROWS_WITH(open_format("food101", {"food101", root, "test", {"a", "b"}}),
                    Catch::Contains("classes.txt has 3 classes"));
  // A missing split file.
  std::filesystem::remove(root + "/meta/train.txt");
  CHECK_THROWS_WITH(open_format("food101", {"food101", root, "train", {}}),
                    Catch::Contains("food101: cannot open") && Catch::Contains("train.txt"));
  // An entry whose image is missing.
  std::filesystem::remove(root + "/images/waffles/9.jpg");
  const auto test = open_format("food101", {"food101", root, "test", {}});
  CHECK_THROWS_WITH(test->get(2), Catch::Contains("food101: ") && Catch::Contains("test.txt:3") &&
                                      Catch::Contains("'waffles/9'") &&
                                      Catch::Contains("does not exist"));
  // An entry whose class is not in classes.txt (a label outside the class list).
  write_text(root + "/meta/test.txt", "apple_pie/1011328\npizza/5\n");
  CHECK_THROWS_WITH(
      open_format("food101", {"food101", root, "test", {}}),
      Catch::Contains("test.txt:2 entry 'pizza/5'") && Catch::Contains("class 'pizza' is not in"));
}
