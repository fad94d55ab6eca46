// Tests of the cifar10-python and cifar100-python adapters on miniature torchvision downloads
// (pickles written byte by byte as Python 2 cPickle protocol 2 writes them), and bad input.
#include "datasets/cifar_python.h"

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/format_registry.h"
#include "tests/datasets/pickle_writer.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

const std::vector<std::string> kCifar10 = {"airplane", "automobile", "bird",  "cat",  "deer",
                                           "dog",      "frog",       "horse", "ship", "truck"};

// n images of 3072 bytes; byte j of image i = (seed + i * 3 + j) % 256.
std::string pixels(int n, int seed) {
  std::string s;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 3072; ++j) s.push_back(static_cast<char>((seed + i * 3 + j) & 0xff));
  return s;
}

// A CIFAR batch dict in cPickle's key order for data_batch_1: data, labels, batch_label, filenames.
std::string batch(const std::string& labels_key, const std::vector<int64_t>& labels, int seed) {
  test::PickleWriter w;
  w.begin_dict();
  w.str("data");
  w.uint8_array({static_cast<int64_t>(labels.size()), 3072},
                pixels(static_cast<int>(labels.size()), seed));
  w.str(labels_key);
  w.int_list(labels);
  w.str("batch_label");
  w.str("training batch");
  w.str("filenames");
  std::vector<std::string> files;
  for (size_t i = 0; i < labels.size(); ++i) files.push_back("img_" + std::to_string(i) + ".png");
  w.str_list(files);
  w.end_dict();
  return w.finish();
}

std::string meta(const std::string& key, const std::vector<std::string>& names) {
  test::PickleWriter w;
  w.begin_dict();
  w.str("num_cases_per_batch");
  w.integer(10000);
  w.str(key);
  w.str_list(names);
  w.str("num_vis");
  w.integer(3072);
  w.end_dict();
  return w.finish();
}

void write_cifar10(const test::TempDir& dir) {
  dir.write("batches.meta", meta("label_names", kCifar10));
  for (int b = 1; b <= 5; ++b) {
    dir.write("data_batch_" + std::to_string(b),
              batch("labels", {b - 1, b + 4}, b * 10));  // labels 0..9 over the five batches
  }
  dir.write("test_batch", batch("labels", {6, 9, 1}, 200));
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

TEST_CASE("cifar10-python reads a miniature cifar-10-batches-py", "[unit]") {
  test::TempDir dir;
  write_cifar10(dir);
  const auto train = open_format("cifar10-python", {"cifar10", dir.path(), "train", kCifar10});
  REQUIRE(train->size() == 10);
  CHECK(train->classes() == kCifar10);
  const std::vector<int64_t> expected = {0, 5, 1, 6, 2, 7, 3, 8, 4, 9};
  for (size_t i = 0; i < expected.size(); ++i) CHECK(train->get(i).label == expected[i]);
  const Sample s = train->get(5);  // data_batch_3, image 1
  CHECK(s.name == "data_batch_3[1]");
  REQUIRE(s.pixels);
  CHECK(s.pixels->mode == ImageMode::kRGB);
  CHECK(s.pixels->width == 32);
  CHECK(s.pixels->height == 32);
  // Pixel (x=3, y=1) = plane offset 35: R = 30 + 3 + 35, G = R + 1024, B = R + 2048 (mod 256).
  const size_t at = (1 * 32 + 3) * 3;
  CHECK(s.pixels->data[at] == 68);
  CHECK(s.pixels->data[at + 1] == (68 + 1024) % 256);
  CHECK(s.pixels->data[at + 2] == (68 + 2048) % 256);

  const auto test = open_format("cifar10-python", {"cifar10", dir.path(), "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == kCifar10);
  CHECK(test->get(0).label == 6);
  CHECK(test->get(2).label == 1);
}

TEST_CASE("cifar100-python reads fine labels and fine_label_names", "[unit]") {
  test::TempDir dir;
  std::vector<std::string> fine;
  for (int i = 0; i < 100; ++i) fine.push_back("fine_" + std::to_string(i));
  test::PickleWriter w;
  w.begin_dict();
  w.str("fine_label_names");
  w.str_list(fine);
  w.str("coarse_label_names");
  w.str_list({"c0", "c1"});
  w.end_dict();
  dir.write("meta", w.finish());
  dir.write("train", batch("fine_labels", {19, 29, 0, 99}, 1));
  dir.write("test", batch("fine_labels", {49}, 2));
  const auto train = open_format("cifar100-python", {"cifar100", dir.path(), "train", {}});
  REQUIRE(train->size() == 4);
  REQUIRE(train->classes().size() == 100);
  CHECK(train->classes()[99] == "fine_99");
  CHECK(train->get(0).label == 19);
  CHECK(train->get(3).label == 99);
  CHECK(train->get(3).pixels->data[0] == 10);  // 1 + 3 * 3
  const auto test = open_format("cifar100-python", {"cifar100", dir.path(), "test", {}});
  CHECK(test->size() == 1);
  CHECK(test->get(0).label == 49);
}

TEST_CASE("cifar python formats reject missing, truncated and inconsistent pickles", "[unit]") {
  test::TempDir dir;
  write_cifar10(dir);
  const OpenRequest test_split{"cifar10", dir.path(), "test", kCifar10};
  SECTION("missing batch") {
    std::filesystem::remove(dir.file("data_batch_5"));
    CHECK_THAT(error_of("cifar10-python", {"cifar10", dir.path(), "train", kCifar10}),
               Catch::Contains("data_batch_5"));
  }
  SECTION("missing meta") {
    std::filesystem::remove(dir.file("batches.meta"));
    CHECK_THAT(error_of("cifar10-python", test_split), Catch::Contains("batches.meta"));
  }
  SECTION("truncated pickle") {
    std::string b = batch("labels", {1, 2}, 0);
    b.resize(b.size() - 3000);
    dir.write("test_batch", b);
    CHECK_THAT(error_of("cifar10-python", test_split),
               Catch::Contains("test_batch") && Catch::Contains("runs past the end"));
  }
  SECTION("label out of range") {
    dir.write("test_batch", batch("labels", {1, 12}, 0));
    CHECK_THAT(error_of("cifar10-python", test_split),
               Catch::Contains("test_batch 'labels'[1]") && Catch::Contains("label 12"));
  }
  SECTION("fewer labels than images") {
    test::PickleWriter w;
    w.begin_dict();
    w.str("data");
    w.uint8_array({2, 3072}, pixels(2, 0));
    w.str("labels");
    w.int_list({1});
    w.end_dict();
    dir.write("test_batch", w.finish());
    CHECK_THAT(error_of("cifar10-python", test_split),
               Catch::Contains("2 images") && Catch::Contains("1 entries in 'labels'"));
  }
  SECTION("data of the wrong shape") {
    test::PickleWriter w;
    w.begin_dict();
    w.str("data");
    w.uint8_array({3072}, pixels(1, 0));
    w.str("labels");
    w.int_list({1});
    w.end_dict();
    dir.write("test_batch", w.finish());
    CHECK_THAT(error_of("cifar10-python", test_split),
               Catch::Contains("key 'data'") && Catch::Contains("(N, 3072)"));
  }
  SECTION("no labels key") {
    dir.write("test_batch", batch("fine_labels", {1}, 0));
    CHECK_THAT(error_of("cifar10-python", test_split), Catch::Contains("no key 'labels'"));
  }
}
