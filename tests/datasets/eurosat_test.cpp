// Tests of the EuroSAT adapter on a miniature 2750/ folder with the 1000 + 500 per class split.
#include "datasets/eurosat.h"

#include <fmt/format.h>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

const std::vector<std::string> kFolders = {
    "AnnualCrop", "Forest",        "HerbaceousVegetation", "Highway", "Industrial",
    "Pasture",    "PermanentCrop", "Residential",          "River",   "SeaLake"};

// eurosat/2750/<class>/<class>_<n>.jpg, n = 1..1501 (names unpadded, as in EuroSAT.zip). The
// files are empty except River_1001.jpg (the first River test image).
std::string make_eurosat(const TestFolder& tmp) {
  const std::string root = tmp.file("eurosat");
  for (const auto& c : kFolders) {
    std::filesystem::create_directories(root + "/2750/" + c);
    for (int i = 1; i <= 1501; ++i) {
      std::ofstream(fmt::format("{}/2750/{}/{}_{}.jpg", root, c, c, i));
    }
  }
  write_solid_jpeg(root + "/2750/River/River_1001.jpg", 0, 0, 255, 64, 64);
  return root;
}

}  // namespace

TEST_CASE("eurosat labels follow prompts/eurosat.json and split 1000 + 500 per class", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_eurosat(tmp);
  const auto train = open_format("eurosat", {"eurosat", root, "train", {}});
  const auto test = open_format("eurosat", {"eurosat", root, "test", {}});
  REQUIRE(train->size() == 10000);
  REQUIRE(test->size() == 5000);
  const std::vector<std::string> expected = {
      "Forest",  "PermanentCrop",        "Residential", "River",      "Pasture",
      "SeaLake", "HerbaceousVegetation", "AnnualCrop",  "Industrial", "Highway"};
  CHECK(train->classes() == expected);
  // Natural order: Forest_1, Forest_2, ..., Forest_10, ...; train ends at Forest_1000.
  CHECK(train->get(9).path == root + "/2750/Forest/Forest_10.jpg");
  CHECK(train->get(999).path == root + "/2750/Forest/Forest_1000.jpg");
  CHECK(train->get(1000).label == 1);
  CHECK(test->get(0).path == root + "/2750/Forest/Forest_1001.jpg");
  CHECK(test->get(499).path == root + "/2750/Forest/Forest_1500.jpg");
  const Sample river = test->get(1500);
  CHECK(river.label == 3);
  CHECK(river.path == root + "/2750/River/River_1001.jpg");
  const Image img = load_sample_image(river);
  CHECK(img.width == 64);
  CHECK(pixel(img, 10, 10, 2) > 240);
  CHECK(pixel(img, 10, 10, 0) < 15);
}

TEST_CASE("eurosat's folder order maps onto prompts/eurosat.json's names", "[unit]") {
  const auto names = prompt_class_names("eurosat");
  REQUIRE(names.size() == 10);
  CHECK(names == std::vector<std::string>{
                     "forest", "permanent crop land",
                     "residential buildings or homes or apartments", "river", "pasture land",
                     "lake or sea", "brushland or shrubland", "annual crop land",
                     "industrial buildings or commercial buildings", "highway or road"});
}

TEST_CASE("eurosat bad input names the dataset and the folder", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_eurosat(tmp);
  std::filesystem::remove(root + "/2750/Pasture/Pasture_7.jpg");
  CHECK(open_format("eurosat", {"eurosat", root, "test", {}})->size() == 5000);  // 1500 left
  std::filesystem::remove(root + "/2750/Pasture/Pasture_8.jpg");
  CHECK_THROWS_WITH(open_format("eurosat", {"eurosat", root, "test", {}}),
                    Catch::Contains("eurosat: class folder") && Catch::Contains("Pasture") &&
                        Catch::Contains("has 1499 images"));
  std::ofstream(root + "/2750/Pasture/Pasture_8.jpg");
  std::filesystem::remove_all(root + "/2750/Highway");
  CHECK_THROWS_WITH(open_format("eurosat", {"eurosat", root, "test", {}}),
                    Catch::Contains("has the class folders"));
  // An empty class folder (Highway restored from SeaLake's files).
  std::filesystem::rename(root + "/2750/SeaLake", root + "/2750/Highway");
  std::filesystem::create_directories(root + "/2750/SeaLake");
  CHECK_THROWS_WITH(open_format("eurosat", {"eurosat", root, "test", {}}),
                    Catch::Contains("SeaLake") && Catch::Contains("has 0 images"));
}
