// Tests of the aYahoo adapter on a miniature ayahoo/ (ayahoo_test.txt + ayahoo_test_images/).
#include "datasets/ayahoo.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// Attribute columns shortened to three; one image holds two objects of the same class.
std::string make_ayahoo(const TestFolder& tmp) {
  const std::string root = tmp.file("ayahoo");
  write_text(root + "/ayahoo_test.txt",
             "zebra_12.jpg zebra 10 20 200 180 0 1 0\n"
             "bag_3.jpg bag 1 1 50 50 1 0 0\n"
             "zebra_12.jpg zebra 210 20 300 180 0 1 0\n"
             "monkey_7.jpg monkey 5 5 60 90 0 0 1\n");
  write_solid_jpeg(root + "/ayahoo_test_images/zebra_12.jpg", 250, 250, 250, 12, 8);
  write_solid_jpeg(root + "/ayahoo_test_images/bag_3.jpg", 5, 5, 5);
  write_solid_jpeg(root + "/ayahoo_test_images/monkey_7.jpg", 5, 5, 5);
  return root;
}

}  // namespace

TEST_CASE("ayahoo: one sample per image and class, classes sorted", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_ayahoo(tmp);
  const auto test = open_format("ayahoo", {"ayahoo", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == std::vector<std::string>{"bag", "monkey", "zebra"});
  CHECK(test->get(0).label == 2);
  CHECK(test->get(1).label == 0);
  CHECK(test->get(2).label == 1);
  const Image img = load_sample_image(test->get(0));
  CHECK(img.width == 12);
  CHECK(img.height == 8);
  CHECK(pixel(img, 6, 4, 0) > 240);
  // attribute_data/ayahoo_test.txt, as attribute_data.tgz extracts, works too.
  std::filesystem::create_directories(root + "/attribute_data");
  std::filesystem::rename(root + "/ayahoo_test.txt", root + "/attribute_data/ayahoo_test.txt");
  CHECK(open_format("ayahoo", {"ayahoo", root, "test", {}})->size() == 3);
}

TEST_CASE("ayahoo bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_ayahoo(tmp);
  const auto names = prompt_class_names("ayahoo");
  CHECK_THROWS_WITH(open_format("ayahoo", {"ayahoo", root, "test", names}),
                    Catch::Contains("has 3 classes") && Catch::Contains("has 12"));
  std::filesystem::remove(root + "/ayahoo_test_images/monkey_7.jpg");
  const auto test = open_format("ayahoo", {"ayahoo", root, "test", {}});
  CHECK_THROWS_WITH(test->get(2), Catch::Contains("ayahoo: ") &&
                                      Catch::Contains("ayahoo_test.txt:4 entry 'monkey_7.jpg "
                                                      "monkey'") &&
                                      Catch::Contains("does not exist"));
  write_text(root + "/ayahoo_test.txt", "bag_3.jpg bag 1 1\n");
  CHECK_THROWS_WITH(open_format("ayahoo", {"ayahoo", root, "test", {}}),
                    Catch::Contains("ayahoo_test.txt:1 entry 'bag_3.jpg bag 1 1'"));
  std::filesystem::remove(root + "/ayahoo_test.txt");
  CHECK_THROWS_WITH(
      open_format("ayahoo", {"ayahoo", root, "test", {}}),
      Catch::Contains("ayahoo: cannot open") && Catch::Contains("attribute_data/ayahoo_test.txt"));
}
