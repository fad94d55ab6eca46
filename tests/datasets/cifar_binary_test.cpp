// Tests of the cifar10-binary and cifar100-binary adapters on miniature cifar-10-batches-bin /
// cifar-100-binary folders, and their bad-input errors.
#include "datasets/cifar_binary.h"

#include <string>
#include <thread>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

// One record: label byte(s), then R, G, B planes of 32x32; pixel (c, y, x) = seed + c*50 + y + x.
std::string record(std::vector<uint8_t> label_bytes, int seed) {
  std::string s(label_bytes.begin(), label_bytes.end());
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) s.push_back(static_cast<char>((seed + c * 50 + y + x) & 0xff));
  return s;
}

const std::vector<std::string> kCifar10 = {"airplane", "automobile", "bird",  "cat",  "deer",
                                           "dog",      "frog",       "horse", "ship", "truck"};

// cifar-10-batches-bin with `per_batch` records per file; record k of the train split has label
// k % 10 and seed k.
void write_cifar10(const test::TempDir& dir, int per_batch) {
  std::string meta;
  for (const auto& n : kCifar10) meta += n + "\n";
  dir.write("batches.meta.txt", meta + "\n\n");  // the real file ends with blank lines
  int k = 0;
  for (int b = 1; b <= 5; ++b) {
    std::string batch;
    for (int i = 0; i < per_batch; ++i, ++k) batch += record({static_cast<uint8_t>(k % 10)}, k);
    dir.write("data_batch_" + std::to_string(b) + ".bin", batch);
  }
  dir.write("test_batch.bin", record({3}, 100) + record({8}, 101));
}

std::string error_of(const std::string& format, const OpenRequest& r) {
  try {
    open_format(format, r);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("cifar10-binary reads a miniature cifar-10-batches-bin", "[unit]") {
  test::TempDir dir;
  write_cifar10(dir, 2);
  const auto train = open_format("cifar10-binary", {"cifar10", dir.path(), "train", kCifar10});
  REQUIRE(train->size() == 10);
  CHECK(train->classes() == kCifar10);
  for (size_t k = 0; k < 10; ++k) CHECK(train->get(k).label == static_cast<int64_t>(k % 10));
  const Sample s = train->get(7);  // batch 4, record 1
  CHECK(s.name == "data_batch_4.bin[1]");
  REQUIRE(s.pixels);
  CHECK(s.pixels->mode == ImageMode::kRGB);
  CHECK(s.pixels->width == 32);
  CHECK(s.pixels->height == 32);
  // Pixel (x=5, y=2): R = 7 + 2 + 5, G = R + 50, B = R + 100 (planes interleaved to RGB).
  const size_t at = (2 * 32 + 5) * 3;
  CHECK(s.pixels->data[at] == 14);
  CHECK(s.pixels->data[at + 1] == 64);
  CHECK(s.pixels->data[at + 2] == 114);

  const auto test = open_format("cifar10-binary", {"cifar10", dir.path(), "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(test->classes() == kCifar10);  // from batches.meta.txt
  CHECK(test->get(0).label == 3);
  CHECK(test->get(1).label == 8);
  CHECK(test->get(1).pixels->data[0] == 101);
}

TEST_CASE("cifar100-binary uses the fine label byte", "[unit]") {
  test::TempDir dir;
  std::string names, coarse;
  for (int i = 0; i < 100; ++i) names += "class" + std::to_string(i) + "\n";
  dir.write("fine_label_names.txt", names);
  dir.write("coarse_label_names.txt", "c0\nc1\n");
  dir.write("train.bin", record({1, 42}, 0) + record({19, 99}, 1) + record({0, 0}, 2));
  dir.write("test.bin", record({4, 55}, 9));
  const auto train = open_format("cifar100-binary", {"cifar100", dir.path(), "train", {}});
  REQUIRE(train->size() == 3);
  REQUIRE(train->classes().size() == 100);
  CHECK(train->classes()[42] == "class42");
  CHECK(train->get(0).label == 42);
  CHECK(train->get(1).label == 99);
  CHECK(train->get(2).label == 0);
  CHECK(train->get(1).name == "train.bin[1]");
  CHECK(train->get(1).pixels->data[2] == 101);  // B of pixel (0, 0): 1 + 100
  const auto test = open_format("cifar100-binary", {"cifar100", dir.path(), "test", {}});
  REQUIRE(test->size() == 1);
  CHECK(test->get(0).label == 55);
}

TEST_CASE("cifar binary formats reject missing, truncated and out-of-range input", "[unit]") {
  test::TempDir dir;
  write_cifar10(dir, 1);
  SECTION("missing batch") {
    std::filesystem::remove(dir.file("data_batch_3.bin"));
    CHECK_THAT(error_of("cifar10-binary", {"cifar10", dir.path(), "train", kCifar10}),
               Catch::Contains("cifar10") && Catch::Contains("data_batch_3.bin"));
  }
  SECTION("missing class names") {
    std::filesystem::remove(dir.file("batches.meta.txt"));
    CHECK_THAT(error_of("cifar10-binary", {"cifar10", dir.path(), "test", kCifar10}),
               Catch::Contains("batches.meta.txt"));
  }
  SECTION("truncated batch") {
    std::string t = record({1}, 0) + record({2}, 1);
    t.resize(t.size() - 1);
    dir.write("test_batch.bin", t);
    CHECK_THAT(error_of("cifar10-binary", {"cifar10", dir.path(), "test", kCifar10}),
               Catch::Contains("test_batch.bin") && Catch::Contains("6145 bytes") &&
                   Catch::Contains("3073-byte records"));
  }
  SECTION("label out of range") {
    dir.write("test_batch.bin", record({1}, 0) + record({10}, 1));
    CHECK_THAT(error_of("cifar10-binary", {"cifar10", dir.path(), "test", kCifar10}),
               Catch::Contains("test_batch.bin record 1") && Catch::Contains("label 10"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THAT(error_of("cifar10-binary", {"cifar10", dir.path(), "test", {"a", "b"}}),
               Catch::Contains("10 classes") && Catch::Contains("expects 2"));
  }
}

TEST_CASE("cifar10-binary serves concurrent get() calls", "[unit]") {
  test::TempDir dir;
  write_cifar10(dir, 40);
  const auto train = open_format("cifar10-binary", {"cifar10", dir.path(), "train", kCifar10});
  REQUIRE(train->size() == 200);
  std::vector<std::vector<uint8_t>> expected;
  for (size_t i = 0; i < train->size(); ++i) expected.push_back(train->get(i).pixels->data);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < train->size(); i += 3) {
        if (train->get(i).pixels->data != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
