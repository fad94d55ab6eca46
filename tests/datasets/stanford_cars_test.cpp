// Tests of the Stanford Cars adapter on a miniature torchvision layout (devkit .mat via matio).
#include "datasets/stanford_cars.h"

#include <filesystem>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNames = {"AM General Hummer SUV 2000", "Acura RL Sedan 2012",
                                         "Acura TL Sedan 2012"};

void write_annos(const std::string& path, const std::vector<std::string>& files,
                 const std::vector<uint8_t>& classes) {
  std::vector<uint8_t> box(files.size(), 1);
  test::MatWriter(path).struct_array(
      "annotations", {{"fname", files}},
      {{"bbox_x1", box}, {"bbox_y1", box}, {"bbox_x2", box}, {"bbox_y2", box}, {"class", classes}});
}

std::string write_cars(const test::Folder& tmp) {
  const std::string root = tmp.file("stanford_cars");
  test::MatWriter(root + "/devkit/cars_meta.mat").cell_strings("class_names", kNames);
  write_annos(root + "/devkit/cars_train_annos.mat", {"00001.jpg", "00002.jpg"}, {3, 1});
  write_annos(root + "/cars_test_annos_withlabels.mat", {"00001.jpg", "00002.jpg", "00003.jpg"},
              {2, 2, 3});
  test::write_solid_image(root + "/cars_train/00001.jpg", 10, 7, 250, 10, 10);
  test::write_solid_image(root + "/cars_train/00002.jpg", 10, 7, 10, 250, 10);
  for (const char* f : {"00001.jpg", "00002.jpg", "00003.jpg"}) {
    test::write_solid_image(root + "/cars_test/" + f, 5, 9, 10, 10, 250);
  }
  return root;
}

}  // namespace

TEST_CASE("stanford-cars reads class names and annotations from the devkit .mat files", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_cars(tmp);
  const auto train = open_format("stanford-cars", {"stanford_cars", root, "train", {}});
  REQUIRE(train->size() == 2);
  CHECK(train->classes() == kNames);
  CHECK(train->get(0).label == 2);  // class 3, 1-based
  CHECK(train->get(1).label == 0);
  CHECK(fs::path(train->get(1).path) == fs::path(root) / "cars_train" / "00002.jpg");
  const Image image = load_sample_image(train->get(0));
  CHECK(image.width == 10);
  CHECK(image.height == 7);
  CHECK(test::pixel_near(image, 250, 10, 10));

  const auto test_split = open_format("stanford-cars", {"stanford_cars", root, "test", {}});
  REQUIRE(test_split->size() == 3);
  CHECK(test_split->get(0).label == 1);
  CHECK(test_split->get(2).label == 2);
  CHECK(load_sample_image(test_split->get(2)).height == 9);
}

TEST_CASE("stanford-cars bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_cars(tmp);
  SECTION("missing annotation file") {
    fs::remove(root + "/cars_test_annos_withlabels.mat");
    CHECK_THROWS_WITH(open_format("stanford-cars", {"stanford_cars", root, "test", {}}),
                      Catch::Contains("stanford_cars") &&
                          Catch::Contains("cars_test_annos_withlabels.mat") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("annotation names a missing image") {
    fs::remove(root + "/cars_train/00002.jpg");
    CHECK_THROWS_WITH(open_format("stanford-cars", {"stanford_cars", root, "train", {}}),
                      Catch::Contains("cars_train_annos.mat") && Catch::Contains("00002.jpg") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("class out of range") {
    write_annos(root + "/devkit/cars_train_annos.mat", {"00001.jpg"}, {4});
    CHECK_THROWS_WITH(open_format("stanford-cars", {"stanford_cars", root, "train", {}}),
                      Catch::Contains("cars_train_annos.mat") && Catch::Contains("label 3") &&
                          Catch::Contains("[0, 3)"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THROWS_WITH(open_format("stanford-cars", {"stanford_cars", root, "train", {"a", "b"}}),
                      Catch::Contains("cars_meta.mat") && Catch::Contains("3 classes, expected 2"));
  }
  SECTION("missing field") {
    test::MatWriter(root + "/devkit/cars_train_annos.mat")
        .struct_array("annotations", {{"fname", {"00001.jpg"}}}, {});
    CHECK_THROWS_WITH(open_format("stanford-cars", {"stanford_cars", root, "train", {}}),
                      Catch::Contains("no field 'class'"));
  }
}
