// Tests of the "filelist" format (<root>/<split>.csv + classes.txt) on a miniature written here.
#include "datasets/filelist.h"

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

void write_png(const fs::path& path, uint8_t value) {
  fs::create_directories(path.parent_path());
  test::PngSpec spec;
  spec.width = 2;
  spec.height = 2;
  spec.color_type = PNG_COLOR_TYPE_GRAY;
  spec.rows = {{value, value}, {value, value}};
  test::write_png_file(path.string(), spec);
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

fs::path write_list(const std::string& name) {
  const fs::path root = test::test_dir(name);
  write_png(root / "images" / "a.png", 10);
  write_png(root / "images" / "b,c.png", 20);
  write_png(root / "images" / "d.png", 30);
  write_text(root / "classes.txt", "cat\ndog\nbird\n");
  write_text(root / "test.csv",
             "path,label\r\n"
             "images/a.png,2\r\n"
             "\"images/b,c.png\",dog\r\n"
             "\r\n" +
                 (root / "images" / "d.png").string() + ",0\r\n");
  return root;
}

OpenRequest request(const fs::path& root, const std::string& split) {
  OpenRequest r;
  r.dataset = "mine";
  r.root = root.string();
  r.split = split;
  return r;
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("filelist", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("filelist reads path,label rows with index or name labels", "[unit]") {
  const fs::path root = write_list("filelist_read");
  const auto ds = open_format("filelist", request(root, "test"));
  CHECK(ds->classes() == std::vector<std::string>{"cat", "dog", "bird"});
  REQUIRE(ds->size() == 3);
  CHECK(ds->source() == (root / "test.csv").string());
  CHECK(ds->get(0).path == (root / "images" / "a.png").string());
  CHECK(ds->get(0).label == 2);
  CHECK(ds->get(1).path == (root / "images" / "b,c.png").string());
  CHECK(ds->get(1).label == 1);
  CHECK(ds->get(2).path == (root / "images" / "d.png").string());
  CHECK(ds->get(2).label == 0);
  const Image img = load_sample_image(ds->get(1));
  CHECK(img.mode == ImageMode::kL);
  CHECK(img.width == 2);
  CHECK(img.data[3] == 20);
}

TEST_CASE("filelist takes the class names from the request without classes.txt", "[unit]") {
  const fs::path root = write_list("filelist_names");
  fs::remove(root / "classes.txt");
  OpenRequest r = request(root, "test");
  CHECK_THAT(error_of(r), Catch::Contains("no class names") && Catch::Contains("classes.txt"));
  r.class_names = {"tabby cat", "dog", "bird"};
  const auto ds = open_format("filelist", r);
  CHECK(ds->classes() == r.class_names);
  CHECK(ds->get(1).label == 1);
  r.class_names = {"tabby cat", "dog"};
  CHECK_THAT(error_of(r), Catch::Contains("label 2 is out of range") &&
                              Catch::Contains((root / "test.csv").string() + " line 2"));
}

TEST_CASE("filelist errors name the dataset, the CSV file and the line", "[unit]") {
  const fs::path root = write_list("filelist_errors");
  const std::string csv = (root / "train.csv").string();
  CHECK_THAT(error_of(request(root, "train")),
             Catch::Contains("mine") && Catch::Contains(csv) && Catch::Contains("does not exist"));

  write_text(csv, "file,class\nimages/a.png,0\n");
  CHECK_THAT(error_of(request(root, "train")), Catch::Contains("expected the header 'path,label'"));

  write_text(csv, "path,label\nimages/a.png,0\nimages/a.png,3\n");
  CHECK_THAT(error_of(request(root, "train")), Catch::Contains(csv + " line 3") &&
                                                   Catch::Contains("label 3 is out of range") &&
                                                   Catch::Contains("0..2"));

  write_text(csv, "path,label\nimages/a.png,horse\n");
  CHECK_THAT(error_of(request(root, "train")),
             Catch::Contains("label 'horse' is not a class name"));

  write_text(csv, "path,label\nimages/missing.png,1\n");
  CHECK_THAT(error_of(request(root, "train")),
             Catch::Contains(csv + " line 2") &&
                 Catch::Contains((root / "images" / "missing.png").string()) &&
                 Catch::Contains("does not exist"));

  write_text(csv, "path,label\nimages/a.png\n");
  CHECK_THAT(error_of(request(root, "train")), Catch::Contains("is not a row 'path,label'"));

  write_text(csv, "path,label\n\"images/a.png,1\n");
  CHECK_THAT(error_of(request(root, "train")), Catch::Contains("is not a row 'path,label'"));

  write_text(csv, "path,label\n");
  CHECK_THAT(error_of(request(root, "train")), Catch::Contains("lists no image"));

  write_text(root / "classes.txt", "cat\n\ndog\n");
  CHECK_THAT(error_of(request(root, "test")), Catch::Contains("classes.txt line 2 is empty"));
}

TEST_CASE("filelist: a corrupt image is an error naming the file", "[unit]") {
  const fs::path root = write_list("filelist_corrupt");
  write_text(root / "images" / "bad.jpg", "\xFF\xD8\xFF\xE0 not really a jpeg");
  write_text(root / "val.csv", "path,label\nimages/bad.jpg,cat\n");
  const auto ds = open_format("filelist", request(root, "val"));
  try {
    load_sample_image(ds->get(0));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.jpg"));
  }
}
