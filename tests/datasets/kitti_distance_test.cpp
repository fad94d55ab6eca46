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

// 20 images 000000..000019; image p's objects are chosen to give label p % 4 unless overridden.
std::string write_kitti(const test::Folder& tmp) {
  const std::string root = tmp.file("kitti");
  fs::create_directories(root + "/training/label_2");
  for (int p = 0; p < 20; ++p) {
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
  return root;
}

}  // namespace

TEST_CASE("kitti-distance bins the closest car/van/truck distance as VTAB does", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_kitti(tmp);
  const auto test = open_format("kitti-distance", {"kitti", root, "test", {}});
  // Sorted ids, position p: test p % 10 == 9 -> 000009, 000019.
  REQUIRE(test->size() == 2);
  CHECK(fs::path(test->get(0).path).filename() == "000009.png");
  CHECK(test->get(0).label == 1);  // truck at 8.5 m
  CHECK(test->get(1).label == 3);  // 19 % 4 == 3: no vehicle
  CHECK(test->classes().size() == 4);
  const Image image = load_sample_image(test->get(1));
  CHECK(image.width == 6);
  CHECK(test::pixel_near(image, 190, 0, 0, 0));

  const auto val = open_format("kitti-distance", {"kitti", root, "val", {}});
  REQUIRE(val->size() == 1);      // p % 20 == 4
  CHECK(val->get(0).label == 0);  // car at 7.5 m (the van at 30 m is farther)
  const auto train = open_format("kitti-distance", {"kitti", root, "train", {}});
  CHECK(train->size() == 17);
  CHECK(train->get(2).label == 2);  // 000002: car at 46.7 m; DontCare ignored
  CHECK(open_format("kitti-distance", {"kitti", root, "trainval", {}})->size() == 18);
}

TEST_CASE("kitti-distance threshold edges follow VTAB (8 m and 20 m fall in the nearer bin)",
          "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_kitti(tmp);
  std::ofstream(root + "/training/label_2/000009.txt") << object("Car", 8.0);
  std::ofstream(root + "/training/label_2/000019.txt") << object("Van", 20.0);
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
    fs::remove(root + "/training/label_2/000019.txt");
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("000019.png") && Catch::Contains("no label file") &&
                          Catch::Contains("000019.txt"));
  }
  SECTION("malformed line") {
    std::ofstream(root + "/training/label_2/000009.txt") << "Car 0.0 0 1.0\n";
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {}}),
                      Catch::Contains("000009.txt:1") && Catch::Contains("expected 15"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THROWS_WITH(open_format("kitti-distance", {"kitti", root, "test", {"a", "b"}}),
                      Catch::Contains("4 classes, expected 2"));
  }
}
