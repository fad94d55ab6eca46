// Tests of the "imagefolder" format on a miniature torchvision ImageFolder tree written here.
#include "datasets/imagefolder.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "datasets/dataset.h"
#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

// A width x height RGB PNG whose every pixel is (value, 0, 255 - value).
void write_png(const fs::path& path, uint8_t value, uint32_t width = 3, uint32_t height = 2) {
  fs::create_directories(path.parent_path());
  test::PngSpec spec;
  spec.width = width;
  spec.height = height;
  for (uint32_t y = 0; y < height; ++y) {
    std::vector<uint8_t> row;
    for (uint32_t x = 0; x < width; ++x) row.insert(row.end(), {value, 0, uint8_t(255 - value)});
    spec.rows.push_back(row);
  }
  test::write_png_file(path.string(), spec);
}

// <root>/train/{Zebra,cat,dog}/...: classes sort by byte value (upper case first), files are found
// recursively, non-image files are skipped, extensions are matched case-insensitively.
fs::path write_tree(const std::string& name) {
  const fs::path root = test::test_dir(name);
  write_png(root / "train" / "dog" / "b.png", 30);
  write_png(root / "train" / "dog" / "a.PNG", 20);
  std::ofstream(root / "train" / "dog" / "notes.txt") << "not an image";
  write_png(root / "train" / "cat" / "z.png", 10);
  write_png(root / "train" / "cat" / "sub" / "a.png", 11);
  write_png(root / "train" / "Zebra" / "x.png", 40, 5, 4);
  std::ofstream(root / "train" / "README") << "a file beside the class folders";
  return root;
}

OpenRequest request(const fs::path& root, const std::string& split) {
  OpenRequest r;
  r.dataset = "mini";
  r.root = root.string();
  r.split = split;
  return r;
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("imagefolder", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("imagefolder reads a split as torchvision ImageFolder does", "[unit]") {
  const fs::path root = write_tree("imagefolder_order");
  const auto ds = open_format("imagefolder", request(root, "train"));
  CHECK(ds->classes() == std::vector<std::string>{"Zebra", "cat", "dog"});
  REQUIRE(ds->size() == 5);
  CHECK_FALSE(ds->multi_label());
  CHECK(ds->source() == (root / "train").string());
  // ImageFolder order: class by class; within a class os.walk roots sorted, then file names.
  const std::vector<std::pair<std::string, int64_t>> expected = {{"train/Zebra/x.png", 0},
                                                                 {"train/cat/z.png", 1},
                                                                 {"train/cat/sub/a.png", 1},
                                                                 {"train/dog/a.PNG", 2},
                                                                 {"train/dog/b.png", 2}};
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(i);
    const Sample s = ds->get(i);
    CHECK(s.path == (root / expected[i].first).string());
    CHECK(s.name == s.path);
    CHECK(s.label == expected[i].second);
  }
  const Image img = load_sample_image(ds->get(0));
  CHECK(img.width == 5);
  CHECK(img.height == 4);
  CHECK(img.mode == ImageMode::kRGB);
  CHECK(img.data[0] == 40);
  CHECK(img.data[2] == 215);
  CHECK_THROWS_AS(ds->get(5), DatasetError);
}

TEST_CASE("imagefolder split all reads class folders directly under the root", "[unit]") {
  const fs::path root = test::test_dir("imagefolder_all");
  write_png(root / "b" / "1.jpg.png", 1);
  write_png(root / "a" / "2.png", 2);
  const auto ds = open_format("imagefolder", request(root, "all"));
  CHECK(ds->classes() == std::vector<std::string>{"a", "b"});
  REQUIRE(ds->size() == 2);
  CHECK(ds->get(0).label == 0);
  CHECK(ds->get(1).label == 1);
  CHECK(load_sample_image(ds->get(1)).data[0] == 1);
}

TEST_CASE("imagefolder errors name the dataset and the folder", "[unit]") {
  const fs::path root = write_tree("imagefolder_errors");
  const std::string missing = error_of(request(root, "test"));
  CHECK_THAT(missing, Catch::Contains("mini") && Catch::Contains((root / "test").string()) &&
                          Catch::Contains("does not exist"));

  OpenRequest counted = request(root, "train");
  counted.class_names = {"a", "b"};
  CHECK_THAT(error_of(counted), Catch::Contains("3 class folders, expected 2 classes"));

  fs::create_directories(root / "val" / "empty");
  write_png(root / "val" / "full" / "a.png", 1);
  CHECK_THAT(error_of(request(root, "val")),
             Catch::Contains((root / "val" / "empty").string()) && Catch::Contains("no image"));

  fs::create_directories(root / "all_files");
  write_png(root / "all_files" / "a.png", 1);
  OpenRequest no_classes = request(root / "all_files", "all");
  CHECK_THAT(error_of(no_classes), Catch::Contains("no class folder"));

  OpenRequest bad_split = request(root, "trainval");
  CHECK_THAT(error_of(bad_split), Catch::Contains("no split 'trainval'"));
}

TEST_CASE("imagefolder: a corrupt or vanished image is an error naming the file", "[unit]") {
  const fs::path root = test::test_dir("imagefolder_corrupt");
  write_png(root / "test" / "a" / "good.png", 5);
  fs::create_directories(root / "test" / "b");
  std::ofstream(root / "test" / "b" / "bad.png", std::ios::binary) << "\x89PNG\r\n\x1a\n broken";
  const auto ds = open_format("imagefolder", request(root, "test"));
  REQUIRE(ds->size() == 2);
  const Sample bad = ds->get(1);
  try {
    load_sample_image(bad);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.png"));
  }
  fs::remove(root / "test" / "a" / "good.png");
  try {
    ds->get(0);
    FAIL("no error");
  } catch (const DatasetError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("good.png") && Catch::Contains("missing"));
  }
}
