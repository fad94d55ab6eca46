// Tests of the Country211 adapter on a miniature copy of torchvision's country211/ layout.
#include "datasets/country211.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

std::string make_country211(const TestFolder& tmp) {
  const std::string root = tmp.file("country211");
  for (const std::string split : {"train", "valid", "test"}) {
    write_solid_jpeg(root + "/" + split + "/AE/1.jpg", 9, 9, 9);
    write_solid_jpeg(root + "/" + split + "/AD/10.jpg", 9, 9, 9);
    write_solid_jpeg(root + "/" + split + "/AD/9.jpg", 9, 9, 9);
    write_solid_jpeg(root + "/" + split + "/ZW/5.jpg", 40, 220, 90, 3, 8);
  }
  return root;
}

}  // namespace

TEST_CASE("country211 reads sorted country-code folders per split", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_country211(tmp);
  const auto test = open_format("country211", {"country211", root, "test", {}});
  REQUIRE(test->size() == 4);
  CHECK(test->classes() == std::vector<std::string>{"AD", "AE", "ZW"});
  CHECK(test->get(0).path == root + "/test/AD/9.jpg");  // natural order: 9 before 10
  CHECK(test->get(1).label == 0);
  CHECK(test->get(2).label == 1);
  CHECK(test->get(3).label == 2);
  const Image img = load_sample_image(test->get(3));
  CHECK(img.width == 3);
  CHECK(img.height == 8);
  CHECK(pixel(img, 1, 4, 1) > 200);
  const auto val = open_format("country211", {"country211", root, "val", {}});
  CHECK(val->get(0).path == root + "/valid/AD/9.jpg");
}

TEST_CASE("country211 prompts list country names in sorted ISO code order", "[unit]") {
  const auto names = prompt_class_names("country211");
  REQUIRE(names.size() == 211);
  CHECK(names[0] == "Andorra");               // AD
  CHECK(names[1] == "United Arab Emirates");  // AE
  CHECK(names[2] == "Afghanistan");           // AF
  CHECK(names[208] == "South Africa");        // ZA
  CHECK(names[209] == "Zambia");              // ZM
  CHECK(names[210] == "Zimbabwe");            // ZW
}

TEST_CASE("country211 bad input names the dataset and the folder", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_country211(tmp);
  CHECK_THROWS_WITH(open_format("country211", {"country211", root, "test", {"a", "b"}}),
                    Catch::Contains("country211: ") && Catch::Contains("has 3 classes"));
  std::filesystem::remove_all(root + "/valid");
  CHECK_THROWS_WITH(open_format("country211", {"country211", root, "val", {}}),
                    Catch::Contains("country211: folder") && Catch::Contains("valid") &&
                        Catch::Contains("does not exist"));
}
