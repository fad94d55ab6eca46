// Tests of the ImageNet adapter on miniature copies of its two layouts: class folders, and the
// flat validation images with the devkit's ground truth and meta.mat (written with matio).
#include "datasets/imagenet.h"

#include <matio.h>

#include <cstring>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

struct Synset {
  double id;
  std::string wnid;
  double num_children;
};

// Writes a MAT5 file holding the struct array `synsets` with the devkit's fields.
void write_meta_mat(const std::string& path, const std::vector<Synset>& synsets) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  REQUIRE(mat != nullptr);
  const char* fields[] = {"ILSVRC2012_ID", "WNID", "words", "num_children"};
  size_t dims[2] = {synsets.size(), 1};
  matvar_t* s = Mat_VarCreateStruct("synsets", 2, dims, fields, 4);
  for (size_t i = 0; i < synsets.size(); ++i) {
    size_t one[2] = {1, 1};
    double id = synsets[i].id, children = synsets[i].num_children;
    Mat_VarSetStructFieldByName(s, "ILSVRC2012_ID", i,
                                Mat_VarCreate(nullptr, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &id, 0));
    Mat_VarSetStructFieldByName(
        s, "num_children", i,
        Mat_VarCreate(nullptr, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &children, 0));
    std::string wnid = synsets[i].wnid, words = "words of " + wnid;
    size_t wdims[2] = {1, wnid.size()}, tdims[2] = {1, words.size()};
    Mat_VarSetStructFieldByName(
        s, "WNID", i, Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, wdims, wnid.data(), 0));
    Mat_VarSetStructFieldByName(
        s, "words", i, Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, tdims, words.data(), 0));
  }
  REQUIRE(Mat_VarWrite(mat, s, MAT_COMPRESSION_NONE) == 0);
  Mat_VarFree(s);
  Mat_Close(mat);
}

// imagenet/ with flat val images and the devkit: devkit IDs are not in wnid order (as in the
// real devkit, where ID 1 is n02119789), and one synset is not a leaf.
std::string make_flat_imagenet(const TestFolder& tmp) {
  const std::string root = tmp.file("imagenet");
  const std::string data = root + "/ILSVRC2012_devkit_t12/data";
  write_meta_mat(
      data + "/meta.mat",
      {{1, "n15075141", 0}, {2, "n01440764", 0}, {3, "n01443537", 0}, {4, "n00001740", 3}});
  write_text(data + "/ILSVRC2012_validation_ground_truth.txt", "1\n3\n2\n");
  write_solid_jpeg(root + "/val/ILSVRC2012_val_00000001.JPEG", 10, 20, 30);
  write_solid_jpeg(root + "/val/ILSVRC2012_val_00000002.JPEG", 240, 240, 240, 10, 3);
  write_solid_jpeg(root + "/val/ILSVRC2012_val_00000003.JPEG", 10, 20, 30);
  return root;
}

}  // namespace

TEST_CASE("imagenet reads wnid class folders in sorted order", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = tmp.file("imagenet");
  write_solid_jpeg(root + "/val/n15075141/ILSVRC2012_val_00000001.JPEG", 0, 0, 0);
  write_solid_jpeg(root + "/val/n01440764/ILSVRC2012_val_00000293.JPEG", 0, 250, 0, 4, 9);
  write_solid_jpeg(root + "/val/n01443537/ILSVRC2012_val_00000236.JPEG", 0, 0, 0);
  write_solid_jpeg(root + "/train/n01440764/n01440764_10026.JPEG", 0, 0, 0);
  write_solid_jpeg(root + "/train/n01443537/n01443537_2.JPEG", 0, 0, 0);
  write_solid_jpeg(root + "/train/n15075141/n15075141_9.JPEG", 0, 0, 0);
  const auto val = open_format("imagenet", {"imagenet", root, "val", {}});
  REQUIRE(val->size() == 3);
  CHECK(val->classes() == std::vector<std::string>{"n01440764", "n01443537", "n15075141"});
  CHECK(val->get(0).label == 0);
  CHECK(val->get(2).label == 2);
  const Image img = load_sample_image(val->get(0));
  CHECK(img.width == 4);
  CHECK(img.height == 9);
  CHECK(pixel(img, 2, 4, 1) > 235);
  const auto train = open_format("imagenet", {"imagenet", root, "train", {}});
  REQUIRE(train->size() == 3);
  CHECK(train->get(1).label == 1);
}

