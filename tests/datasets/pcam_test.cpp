// Tests of the PatchCamelyon adapter on miniature HDF5 files written with the HDF5 C API.
#include "datasets/pcam.h"

#include <hdf5.h>

#include <array>
#include <filesystem>
#include <thread>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

// Writes one uint8 dataset `name` of shape `dims` into a new HDF5 file.
void write_h5(const std::string& path, const std::string& name, const std::vector<hsize_t>& dims,
              const std::vector<uint8_t>& data) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t set =
      H5Dcreate2(file, name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
  H5Dclose(set);
  H5Sclose(space);
  H5Fclose(file);
}

// Pixel (row, y, x, c) of image n: a pattern that differs per image, row and channel.
uint8_t pattern(size_t n, size_t y, size_t x, size_t c) {
  return static_cast<uint8_t>(n * 50 + y * 7 + x * 3 + c);
}

// pcam/ with a valid split of `n` 4x5 images (real files: 96x96) and the given labels.
std::string write_pcam(const test::Folder& tmp, const std::vector<uint8_t>& labels) {
  const std::string root = tmp.file("pcam");
  fs::create_directories(root);
  const size_t n = labels.size(), h = 4, w = 5;
  std::vector<uint8_t> x;
  for (size_t i = 0; i < n; ++i)
    for (size_t y = 0; y < h; ++y)
      for (size_t xx = 0; xx < w; ++xx)
        for (size_t c = 0; c < 3; ++c) x.push_back(pattern(i, y, xx, c));
  write_h5(root + "/camelyonpatch_level_2_split_valid_x.h5", "x", {n, h, w, 3}, x);
  write_h5(root + "/camelyonpatch_level_2_split_valid_y.h5", "y", {n, 1, 1, 1}, labels);
  return root;
}

}  // namespace

TEST_CASE("pcam reads labels at open and image rows lazily as RGB pixels", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_pcam(tmp, {0, 1, 1});
  const std::vector<std::string> names = {"lymph node",
                                          "lymph node containing metastatic tumor tissue"};
  const auto val = open_format("pcam", {"pcam", root, "val", names});
  REQUIRE(val->size() == 3);
  CHECK(val->classes() == names);
  CHECK(val->get(0).label == 0);
  CHECK(val->get(2).label == 1);
  const Sample s = val->get(2);
  REQUIRE(s.pixels.has_value());
  const Image image = load_sample_image(s);
  CHECK(image.mode == ImageMode::kRGB);
  CHECK(image.width == 5);
  CHECK(image.height == 4);
  // Row 2, pixel (y=3, x=1), channel 2.
  CHECK(image.data[(3 * 5 + 1) * 3 + 2] == pattern(2, 3, 1, 2));
  CHECK(image.data[0] == pattern(2, 0, 0, 0));
  CHECK_THAT(s.name, Catch::Contains("split_valid_x.h5[2]"));

  // Concurrent reads (HDF5 guarded by a mutex) give the same pixels.
  std::vector<std::thread> threads;
  std::array<bool, 4> same{};
  for (size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      bool ok = true;
      for (int k = 0; k < 50; ++k) {
        const size_t i = (t + static_cast<size_t>(k)) % 3;
        ok = ok && val->get(i).pixels->data[4] == pattern(i, 0, 1, 1);
      }
      same[t] = ok;
    });
  }
  for (auto& th : threads) th.join();
  for (bool ok : same) CHECK(ok);
}

TEST_CASE("pcam bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  SECTION("missing y file") {
    const std::string root = write_pcam(tmp, {0, 1});
    fs::remove(root + "/camelyonpatch_level_2_split_valid_y.h5");
    CHECK_THROWS_WITH(open_format("pcam", {"pcam", root, "val", {}}),
                      Catch::Contains("pcam") && Catch::Contains("split_valid_y.h5") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("label out of range") {
    const std::string root = write_pcam(tmp, {0, 2});
    CHECK_THROWS_WITH(open_format("pcam", {"pcam", root, "val", {}}),
                      Catch::Contains("split_valid_y.h5") && Catch::Contains("row 1") &&
                          Catch::Contains("label 2") && Catch::Contains("[0, 2)"));
  }
  SECTION("row counts differ") {
    const std::string root = write_pcam(tmp, {0, 1});
    write_h5(root + "/camelyonpatch_level_2_split_valid_y.h5", "y", {3, 1, 1, 1}, {0, 1, 0});
    CHECK_THROWS_WITH(open_format("pcam", {"pcam", root, "val", {}}),
                      Catch::Contains("3 labels") && Catch::Contains("2 images"));
  }
  SECTION("wrong dataset name") {
    const std::string root = write_pcam(tmp, {0, 1});
    write_h5(root + "/camelyonpatch_level_2_split_valid_x.h5", "images", {2, 4, 5, 3},
             std::vector<uint8_t>(120));
    CHECK_THROWS_WITH(open_format("pcam", {"pcam", root, "val", {}}),
                      Catch::Contains("split_valid_x.h5") && Catch::Contains("no dataset \"x\""));
  }
  SECTION("not an HDF5 file") {
    const std::string root = write_pcam(tmp, {0, 1});
    tmp.write("pcam/camelyonpatch_level_2_split_valid_x.h5", "not hdf5");
    CHECK_THROWS_WITH(open_format("pcam", {"pcam", root, "val", {}}),
                      Catch::Contains("cannot be opened as an HDF5 file"));
  }
}
