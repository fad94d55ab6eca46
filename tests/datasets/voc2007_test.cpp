// Tests of the Pascal VOC 2007 adapter on a miniature devkit layout (multi-label targets).
#include "datasets/voc2007.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> voc_prompt_names() {
  std::ifstream in(std::string(CLIPBENCH_SOURCE_DIR) + "/prompts/voc2007.json");
  const auto j = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& c : j["classes"]) names.push_back(c[0].get<std::string>());
  return names;
}

// VOC2007 with 3 test images: 000001 has a dog and a (difficult) sofa, 000002 a diningtable,
// 000004 a person. Every one of the 20 classes has its <class>_test.txt, as in the devkit.
std::string write_voc(const test::Folder& tmp) {
  const std::string root = tmp.file("VOCdevkit/VOC2007");
  const std::vector<std::string> ids = {"000001", "000002", "000004"};
  std::map<std::string, std::vector<std::string>> values = {{"dog", {" 1", "-1", "-1"}},
                                                            {"sofa", {" 0", "-1", "-1"}},
                                                            {"diningtable", {"-1", " 1", "-1"}},
                                                            {"person", {"-1", "-1", " 1"}}};
  fs::create_directories(root + "/ImageSets/Main");
  for (const std::string& c : voc_prompt_names()) {
    std::ofstream out(root + "/ImageSets/Main/" + c + "_test.txt");
    for (size_t i = 0; i < ids.size(); ++i) {
      out << ids[i] << " " << (values.count(c) ? values[c][i] : "-1") << "\n";
    }
  }
  std::ofstream(root + "/ImageSets/Main/test.txt") << "000001\n000002\n000004\n";
  test::write_solid_image(root + "/JPEGImages/000001.jpg", 12, 8, 0, 128, 255);
  test::write_solid_image(root + "/JPEGImages/000002.jpg", 12, 8, 0, 0, 0);
  test::write_solid_image(root + "/JPEGImages/000004.jpg", 12, 8, 0, 0, 0);
  return root;
}

size_t index_of(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

}  // namespace

TEST_CASE("voc2007 yields multi-label targets in the prompts' class order", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_voc(tmp);
  const auto names = voc_prompt_names();
  REQUIRE(names.size() == 20);
  const auto test = open_format("voc2007", {"voc2007", root, "test", names});
  REQUIRE(test->size() == 3);
  CHECK(test->multi_label());
  CHECK(test->classes() == names);
  // The prompts' order is not alphabetical: diningtable comes after sofa.
  CHECK(test->classes()[16] == "diningtable");

  const Sample s0 = test->get(0);
  CHECK(s0.label == -1);
  REQUIRE(s0.targets.size() == 20);
  CHECK(s0.targets[index_of(names, "dog")] == 1);
  CHECK(s0.targets[index_of(names, "sofa")] == 0);  // difficult
  CHECK(s0.targets[index_of(names, "cat")] == -1);
  CHECK(test->get(1).targets[16] == 1);  // diningtable
  CHECK(test->get(2).targets[index_of(names, "person")] == 1);
  CHECK(fs::path(test->get(2).path).filename() == "000004.jpg");
  const Image image = load_sample_image(s0);
  CHECK(image.width == 12);
  CHECK(test::pixel_near(image, 0, 128, 255));

  // Without catalogue names: the devkit's alphabetical order.
  const auto plain = open_format("voc2007", {"voc2007", root, "test", {}});
  CHECK(plain->classes()[10] == "diningtable");
  CHECK(plain->get(1).targets[10] == 1);
}

TEST_CASE("voc2007 bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_voc(tmp);
  const auto names = voc_prompt_names();
  SECTION("missing class file") {
    fs::remove(root + "/ImageSets/Main/horse_test.txt");
    CHECK_THROWS_WITH(open_format("voc2007", {"voc2007", root, "test", names}),
                      Catch::Contains("voc2007") && Catch::Contains("horse_test.txt") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("annotation names a missing image") {
    fs::remove(root + "/JPEGImages/000002.jpg");
    CHECK_THROWS_WITH(open_format("voc2007", {"voc2007", root, "test", names}),
                      Catch::Contains("test.txt") && Catch::Contains("000002.jpg") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("value outside 1/-1/0") {
    std::ofstream(root + "/ImageSets/Main/cat_test.txt") << "000001 2\n000002 -1\n000004 -1\n";
    CHECK_THROWS_WITH(open_format("voc2007", {"voc2007", root, "test", names}),
                      Catch::Contains("cat_test.txt:1") && Catch::Contains("<1|-1|0>"));
  }
  SECTION("class file missing an image") {
    std::ofstream(root + "/ImageSets/Main/cat_test.txt") << "000001 1\n000002 -1\n";
    CHECK_THROWS_WITH(open_format("voc2007", {"voc2007", root, "test", names}),
                      Catch::Contains("cat_test.txt") && Catch::Contains("2 images, expected"));
  }
}
