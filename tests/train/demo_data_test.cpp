// Tests of the demo's idx loading (through the mnist-idx adapter) and captioning, on small gzip idx
// files written here.
#include "train/demo_data.h"

#include <zlib.h>

#include "clip/errors.h"
#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using clipbench::test::TempDir;
namespace t = clipbench::train;

namespace {

void write_gz(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  gzclose(f);
}

std::vector<uint8_t> be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

// 3 images of 2 rows x 4 columns, pixel value = 10 * image + position; labels 2, 0, 1.
void write_split(const std::string& dir, uint32_t label_count = 3) {
  std::vector<uint8_t> images = be32(0x803), labels = be32(0x801);
  for (uint32_t v : {3u, 2u, 4u}) {
    const auto b = be32(v);
    images.insert(images.end(), b.begin(), b.end());
  }
  for (int i = 0; i < 3; ++i)
    for (int p = 0; p < 8; ++p) images.push_back(static_cast<uint8_t>(10 * i + p));
  const auto n = be32(label_count);
  labels.insert(labels.end(), n.begin(), n.end());
  for (uint32_t i = 0; i < label_count; ++i) labels.push_back(static_cast<uint8_t>((i + 2) % 3));
  write_gz(dir + "/train-images-idx3-ubyte.gz", images);
  write_gz(dir + "/train-labels-idx1-ubyte.gz", labels);
}

}  // namespace

TEST_CASE("idx files are read as gray images with labels", "[unit]") {
  TempDir dir;
  write_split(dir.path());
  const auto data = t::read_idx_split(dir.path(), "train");
  REQUIRE(data.images.size() == 3);
  CHECK(data.labels == std::vector<int64_t>{2, 0, 1});
  CHECK(data.images[1].width == 4);
  CHECK(data.images[1].height == 2);
  CHECK(data.images[1].mode == clipbench::ImageMode::kL);
  CHECK(data.images[1].data == std::vector<uint8_t>{10, 11, 12, 13, 14, 15, 16, 17});
  CHECK(t::read_idx_split(dir.path(), "train", 2).images.size() == 2);
}

TEST_CASE("idx reader errors name the file", "[unit]") {
  TempDir dir;
  CHECK_THROWS_AS(t::read_idx_split(dir.path(), "train"), clipbench::datasets::DatasetError);
  CHECK_THROWS_WITH(t::read_idx_split(dir.path(), "train"),
                    Catch::Contains("train-images-idx3-ubyte"));
  write_split(dir.path(), 4);
  CHECK_THROWS_WITH(t::read_idx_split(dir.path(), "train"), Catch::Contains("4 labels"));
}

TEST_CASE("captions fill a seeded choice of templates with the class name", "[unit]") {
  TempDir dir;
  write_split(dir.path());
  const auto data = t::read_idx_split(dir.path(), "train");
  const std::vector<std::string> names{"zero", "one", "two"};
  const auto a = t::caption_images(data, names, {"a {}.", "the {} here"}, 1);
  const auto b = t::caption_images(data, names, {"a {}.", "the {} here"}, 1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string c = a.get(i).caption, name = names[data.labels[i]];
    CHECK((c == "a " + name + "." || c == "the " + name + " here"));
    CHECK(c == b.get(i).caption);
  }
  CHECK_THROWS_AS(t::caption_images(data, {"zero"}, {"a {}."}, 1), clipbench::Error);
  CHECK_THROWS_AS(t::caption_images(data, names, {}, 1), clipbench::Error);
}
