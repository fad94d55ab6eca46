// Tests of the DTD adapter on a miniature copy of the dtd/ archive layout.
#include "datasets/dtd.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// dtd/ with 3 classes (folders created out of order) and partition-1 lists.
std::string make_dtd(const TestFolder& tmp) {
  const std::string root = tmp.file("dtd");
  write_solid_jpeg(root + "/images/zigzagged/zigzagged_0003.jpg", 0, 0, 255);
  write_solid_jpeg(root + "/images/banded/banded_0002.jpg", 255, 0, 0, 6, 4);
  write_solid_jpeg(root + "/images/blotchy/blotchy_0010.jpg", 0, 255, 0);
  write_text(root + "/labels/train1.txt", "banded/banded_0002.jpg\nzigzagged/zigzagged_0003.jpg\n");
  write_text(root + "/labels/val1.txt", "blotchy/blotchy_0010.jpg\n");
  write_text(root + "/labels/test1.txt", "zigzagged/zigzagged_0003.jpg\nbanded/banded_0002.jpg\n");
  write_text(root + "/labels/test2.txt", "blotchy/blotchy_0010.jpg\n");
  return root;
}

}  // namespace

TEST_CASE("dtd reads partition 1 with classes in sorted folder order", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_dtd(tmp);
  const auto test = open_format("dtd", {"dtd", root, "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(test->classes() == std::vector<std::string>{"banded", "blotchy", "zigzagged"});
  CHECK(test->get(0).label == 2);
  CHECK(test->get(1).label == 0);
  const Image img = load_sample_image(test->get(1));
  CHECK(img.width == 6);
  CHECK(img.height == 4);
  CHECK(pixel(img, 1, 1, 0) > 240);
  CHECK(pixel(img, 1, 1, 1) < 15);

  const auto trainval = open_format("dtd", {"dtd", root, "trainval", {}});
  REQUIRE(trainval->size() == 3);
  CHECK(trainval->get(2).label == 1);  // val1.txt follows train1.txt
  CHECK(open_format("dtd", {"dtd", root, "val", {}})->size() == 1);
}

TEST_CASE("dtd's sorted folder order is the order of prompts/dtd.json", "[unit]") {
  const auto names = prompt_class_names("dtd");
  REQUIRE(names.size() == 47);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.front() == "banded");
  CHECK(names.back() == "zigzagged");
}

TEST_CASE("dtd bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_dtd(tmp);
  CHECK_THROWS_WITH(open_format("dtd", {"dtd", root, "test", std::vector<std::string>(47, "x")}),
                    Catch::Contains("has 3 classes") && Catch::Contains("has 47"));
  std::filesystem::remove(root + "/labels/val1.txt");
  CHECK_THROWS_WITH(open_format("dtd", {"dtd", root, "val", {}}),
                    Catch::Contains("dtd: cannot open") && Catch::Contains("val1.txt"));
  write_text(root + "/labels/test1.txt", "banded/banded_0002.jpg\nbanded/banded_0009.jpg\n");
  const auto test = open_format("dtd", {"dtd", root, "test", {}});
  CHECK_THROWS_WITH(test->get(1), Catch::Contains("dtd: ") && Catch::Contains("test1.txt:2") &&
                                      Catch::Contains("'banded/banded_0009.jpg'") &&
                                      Catch::Contains("does not exist"));
  write_text(root + "/labels/test1.txt", "striped/striped_0001.jpg\n");
  CHECK_THROWS_WITH(open_format("dtd", {"dtd", root, "test", {}}),
                    Catch::Contains("test1.txt:1 entry 'striped/striped_0001.jpg'") &&
                        Catch::Contains("class 'striped' is not a folder"));
}
