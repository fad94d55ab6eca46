// Tests of the webdataset adapter on a miniature CLIP_benchmark export (shards written with
// libarchive), its random access by recorded offsets, and its bad-input errors.
#include "datasets/webdataset.h"

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/datasets/tar_writer.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

namespace fs = std::filesystem;
using Members = std::vector<std::pair<std::string, std::string>>;

// A fresh folder under the build tree (tests/support/temp_dir.h and image_files.h both define
// read_bytes, so this file uses image_files.h's test_dir()).
struct Dir {
  explicit Dir(const std::string& name) : root(test::test_dir(name)) {}
  std::string file(const std::string& name) const { return root + "/" + name; }
  std::string root;
};

std::string file_string(const std::string& path) {
  const std::vector<uint8_t> b = test::read_bytes(path);
  return std::string(b.begin(), b.end());
}

// The bytes of a w x h RGB PNG whose pixel (x, y) is (seed + x, seed + y, seed).
std::string png_bytes(const Dir& dir, int w, int h, int seed) {
  test::PngSpec spec;
  spec.width = static_cast<uint32_t>(w);
  spec.height = static_cast<uint32_t>(h);
  for (int y = 0; y < h; ++y) {
    std::vector<uint8_t> row;
    for (int x = 0; x < w; ++x)
      row.insert(row.end(), {uint8_t(seed + x), uint8_t(seed + y), uint8_t(seed)});
    spec.rows.push_back(row);
  }
  test::write_png_file(dir.file("tmp.png"), spec);
  return file_string(dir.file("tmp.png"));
}

std::string jpeg_bytes(const Dir& dir, int w, int h) {
  test::JpegSpec spec;
  spec.width = w;
  spec.height = h;
  spec.pixels.assign(static_cast<size_t>(w * h * 3), 128);
  test::write_jpeg_file(dir.file("tmp.jpg"), spec);
  return file_string(dir.file("tmp.jpg"));
}

const std::vector<std::string> kClasses = {"cat", "dog", "bird"};

// wds folder: classnames.txt, test/ with 2 shards: shard 0 = s0000000 (png, label 2),
// s0000001 (jpg, label 0); shard 1 = s0000002 (png, label 1, .cls before the image) and a sample
// with a path long enough for pax headers (label 1).
struct Export {
  std::string root;
  std::string png0, png2, png_long;
};

