// Tests of the CLEVR Counts adapter on a miniature CLEVR_v1.0 layout (scenes JSON + PNG images).
#include "datasets/clevr_counts.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNames = {"10", "3", "4", "5", "6", "7", "8", "9"};

// A scenes file in CLEVR's shape; each scene's objects carry nested fields like the real ones.
void write_scenes(const std::string& path, const std::string& split,
                  const std::vector<int>& counts) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path);
  out << R"({"info": {"split": ")" << split << R"(", "version": "1.0"}, "scenes": [)";
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i) out << ", ";
    out << fmt::format(R"({{"split": "{}", "image_index": {}, "objects": [)", split, i);
    for (int k = 0; k < counts[i]; ++k) {
      if (k) out << ", ";
      out << R"({"color": "red", "3d_coords": [1.0, -2.0, 0.7], "pixel_coords": [1, 2, 3], )"
          << R"("shape": "cube", "rotation": 12.5, "size": "large", "material": "rubber"})";
    }
    out << R"(], "relationships": {"right": [[1], []], "left": [[], [0]]}, )"
        << R"("directions": {"left": [-0.6, 0.7, 0.0]}, )"
        << fmt::format(R"("image_filename": "CLEVR_{}_{:06d}.png"}})", split, i);
  }
  out << "]}";
}

// CLEVR train with 10 scenes (counts 3..10, 3, 10) and val with 2.
std::string write_clevr(const test::Folder& tmp) {
  const std::string root = tmp.file("CLEVR_v1.0");
  const std::vector<int> train = {3, 4, 5, 6, 7, 8, 9, 10, 3, 10};
  write_scenes(root + "/scenes/CLEVR_train_scenes.json", "train", train);
  write_scenes(root + "/scenes/CLEVR_val_scenes.json", "val", {10, 5});
  for (size_t i = 0; i < train.size(); ++i) {
    test::write_solid_image(fmt::format("{}/images/train/CLEVR_train_{:06d}.png", root, i), 4, 3,
                            static_cast<uint8_t>(20 * i), 100, 100);
  }
  for (size_t i = 0; i < 2; ++i) {
    test::write_solid_image(fmt::format("{}/images/val/CLEVR_val_{:06d}.png", root, i), 7, 5, 200,
                            static_cast<uint8_t>(30 * i), 0);
  }
  return root;
}

}  // namespace

TEST_CASE("clevr-counts labels scenes by object count in the prompts' string order", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_clevr(tmp);
  const auto test = open_format("clevr-counts", {"clevr_counts", root, "test", kNames});
  REQUIRE(test->size() == 2);
  CHECK(test->classes() == kNames);
  CHECK(test->get(0).label == 0);  // 10 objects -> "10", the first class
  CHECK(test->get(1).label == 3);  // 5 objects -> "5"
  const Image image = load_sample_image(test->get(1));
  CHECK(image.width == 7);
  CHECK(image.height == 5);
  CHECK(test::pixel_near(image, 200, 30, 0, 0));

  // Without catalogue names the same order is used.
  const auto trainval = open_format("clevr-counts", {"clevr_counts", root, "trainval", {}});
  REQUIRE(trainval->size() == 10);
  CHECK(trainval->classes() == kNames);
  const std::vector<int64_t> expected = {1, 2, 3, 4, 5, 6, 7, 0, 1, 0};
  for (size_t i = 0; i < expected.size(); ++i) CHECK(trainval->get(i).label == expected[i]);
}

TEST_CASE("clevr-counts splits: VTAB's 90/10 of CLEVR train, and fixed samples", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_clevr(tmp);
  const auto train = open_format("clevr-counts", {"clevr_counts", root, "train", {}});
  const auto val = open_format("clevr-counts", {"clevr_counts", root, "val", {}});
  REQUIRE(train->size() == 9);
  REQUIRE(val->size() == 1);
  CHECK(fs::path(val->get(0).path).filename() == "CLEVR_train_000009.png");
  CHECK(fs::path(train->get(8).path).filename() == "CLEVR_train_000008.png");
  // Fewer images than the sample size: the whole split.
  CHECK(open_format("clevr-counts", {"clevr_counts", root, "train_2000", {}})->size() == 9);
  CHECK(open_format("clevr-counts", {"clevr_counts", root, "test_500", {}})->size() == 2);
}

TEST_CASE("clevr-counts bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_clevr(tmp);
  SECTION("missing scenes file") {
    fs::remove(root + "/scenes/CLEVR_val_scenes.json");
    CHECK_THROWS_WITH(open_format("clevr-counts", {"clevr_counts", root, "test", {}}),
                      Catch::Contains("clevr_counts") && Catch::Contains("CLEVR_val_scenes.json") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("scene names a missing image") {
    fs::remove(root + "/images/val/CLEVR_val_000001.png");
    CHECK_THROWS_WITH(open_format("clevr-counts", {"clevr_counts", root, "test", {}}),
                      Catch::Contains("CLEVR_val_scenes.json") &&
                          Catch::Contains("CLEVR_val_000001.png") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("count outside the classes") {
    write_scenes(root + "/scenes/CLEVR_val_scenes.json", "val", {10, 2});
    CHECK_THROWS_WITH(open_format("clevr-counts", {"clevr_counts", root, "test", {}}),
                      Catch::Contains("scenes[1]") && Catch::Contains("has 2 objects") &&
                          Catch::Contains("expected a count among the classes"));
  }
  SECTION("malformed JSON") {
    std::ofstream(root + "/scenes/CLEVR_val_scenes.json") << R"({"scenes": [{"objects": [)";
    CHECK_THROWS_WITH(
        open_format("clevr-counts", {"clevr_counts", root, "test", {}}),
        Catch::Contains("CLEVR_val_scenes.json") && Catch::Contains("is not valid JSON"));
  }
}
