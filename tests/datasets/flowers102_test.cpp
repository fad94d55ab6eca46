// Tests of the Flowers-102 adapter on a miniature torchvision layout (.mat files via matio).
#include "datasets/flowers102.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

// flowers-102/ with 6 images; labels (1-based) 1, 3, 2, 102, 1, 2; train {1, 4}, val {2},
// test {3, 5, 6}.
std::string write_flowers(const test::Folder& tmp) {
  const std::string root = tmp.file("flowers-102");
  for (int id = 1; id <= 6; ++id) {
    test::write_solid_image(fmt::format("{}/jpg/image_{:05d}.jpg", root, id), 8, 6,
                            static_cast<uint8_t>(40 * id), 20, 200);
  }
  test::MatWriter(root + "/imagelabels.mat").doubles("labels", {1, 3, 2, 102, 1, 2});
  test::MatWriter setid(root + "/setid.mat");
  setid.uint16s("trnid", {1, 4});
  setid.uint16s("valid", {2});
  setid.uint16s("tstid", {3, 5, 6});
  return root;
}

std::vector<std::string> prompt_names(const std::string& id) {
  std::ifstream in(std::string(CLIPBENCH_SOURCE_DIR) + "/prompts/" + id + ".json");
  const auto j = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& c : j["classes"]) names.push_back(c[0].get<std::string>());
  return names;
}

}  // namespace

TEST_CASE("flowers102 reads splits, 1-based labels and images from the .mat files", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_flowers(tmp);

  const auto test = open_format("flowers102", {"flowers102", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes().size() == 102);
  CHECK(test->classes().front() == "1");
  CHECK(test->classes().back() == "102");
  CHECK(test->get(0).label == 1);  // image 3 has label 2 (1-based)
  CHECK(test->get(1).label == 0);
  CHECK(test->get(2).label == 1);
  CHECK(fs::path(test->get(0).path).filename() == "image_00003.jpg");
  const Image image = load_sample_image(test->get(0));
  CHECK(image.width == 8);
  CHECK(image.height == 6);
  CHECK(test::pixel_near(image, 120, 20, 200));

  const auto train = open_format("flowers102", {"flowers102", root, "train", {}});
  REQUIRE(train->size() == 2);
  CHECK(train->get(1).label == 101);
  CHECK(open_format("flowers102", {"flowers102", root, "val", {}})->size() == 1);
  CHECK(open_format("flowers102", {"flowers102", root, "trainval", {}})->size() == 3);
}

TEST_CASE("flowers102 label order is the prompts' order: label 0 is pink primrose", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_flowers(tmp);
  const auto names = prompt_names("flowers102");
  REQUIRE(names.size() == 102);
  const auto train = open_format("flowers102", {"flowers102", root, "train", names});
  // Image 1 has Flowers-102 label id 1, which is "pink primrose" in the dataset's label list.
  CHECK(train->classes()[static_cast<size_t>(train->get(0).label)] == "pink primrose");
  CHECK(train->classes()[1] == "hard-leaved pocket orchid");
}

TEST_CASE("flowers102 bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_flowers(tmp);

  SECTION("missing imagelabels.mat") {
    fs::remove(root + "/imagelabels.mat");
    CHECK_THROWS_WITH(open_format("flowers102", {"flowers102", root, "test", {}}),
                      Catch::Contains("flowers102") && Catch::Contains("imagelabels.mat") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("setid names a missing image") {
    fs::remove(root + "/jpg/image_00005.jpg");
    CHECK_THROWS_WITH(open_format("flowers102", {"flowers102", root, "test", {}}),
                      Catch::Contains("setid.mat") && Catch::Contains("image_00005.jpg") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("label out of range") {
    test::MatWriter(root + "/imagelabels.mat").doubles("labels", {1, 3, 2, 103, 1, 2});
    CHECK_THROWS_WITH(open_format("flowers102", {"flowers102", root, "train", {}}),
                      Catch::Contains("imagelabels.mat") && Catch::Contains("label 102") &&
                          Catch::Contains("[0, 102)"));
  }
  SECTION("image id outside the labels") {
    test::MatWriter setid(root + "/setid.mat");
    setid.uint16s("trnid", {1, 7});
    setid.uint16s("valid", {2});
    setid.uint16s("tstid", {3});
    CHECK_THROWS_WITH(open_format("flowers102", {"flowers102", root, "train", {}}),
                      Catch::Contains("setid.mat") && Catch::Contains("image id 7"));
  }
  SECTION("corrupt image inside the split") {
    test::write_bytes(root + "/jpg/image_00006.jpg", {0xFF, 0xD8, 0xFF, 0xE0, 0x00});
    const auto test = open_format("flowers102", {"flowers102", root, "test", {}});
    CHECK_THROWS_WITH(load_sample_image(test->get(2)), Catch::Contains("image_00006.jpg"));
  }
  SECTION("missing variable") {
    test::MatWriter(root + "/setid.mat").uint16s("trnid", {1});
    CHECK_THROWS_WITH(open_format("flowers102", {"flowers102", root, "test", {}}),
                      Catch::Contains("setid.mat") && Catch::Contains("'tstid'"));
  }
}