TEST_CASE("imagenet reads flat val images through the devkit's ground truth and meta.mat",
          "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_flat_imagenet(tmp);
  const auto val = open_format("imagenet", {"imagenet", root, "val", {}});
  REQUIRE(val->size() == 3);
  // Leaves only, sorted by wnid; labels are wnid positions, not devkit IDs.
  CHECK(val->classes() == std::vector<std::string>{"n01440764", "n01443537", "n15075141"});
  CHECK(val->get(0).label == 2);  // ID 1 = n15075141
  CHECK(val->get(1).label == 1);  // ID 3 = n01443537
  CHECK(val->get(2).label == 0);  // ID 2 = n01440764
  CHECK(val->get(1).path == root + "/val/ILSVRC2012_val_00000002.JPEG");
  const Image img = load_sample_image(val->get(1));
  CHECK(img.width == 10);
  CHECK(pixel(img, 5, 1, 0) > 230);
}

TEST_CASE("imagenet's sorted-wnid order is prompts/imagenet.json's order", "[unit]") {
  const auto names = prompt_class_names("imagenet");
  REQUIRE(names.size() == 1000);
  CHECK(names.front() == "tench");        // n01440764, the smallest wnid
  CHECK(names[1] == "goldfish");          // n01443537
  CHECK(names.back() == "toilet paper");  // n15075141, the largest wnid
}

TEST_CASE("imagenet bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_flat_imagenet(tmp);
  const std::string data = root + "/ILSVRC2012_devkit_t12/data";
  CHECK_THROWS_WITH(open_format("imagenet", {"imagenet", root, "val", {"a", "b"}}),
                    Catch::Contains("meta.mat has 3 classes"));
  std::filesystem::remove(root + "/val/ILSVRC2012_val_00000003.JPEG");
  const auto val = open_format("imagenet", {"imagenet", root, "val", {}});
  CHECK_THROWS_WITH(val->get(2), Catch::Contains("imagenet: ") &&
                                     Catch::Contains("ILSVRC2012_validation_ground_truth.txt:3") &&
                                     Catch::Contains("ILSVRC2012_val_00000003.JPEG") &&
                                     Catch::Contains("does not exist"));
  // An ID of no leaf synset (the non-leaf 4, or beyond the table).
  write_text(data + "/ILSVRC2012_validation_ground_truth.txt", "1\n4\n");
  CHECK_THROWS_WITH(open_format("imagenet", {"imagenet", root, "val", {}}),
                    Catch::Contains("ground_truth.txt:2") &&
                        Catch::Contains("ILSVRC2012_ID 4 is not a leaf synset"));
  write_text(data + "/ILSVRC2012_validation_ground_truth.txt", "1\nx2\n");
  CHECK_THROWS_WITH(open_format("imagenet", {"imagenet", root, "val", {}}),
                    Catch::Contains("expected an integer ILSVRC2012_ID"));
  std::filesystem::remove(data + "/ILSVRC2012_validation_ground_truth.txt");
  CHECK_THROWS_WITH(open_format("imagenet", {"imagenet", root, "val", {}}),
                    Catch::Contains("imagenet: cannot open") &&
                        Catch::Contains("ILSVRC2012_validation_ground_truth.txt"));
  std::filesystem::remove(data + "/meta.mat");
  CHECK_THROWS_WITH(open_format("imagenet", {"imagenet", root, "val", {}}),
                    Catch::Contains("meta.mat does not exist"));
  CHECK_THROWS_WITH(
      open_format("imagenet", {"imagenet", root, "train", {}}),
      Catch::Contains("imagenet: the split folder") && Catch::Contains("does not exist"));
}
