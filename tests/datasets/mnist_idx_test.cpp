// Tests of the mnist-idx adapter: a miniature MNIST/raw folder (plain and gzipped idx files), bad
// inputs, and the real Fashion-MNIST of Debian's dataset-fashion-mnist package.
#include "datasets/mnist_idx.h"

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

void put_u32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

// An idx3 images file of `count` rows x cols images; pixel (n, y, x) = n * 7 + y * cols + x.
std::string idx_images(uint32_t count, uint32_t rows, uint32_t cols) {
  std::string s;
  put_u32(s, 0x00000803);
  put_u32(s, count);
  put_u32(s, rows);
  put_u32(s, cols);
  for (uint32_t n = 0; n < count; ++n)
    for (uint32_t i = 0; i < rows * cols; ++i) s.push_back(static_cast<char>((n * 7 + i) & 0xff));
  return s;
}

std::string idx_labels(const std::vector<uint8_t>& labels) {
  std::string s;
  put_u32(s, 0x00000801);
  put_u32(s, static_cast<uint32_t>(labels.size()));
  for (uint8_t l : labels) s.push_back(static_cast<char>(l));
  return s;
}

std::string gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

const std::vector<std::string> kDigits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

OpenRequest request(const std::string& root, const std::string& split,
                    std::vector<std::string> names = kDigits) {
  return OpenRequest{"mnist", root, split, std::move(names)};
}

