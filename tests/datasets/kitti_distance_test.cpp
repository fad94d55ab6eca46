// Tests of the KITTI closest-vehicle-distance adapter on a miniature object-detection layout.
#include "datasets/kitti_distance.h"

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

// One KITTI label line with the given type and location z.
std::string object(const std::string& type, double z) {
  return fmt::format(
      "{} 0.00 0 -1.58 587.01 173.33 614.12 200.12 1.65 1.67 3.64 -0.65 1.71 {} "
      "-1.59\n",
      type, z);
}

// 24 images 000000..000023; image p's objects give label p % 4. The devkit mapping puts the images
// in 12 drives: train_mapping.txt line k (0-based) is drive k / 2 + 1, and image i maps to line
// (7 i) % 24 + 1 of it.
std::string write_kitti(const test::Folder& tmp) {
  const std::string root = tmp.file("kitti");
  fs::create_directories(root + "/training/label_2");
  for (int p = 0; p < 24; ++p) {
    test::write_solid_image(fmt::format("{}/training/image_2/{:06d}.png", root, p), 6, 2,
                            static_cast<uint8_t>(10 * p), 0, 0);
    std::ofstream out(fmt::format("{}/training/label_2/{:06d}.txt", root, p));
    switch (p % 4) {
      case 0:
        out << object("Pedestrian", 3.0) << object("Car", 7.5) << object("Van", 30);
        break;
      case 1:
        out << object("Truck", 8.0 + 0.5) << object("Cyclist", 2.0);
        break;
      case 2:
        out << object("Car", 46.7) << object("DontCare", 1.0);
        break;
      case 3:
        out << object("Pedestrian", 5.0) << object("Tram", 6.0);
        break;
    }
  }
  fs::create_directories(root + "/devkit_object/mapping");
  std::ofstream mapping(root + "/devkit_object/mapping/train_mapping.txt");
  for (int k = 0; k < 24; ++k) {
    mapping << fmt::format("2011_09_26 2011_09_26_drive_{:04d}_sync {:010d}\n", k / 2 + 1, k);
  }
  std::ofstream rand(root + "/devkit_object/mapping/train_rand.txt");
  for (int i = 0; i < 24; ++i) rand << (i ? "," : "") << (i * 7) % 24 + 1;
  rand << "\n";
  return root;
}

}  // namespace

// The expected split is TFDS kitti's _build_splits run on the same mapping with NumPy 1.24.2:
// 12 videos -> 1 test video (drive 0006: images 5, 22), 1 validation video (drive 0005: 8, 15).
TEST_CASE("kitti-distance bins the closest car/van/truck distance; VTAB's per-drive splits",
          "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_kitti(tmp);
  const auto test = open_format("kitti-distance", {"kitti", root, "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(fs::path(test->get(0).path).filename() == "000005.png");
  CHECK(fs::path(test->get(1).path).filename() == "000022.png");
  CHECK(test->get(0).label == 1);  // truck at 8.5 m
  CHECK(test->get(1).label == 2);  // car at 46.7 m; DontCare at 1 m ignored
  CHECK(test->classes().size() == 4);
  const Image image = load_sample_image(test->get(1));
  CHECK(image.width == 6);
  CHECK(test::pixel_near(image, 220, 0, 0, 0));

  const auto val = open_format("kitti-distance", {"kitti", root, "val", {}});
  REQUIRE(val->size() == 2);
  CHECK(fs::path(val->get(0).path).filename() == "000008.png");
  CHECK(val->get(0).label == 0);  // car at 7.5 m (the van at 30 m is farther)
  CHECK(val->get(1).label == 3);  // image 15: pedestrian and tram only -> no vehicle
  const auto train = open_format("kitti-distance", {"kitti", root, "train", {}});
  CHECK(train->size() == 20);
  CHECK(fs::path(train->get(5).path).filename() == "000006.png");
  CHECK(open_format("kitti-distance", {"kitti", root, "trainval", {}})->size() == 22);
}

TEST_CASE("kitti-distance threshold edges follow VTAB (8 m and 20 m fall in the nearer bin)",
          "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_kitti(tmp);
  std::ofstream(root + "/training/label_2/000005.txt") << object("Car", 8.0);
  std::ofstream(root + "/training/label_2/000022.txt") << object("Van", 20.0);
  const auto test = open_format("kitti-distance", {"kitti", root, "test", {}});
  CHECK(test->get(0).label == 0);
  CHECK(test->get(1).label == 1);
}

TEST_CASE("kitti-distance bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_kitti(tmp);
  SECTION("missing label folder") {
    fs::remove_all(root + "/training/label_2");
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("kitti") && Catch::Contains("label_2") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("image without its label file") {
    fs::remove(root + "/training/label_2/000022.txt");
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("000022.png") && Catch::Contains("no label file") &&
                          Catch::Contains("000022.txt"));
  }
  SECTION("split image missing") {
    fs::remove(root + "/training/image_2/000005.png");
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("train_rand.txt") && Catch::Contains("000005.png") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("missing devkit mapping") {
    fs::remove_all(root + "/devkit_object");
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "train", {}}),
                      Catch::Contains("kitti") && Catch::Contains("train_rand.txt") &&
                          Catch::Contains("devkit_object.zip"));
  }
  SECTION("mapping entry out of range") {
    std::ofstream(root + "/devkit_object/mapping/train_rand.txt") << "1,2,25\n";
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "train", {}}),
                      Catch::Contains("train_rand.txt") && Catch::Contains("entry 3 is '25'") &&
                          Catch::Contains("1..24"));
  }
  SECTION("malformed line") {
    std::ofstream(root + "/training/label_2/000005.txt") << "Car 0.0 0 1.0\n";
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("000005.txt:1") && Catch::Contains("expected 15"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {"a", "b"}}),
                      Catch::Contains("4 classes, expected 2"));
  }
}
