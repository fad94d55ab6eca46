// Tests of the Oxford-IIIT Pet adapter on a miniature copy of the oxford-iiit-pet/ layout.
#include "datasets/oxford_pets.h"

#include <fmt/format.h>

#include <algorithm>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// The 37 breeds in the dataset's CLASS-ID order 1..37 (case-insensitive sort), with species
// (1 cat, 2 dog), as in annotations/list.txt.
const std::vector<std::pair<std::string, int>> kBreeds = {{"Abyssinian", 1},
                                                          {"american_bulldog", 2},
                                                          {"american_pit_bull_terrier", 2},
                                                          {"basset_hound", 2},
                                                          {"beagle", 2},
                                                          {"Bengal", 1},
                                                          {"Birman", 1},
                                                          {"Bombay", 1},
                                                          {"boxer", 2},
                                                          {"British_Shorthair", 1},
                                                          {"chihuahua", 2},
                                                          {"Egyptian_Mau", 1},
                                                          {"english_cocker_spaniel", 2},
                                                          {"english_setter", 2},
                                                          {"german_shorthaired", 2},
                                                          {"great_pyrenees", 2},
                                                          {"havanese", 2},
                                                          {"japanese_chin", 2},
                                                          {"keeshond", 2},
                                                          {"leonberger", 2},
                                                          {"Maine_Coon", 1},
                                                          {"miniature_pinscher", 2},
                                                          {"newfoundland", 2},
                                                          {"Persian", 1},
                                                          {"pomeranian", 2},
                                                          {"pug", 2},
                                                          {"Ragdoll", 1},
                                                          {"Russian_Blue", 1},
                                                          {"saint_bernard", 2},
                                                          {"samoyed", 2},
                                                          {"scottish_terrier", 2},
                                                          {"shiba_inu", 2},
                                                          {"Siamese", 1},
                                                          {"Sphynx", 1},
                                                          {"staffordshire_bull_terrier", 2},
                                                          {"wheaten_terrier", 2},
                                                          {"yorkshire_terrier", 2}};

// annotations/test.txt with one image of every breed ("<breed>_<100 + id>"), a comment header
// like list.txt's; only the images of ids 1, 2, 6 and 37 are written.
std::string make_pets(const TestFolder& tmp) {
  const std::string root = tmp.file("oxford-iiit-pet");
  std::string lines = "#Image CLASS-ID SPECIES BREED-ID\n";
  int breed_id[3] = {0, 0, 0};
  for (size_t i = 0; i < kBreeds.size(); ++i) {
    const int species = kBreeds[i].second;
    lines += fmt::format("{}_{} {} {} {}\n", kBreeds[i].first, 100 + i + 1, i + 1, species,
                         ++breed_id[species]);
  }
  write_text(root + "/annotations/test.txt", lines);
  write_solid_jpeg(root + "/images/Abyssinian_101.jpg", 90, 90, 90);
  write_solid_jpeg(root + "/images/american_bulldog_102.jpg", 90, 90, 90);
  write_solid_jpeg(root + "/images/Bengal_106.jpg", 255, 255, 0, 7, 3);
  write_solid_jpeg(root + "/images/yorkshire_terrier_137.jpg", 90, 90, 90);
  return root;
}

}  // namespace

TEST_CASE("oxford-pets labels follow prompts.md's case-sensitive breed order", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_pets(tmp);
  const auto test = open_format("oxford-pets", {"oxford_pets", root, "test", {}});
  REQUIRE(test->size() == 37);
  REQUIRE(test->classes().size() == 37);
  // The adapter's classes, '_' read as ' ', are exactly prompts/oxford_pets.json's names.
  std::vector<std::string> readable;
  for (auto c : test->classes()) {
    std::replace(c.begin(), c.end(), '_', ' ');
    readable.push_back(c);
  }
  CHECK(readable == prompt_class_names("oxford_pets"));
  // CLASS-ID 1 Abyssinian -> 0; 2 american_bulldog -> 12 (after the 12 cats); 6 Bengal -> 1.
  CHECK(test->get(0).label == 0);
  CHECK(test->get(1).label == 12);
  CHECK(test->get(5).label == 1);
  CHECK(test->classes()[12] == "american_bulldog");
  CHECK(test->get(36).label == 36);  // yorkshire_terrier is last in both orders
  const Image img = load_sample_image(test->get(5));
  CHECK(img.width == 7);
  CHECK(img.height == 3);
  CHECK(pixel(img, 3, 1, 2) < 15);
  CHECK(pixel(img, 3, 1, 0) > 240);
}

TEST_CASE("oxford-pets bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_pets(tmp);
  CHECK_THROWS_WITH(open_format("oxford-pets", {"oxford_pets", root, "trainval", {}}),
                    Catch::Contains("oxford_pets: cannot open") && Catch::Contains("trainval.txt"));
  const auto test = open_format("oxford-pets", {"oxford_pets", root, "test", {}});
  CHECK_THROWS_WITH(test->get(2), Catch::Contains("test.txt:4 entry "
                                                  "'american_pit_bull_terrier_103 3 2 2'") &&
                                      Catch::Contains("does not exist"));
  // A CLASS-ID outside 1..37.
  write_text(root + "/annotations/test.txt", "Abyssinian_1 1 1 1\nAbyssinian_2 38 1 1\n");
  CHECK_THROWS_WITH(open_format("oxford-pets", {"oxford_pets", root, "test", {}}),
                    Catch::Contains("test.txt:2") && Catch::Contains("CLASS-ID 38 is outside"));
  // One CLASS-ID for two breeds, a gap in the ids, a malformed line.
  write_text(root + "/annotations/test.txt", "Abyssinian_1 1 1 1\nBengal_2 1 1 2\n");
  CHECK_THROWS_WITH(open_format("oxford-pets", {"oxford_pets", root, "test", {}}),
                    Catch::Contains("CLASS-ID 1 is breed 'Bengal' here but 'Abyssinian'"));
  write_text(root + "/annotations/test.txt", "Abyssinian_1 1 1 1\nBengal_2 3 1 2\n");
  CHECK_THROWS_WITH(open_format("oxford-pets", {"oxford_pets", root, "test", {}}),
                    Catch::Contains("CLASS-ID 2 has no entry"));
  write_text(root + "/annotations/test.txt", "Abyssinian_1 one 1 1\n");
  CHECK_THROWS_WITH(open_format("oxford-pets", {"oxford_pets", root, "test", {}}),
                    Catch::Contains("expected 'Image CLASS-ID SPECIES BREED-ID'"));
}
