// Tests of the gtsrb adapter on a miniature torchvision gtsrb folder (PPM files written here), its
// PPM decoding through clip's decoder registry, and its bad-input errors.
#include "datasets/gtsrb.h"

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

namespace fs = std::filesystem;

// A binary PPM (P6) of w x h whose pixel (x, y) is (seed + x, seed + y, seed).
void write_ppm(const fs::path& path, int w, int h, int seed) {
  fs::create_directories(path.parent_path());
  std::string s = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      s.push_back(static_cast<char>(seed + x));
      s.push_back(static_cast<char>(seed + y));
      s.push_back(static_cast<char>(seed));
    }
  std::ofstream(path, std::ios::binary) << s;
}

std::vector<std::string> names(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back("sign " + std::to_string(i));
  return v;
}

void write_gtsrb(const test::TempDir& dir) {
  const fs::path train = fs::path(dir.path()) / "GTSRB" / "Training";
  write_ppm(train / "00000" / "00000_00001.ppm", 3, 2, 10);
  write_ppm(train / "00000" / "00000_00000.ppm", 3, 2, 20);
  write_ppm(train / "00002" / "00000_00000.ppm", 4, 5, 30);
  std::ofstream(train / "00000" / "GT-00000.csv") << "Filename;Width;Height;Roi.X1;Roi.Y1;"
                                                     "Roi.X2;Roi.Y2;ClassId\n";
  const fs::path images = fs::path(dir.path()) / "GTSRB" / "Final_Test" / "Images";
  write_ppm(images / "00000.ppm", 2, 2, 40);
  write_ppm(images / "00001.ppm", 2, 3, 50);
  dir.write("GT-final_test.csv",
            "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n"
            "00001.ppm;2;3;0;0;1;2;42\n"
            "00000.ppm;2;2;0;0;1;1;16\n");
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("gtsrb", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("gtsrb reads a miniature torchvision gtsrb folder and decodes its PPM files", "[unit]") {
  test::TempDir dir;
  write_gtsrb(dir);
  const auto train = open_format("gtsrb", {"gtsrb", dir.path(), "train", names(43)});
  REQUIRE(train->size() == 3);
  CHECK(train->classes() == names(43));
  CHECK(train->get(0).label == 0);
  CHECK(train->get(1).label == 0);
  CHECK(train->get(2).label == 2);
  CHECK(fs::path(train->get(0).path).filename() == "00000_00000.ppm");  // name order
  const Image a = load_sample_image(train->get(2));
  CHECK(a.mode == ImageMode::kRGB);
  CHECK(a.width == 4);
  CHECK(a.height == 5);
  const size_t at = (3 * 4 + 2) * 3;  // pixel (x=2, y=3)
  CHECK(a.data[at] == 32);
  CHECK(a.data[at + 1] == 33);
  CHECK(a.data[at + 2] == 30);

  const auto test = open_format("gtsrb", {"gtsrb", dir.path(), "test", names(43)});
  REQUIRE(test->size() == 2);
  CHECK(test->get(0).label == 42);  // CSV row order
  CHECK(test->get(1).label == 16);
  const Image b = load_sample_image(test->get(0));
  CHECK(b.width == 2);
  CHECK(b.height == 3);
  CHECK(b.data[0] == 50);
}

TEST_CASE("gtsrb rejects missing files, missing images and labels out of range", "[unit]") {
  test::TempDir dir;
  write_gtsrb(dir);
  SECTION("missing training folder") {
    fs::remove_all(fs::path(dir.path()) / "GTSRB" / "Training");
    CHECK_THAT(error_of({"gtsrb", dir.path(), "train", names(43)}),
               Catch::Contains("gtsrb") && Catch::Contains("Training"));
  }
  SECTION("missing test CSV") {
    fs::remove(dir.file("GT-final_test.csv"));
    CHECK_THAT(error_of({"gtsrb", dir.path(), "test", names(43)}),
               Catch::Contains("GT-final_test.csv"));
  }
  SECTION("CSV names a missing image") {
    fs::remove(fs::path(dir.path()) / "GTSRB" / "Final_Test" / "Images" / "00000.ppm");
    CHECK_THAT(error_of({"gtsrb", dir.path(), "test", names(43)}),
               Catch::Contains("GT-final_test.csv line 3") && Catch::Contains("00000.ppm"));
  }
  SECTION("ClassId out of range") {
    CHECK_THAT(error_of({"gtsrb", dir.path(), "test", names(20)}),
               Catch::Contains("line 2") && Catch::Contains("label 42"));
  }
  SECTION("a class folder that is not a number") {
    fs::create_directories(fs::path(dir.path()) / "GTSRB" / "Training" / "stop");
    CHECK_THAT(error_of({"gtsrb", dir.path(), "train", names(43)}), Catch::Contains("stop"));
  }
  SECTION("a corrupt image names its file when decoded") {
    const fs::path bad = fs::path(dir.path()) / "GTSRB" / "Training" / "00002" / "00000_00000.ppm";
    std::ofstream(bad, std::ios::binary) << "P6\n4 5\n255\nxyz";
    const auto train = open_format("gtsrb", {"gtsrb", dir.path(), "train", names(43)});
    CHECK_THROWS_WITH(load_sample_image(train->get(2)), Catch::Contains("00000_00000.ppm"));
  }
}