std::string error_of(const OpenRequest& r) {
  try {
    open_format("mnist-idx", r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("mnist-idx reads a miniature MNIST/raw folder, plain and gzipped", "[unit]") {
  test::TempDir dir;
  // train: plain files (as torchvision extracts them); test: only the .gz files.
  dir.write("train-images-idx3-ubyte", idx_images(3, 28, 28));
  dir.write("train-labels-idx1-ubyte", idx_labels({5, 0, 9}));
  dir.write("t10k-images-idx3-ubyte.gz", gzip(idx_images(2, 28, 28)));
  dir.write("t10k-labels-idx1-ubyte.gz", gzip(idx_labels({7, 2})));

  const auto train = open_format("mnist-idx", request(dir.path(), "train"));
  REQUIRE(train->size() == 3);
  CHECK(train->classes() == kDigits);
  CHECK(train->get(0).label == 5);
  CHECK(train->get(1).label == 0);
  CHECK(train->get(2).label == 9);
  const Sample s = train->get(2);
  CHECK(s.name == "train-images-idx3-ubyte[2]");
  REQUIRE(s.pixels);
  CHECK(s.pixels->mode == ImageMode::kL);
  CHECK(s.pixels->width == 28);
  CHECK(s.pixels->height == 28);
  CHECK(s.pixels->data[0] == 14);            // 2 * 7
  CHECK(s.pixels->data[28 * 3 + 5] == 103);  // 14 + 89
  CHECK(s.pixels->data[783] == (14 + 783) % 256);

  const auto test = open_format("mnist-idx", request(dir.path(), "test"));
  REQUIRE(test->size() == 2);
  CHECK(test->get(0).label == 7);
  CHECK(test->get(1).label == 2);
  CHECK(test->get(1).pixels->data[1] == 8);

  // Without catalogue names the classes are the label values.
  const auto bare = open_format("mnist-idx", request(dir.path(), "train", {}));
  CHECK(bare->classes().size() == 10);
  CHECK(bare->classes()[9] == "9");
}

TEST_CASE("mnist-idx rejects missing, truncated and inconsistent files", "[unit]") {
  test::TempDir dir;
  SECTION("missing labels file") {
    dir.write("train-images-idx3-ubyte", idx_images(2, 28, 28));
    const std::string e = error_of(request(dir.path(), "train"));
    CHECK_THAT(e, Catch::Contains("mnist") && Catch::Contains("train-labels-idx1-ubyte.gz"));
  }
  SECTION("truncated images file") {
    std::string images = idx_images(2, 28, 28);
    images.resize(images.size() - 10);
    dir.write("train-images-idx3-ubyte", images);
    dir.write("train-labels-idx1-ubyte", idx_labels({1, 2}));
    CHECK_THAT(error_of(request(dir.path(), "train")),
               Catch::Contains("train-images-idx3-ubyte") && Catch::Contains("truncated"));
  }
  SECTION("truncated gzip stream") {
    std::string gz = gzip(idx_images(2, 28, 28));
    gz.resize(gz.size() / 2);
    dir.write("t10k-images-idx3-ubyte.gz", gz);
    dir.write("t10k-labels-idx1-ubyte.gz", gzip(idx_labels({1, 2})));
    CHECK_THAT(error_of(request(dir.path(), "test")),
               Catch::Contains("t10k-images-idx3-ubyte.gz") && Catch::Contains("gzip"));
  }
  SECTION("wrong magic number") {
    dir.write("train-images-idx3-ubyte", idx_labels({1, 2}));
    dir.write("train-labels-idx1-ubyte", idx_labels({1, 2}));
    CHECK_THAT(error_of(request(dir.path(), "train")),
               Catch::Contains("magic") && Catch::Contains("0x00000803"));
  }
  SECTION("image and label counts differ") {
    dir.write("train-images-idx3-ubyte", idx_images(3, 28, 28));
    dir.write("train-labels-idx1-ubyte", idx_labels({1, 2}));
    CHECK_THAT(error_of(request(dir.path(), "train")),
               Catch::Contains("3 images") && Catch::Contains("2 labels"));
  }
  SECTION("label out of range") {
    dir.write("train-images-idx3-ubyte", idx_images(2, 28, 28));
    dir.write("train-labels-idx1-ubyte", idx_labels({1, 10}));
    CHECK_THAT(error_of(request(dir.path(), "train")),
               Catch::Contains("train-labels-idx1-ubyte [1]") && Catch::Contains("label 10") &&
                   Catch::Contains("[0, 10)"));
  }
  SECTION("unknown split") {
    CHECK_THAT(error_of(request(dir.path(), "val")), Catch::Contains("no split 'val'"));
  }
}

// The real Fashion-MNIST (Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist,
// gzipped idx files). The expected values were read from those files with Python's gzip module
// (gzip.open(...).read(); labels at byte 8 onwards, pixels at byte 16 onwards), 2026-11-30.
TEST_CASE("mnist-idx reads the real Fashion-MNIST", "[parity]") {
  const std::string root = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(root)) {
    FAIL("Fashion-MNIST is missing: install Debian's dataset-fashion-mnist (scripts/setup)");
  }
  const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                          "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                          "Bag",         "Ankle boot"};
  const auto train = open_format("mnist-idx", OpenRequest{"fashion_mnist", root, "train", names});
  const auto test = open_format("mnist-idx", OpenRequest{"fashion_mnist", root, "test", names});
  CHECK(train->size() == 60000);
  CHECK(test->size() == 10000);
  CHECK(train->classes() == names);
  const std::vector<int64_t> train_first = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5,
                                            0, 9, 5, 5, 7, 9, 1, 0, 6, 4};
  const std::vector<int64_t> test_first = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7,
                                           4, 5, 7, 3, 4, 1, 2, 4, 8, 0};
  for (size_t i = 0; i < train_first.size(); ++i) {
    CHECK(train->get(i).label == train_first[i]);
    CHECK(test->get(i).label == test_first[i]);
  }
  // Pixel sums: image 0 of train 76247, image 0 of test 33456; every train pixel 3431114169.
  const auto sum = [](const Image& im) {
    uint64_t s = 0;
    for (uint8_t v : im.data) s += v;
    return s;
  };
  const Image first = *train->get(0).pixels;
  CHECK(first.width == 28);
  CHECK(first.height == 28);
  CHECK(sum(first) == 76247);
  CHECK(first.data[14 * 28 + 14] == 217);
  CHECK(sum(*test->get(0).pixels) == 33456);
  uint64_t all = 0;
  for (size_t i = 0; i < train->size(); ++i) all += sum(*train->get(i).pixels);
  CHECK(all == 3431114169ULL);
}