Export write_export(const Dir& dir) {
  Export x;
  x.root = dir.file("wds_test");
  fs::create_directories(fs::path(x.root) / "test");
  std::ofstream(fs::path(x.root) / "classnames.txt") << "cat\ndog\nbird\n";
  std::ofstream(fs::path(x.root) / "zeroshot_classification_templates.txt")
      << "a photo of a {c}.\n";
  std::ofstream(fs::path(x.root) / "test" / "nshards.txt") << "2\n";
  x.png0 = png_bytes(dir, 5, 4, 10);
  x.png2 = png_bytes(dir, 3, 3, 60);
  x.png_long = png_bytes(dir, 2, 2, 90);
  test::write_tar(x.root + "/test/0.tar", Members{{"s0000000.png", x.png0},
                                                  {"s0000000.cls", "2"},
                                                  {"s0000001.jpg", jpeg_bytes(dir, 8, 8)},
                                                  {"s0000001.cls", "0\n"},
                                                  {"s0000001.txt", "a caption"}});
  const std::string long_key = std::string(120, 'd') + "/s0000003";
  test::write_tar(x.root + "/test/1.tar", Members{{"s0000002.cls", "1"},
                                                  {"s0000002.webp.json", "{}"},
                                                  {"s0000002.png", x.png2},
                                                  {long_key + ".png", x.png_long},
                                                  {long_key + ".cls", "1"}});
  return x;
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("webdataset", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("webdataset reads a miniature CLIP_benchmark export", "[unit]") {
  const Dir dir("webdataset_read");
  const Export x = write_export(dir);
  const auto ds = open_format("webdataset", {"wds_test", x.root, "test", kClasses});
  REQUIRE(ds->size() == 4);
  CHECK(ds->classes() == kClasses);
  CHECK(ds->get(0).label == 2);
  CHECK(ds->get(1).label == 0);
  CHECK(ds->get(2).label == 1);
  CHECK(ds->get(3).label == 1);
  // The recorded offsets give back exactly the member bytes (also after pax headers).
  const Sample s0 = ds->get(0);
  CHECK(s0.name == x.root + "/test/0.tar:s0000000.png");
  CHECK(std::string(s0.encoded.begin(), s0.encoded.end()) == x.png0);
  const Sample s2 = ds->get(2);
  CHECK(std::string(s2.encoded.begin(), s2.encoded.end()) == x.png2);
  const Sample s3 = ds->get(3);
  CHECK(std::string(s3.encoded.begin(), s3.encoded.end()) == x.png_long);
  // One decoded image.
  const Image im = load_sample_image(s0);
  CHECK(im.mode == ImageMode::kRGB);
  CHECK(im.width == 5);
  CHECK(im.height == 4);
  const size_t at = (2 * 5 + 3) * 3;  // pixel (x=3, y=2)
  CHECK(im.data[at] == 13);
  CHECK(im.data[at + 1] == 12);
  CHECK(im.data[at + 2] == 10);
  CHECK(load_sample_image(ds->get(1)).width == 8);
  // Class names come from classnames.txt when the catalogue gives none.
  CHECK(open_format("webdataset", {"wds_test", x.root, "test", {}})->classes() == kClasses);
}

TEST_CASE("webdataset rejects missing files, unpaired members and bad labels", "[unit]") {
  const Dir dir("webdataset_errors");
  const Export x = write_export(dir);
  const OpenRequest r{"wds_test", x.root, "test", kClasses};
  SECTION("missing nshards.txt is an error, not one shard") {
    fs::remove(fs::path(x.root) / "test" / "nshards.txt");
    CHECK_THAT(error_of(r), Catch::Contains("wds_test") && Catch::Contains("nshards.txt"));
  }
  SECTION("missing shard") {
    fs::remove(fs::path(x.root) / "test" / "1.tar");
    CHECK_THAT(error_of(r), Catch::Contains("1.tar") && Catch::Contains("2 shards"));
  }
  SECTION("missing split") {
    CHECK_THAT(error_of({"wds_test", x.root, "train", kClasses}),
               Catch::Contains("train/nshards.txt"));
  }
  SECTION("missing classnames.txt") {
    fs::remove(fs::path(x.root) / "classnames.txt");
    CHECK_THAT(error_of(r), Catch::Contains("classnames.txt"));
  }
  SECTION("an image without .cls") {
    test::write_tar(x.root + "/test/1.tar", Members{{"s0000005.png", x.png2}});
    CHECK_THAT(error_of(r), Catch::Contains("1.tar") && Catch::Contains("'s0000005'") &&
                                Catch::Contains("no .cls"));
  }
  SECTION("a .cls without image") {
    test::write_tar(x.root + "/test/1.tar", Members{{"s0000006.cls", "1"}});
    CHECK_THAT(error_of(r), Catch::Contains("1.tar") && Catch::Contains("'s0000006'") &&
                                Catch::Contains("no image"));
  }
  SECTION("label out of range") {
    test::write_tar(x.root + "/test/1.tar",
                    Members{{"s0000007.png", x.png2}, {"s0000007.cls", "3"}});
    CHECK_THAT(error_of(r), Catch::Contains("1.tar:s0000007.cls") && Catch::Contains("label 3"));
  }
  SECTION("label that is not a number") {
    test::write_tar(x.root + "/test/1.tar",
                    Members{{"s0000007.png", x.png2}, {"s0000007.cls", "dog"}});
    CHECK_THAT(error_of(r), Catch::Contains("s0000007.cls") && Catch::Contains("'dog'"));
  }
  SECTION("truncated shard") {
    const std::string path = x.root + "/test/0.tar";
    std::string bytes = file_string(path);
    bytes.resize(700);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    CHECK_THAT(error_of(r), Catch::Contains("0.tar"));
  }
  SECTION("a corrupt image names its shard and member when decoded") {
    test::write_tar(x.root + "/test/1.tar",
                    Members{{"s0000008.png", x.png2.substr(0, 40)}, {"s0000008.cls", "1"}});
    const auto ds = open_format("webdataset", r);
    CHECK_THROWS_WITH(load_sample_image(ds->get(2)), Catch::Contains("1.tar:s0000008.png"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THAT(error_of({"wds_test", x.root, "test", {"a", "b"}}),
               Catch::Contains("3 classes") && Catch::Contains("expects 2"));
  }
}
