// Tests of the FGVC-Aircraft adapter on a miniature copy of the fgvc-aircraft-2013b/ layout.
#include "datasets/fgvc_aircraft.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// fgvc-aircraft-2013b/data with 4 variants, two of them holding spaces and a slash.
std::string make_aircraft(const TestFolder& tmp) {
  const std::string root = tmp.file("fgvc-aircraft-2013b");
  write_text(root + "/data/variants.txt", "707-320\nCessna 172\nF/A-18\nYak-42\n");
  write_text(root + "/data/images_variant_test.txt",
             "1514522 F/A-18\n0062765 Cessna 172\n1919993 Yak-42\n");
  write_text(root + "/data/images_variant_trainval.txt", "1025794 707-320\n");
  write_solid_jpeg(root + "/data/images/1514522.jpg", 0, 200, 200, 9, 5);
  write_solid_jpeg(root + "/data/images/0062765.jpg", 0, 0, 0);
  write_solid_jpeg(root + "/data/images/1919993.jpg", 0, 0, 0);
  write_solid_jpeg(root + "/data/images/1025794.jpg", 0, 0, 0);
  return root;
}

}  // namespace

TEST_CASE("fgvc-aircraft reads variant names with spaces and slashes", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_aircraft(tmp);
  const auto test = open_format("fgvc-aircraft", {"fgvc_aircraft", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == std::vector<std::string>{"707-320", "Cessna 172", "F/A-18", "Yak-42"});
  CHECK(test->get(0).label == 2);
  CHECK(test->get(1).label == 1);
  CHECK(test->get(2).label == 3);
  CHECK(test->get(1).path == root + "/data/images/0062765.jpg");  // leading zero kept
  const Image img = load_sample_image(test->get(0));
  CHECK(img.width == 9);
  CHECK(pixel(img, 4, 2, 0) < 15);
  CHECK(pixel(img, 4, 2, 1) > 185);
  const auto trainval = open_format("fgvc-aircraft", {"fgvc_aircraft", root, "trainval", {}});
  REQUIRE(trainval->size() == 1);
  CHECK(trainval->get(0).label == 0);
}

TEST_CASE("fgvc-aircraft's variants.txt order matches prompts/fgvc_aircraft.json's ends",
          "[unit]") {
  const auto names = prompt_class_names("fgvc_aircraft");
  REQUIRE(names.size() == 100);
  CHECK(names.front() == "707-320");  // variants.txt line 1
  CHECK(names.back() == "Yak-42");    // variants.txt line 100
}

TEST_CASE("fgvc-aircraft bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_aircraft(tmp);
  CHECK_THROWS_WITH(
      open_format("fgvc-aircraft", {"fgvc_aircraft", root, "val", {}}),
      Catch::Contains("fgvc_aircraft: cannot open") && Catch::Contains("images_variant_val.txt"));
  std::filesystem::remove(root + "/data/images/1919993.jpg");
  const auto test = open_format("fgvc-aircraft", {"fgvc_aircraft", root, "test", {}});
  CHECK_THROWS_WITH(test->get(2), Catch::Contains("images_variant_test.txt:3 entry "
                                                  "'1919993 Yak-42'") &&
                                      Catch::Contains("does not exist"));
  write_text(root + "/data/images_variant_test.txt", "1514522 F-16A/B\n");
  CHECK_THROWS_WITH(open_format("fgvc-aircraft", {"fgvc_aircraft", root, "test", {}}),
                    Catch::Contains("variant 'F-16A/B' is not in"));
  CHECK_THROWS_WITH(
      open_format("fgvc-aircraft", {"fgvc_aircraft", root, "trainval", {"a", "b", "c"}}),
      Catch::Contains("variants.txt has 4 classes"));
}
