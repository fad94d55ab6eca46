// Tests of the Caltech-101 adapter on a miniature 101_ObjectCategories/ with the 30-per-class
// split.
#include "datasets/caltech101.h"

#include <fmt/format.h>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// Three classes of 31, 32 and 31 images; only image_0031 of "Faces" is a real JPEG (the rest
// are empty files: the split reads names only).
std::string make_caltech(const TestFolder& tmp) {
  const std::string root = tmp.file("caltech101");
  const std::string cats = root + "/101_ObjectCategories";
  const std::vector<std::pair<std::string, int>> classes = {
      {"accordion", 31}, {"BACKGROUND_Google", 32}, {"Faces", 31}};
  for (const auto& [name, count] : classes) {
    for (int i = 1; i <= count; ++i) {
      write_text(fmt::format("{}/{}/image_{:04d}.jpg", cats, name, i), "");
    }
  }
  write_solid_jpeg(cats + "/Faces/image_0031.jpg", 255, 128, 0, 6, 5);
  return root;
}

}  // namespace

TEST_CASE("caltech101 keeps BACKGROUND_Google and splits 30 per class", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_caltech(tmp);
  const auto train = open_format("caltech101", {"caltech101", root, "train", {}});
  const auto test = open_format("caltech101", {"caltech101", root, "test", {}});
  // Byte order: upper case first, as prompts.md (background, off-center face, ...).
  CHECK(train->classes() == std::vector<std::string>{"BACKGROUND_Google", "Faces", "accordion"});
  REQUIRE(train->size() == 90);
  REQUIRE(test->size() == 4);
  CHECK(train->get(0).label == 0);
  CHECK(train->get(29).path == root + "/101_ObjectCategories/BACKGROUND_Google/image_0030.jpg");
  CHECK(test->get(0).path == root + "/101_ObjectCategories/BACKGROUND_Google/image_0031.jpg");
  CHECK(test->get(1).label == 0);
  CHECK(test->get(2).label == 1);
  CHECK(test->get(3).label == 2);
  const Image img = load_sample_image(test->get(2));
  CHECK(img.width == 6);
  CHECK(pixel(img, 3, 2, 0) > 240);
  CHECK(pixel(img, 3, 2, 2) < 15);
  // A corrupt (here empty) image names its file when decoded.
  CHECK_THROWS_WITH(load_sample_image(test->get(0)),
                    Catch::Contains("BACKGROUND_Google/image_0031.jpg"));
}

TEST_CASE("caltech101 prompts start with the background class and the upper-case folders",
          "[unit]") {
  const auto names = prompt_class_names("caltech101");
  REQUIRE(names.size() == 102);          // Table 9's 102: BACKGROUND_Google counts as a class
  CHECK(names[0] == "background");       // BACKGROUND_Google
  CHECK(names[1] == "off-center face");  // Faces
  CHECK(names[2] == "centered face");    // Faces_easy
  CHECK(names[3] == "leopard");          // Leopards
  CHECK(names[4] == "motorbike");        // Motorbikes
  CHECK(names[5] == "accordion");
  CHECK(names.back() == "yin and yang symbol");  // yin_yang
}

TEST_CASE("caltech101 bad input names the dataset and the folder", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_caltech(tmp);
  CHECK_THROWS_WITH(open_format("caltech101", {"caltech101", root, "test", {"a", "b"}}),
                    Catch::Contains("has 3 classes"));
  std::filesystem::remove(root + "/101_ObjectCategories/Faces/image_0001.jpg");
  CHECK_THROWS_WITH(open_format("caltech101", {"caltech101", root, "test", {}}),
                    Catch::Contains("caltech101: class folder") && Catch::Contains("Faces") &&
                        Catch::Contains("has 30 images"));
  CHECK_THROWS_WITH(open_format("caltech101", {"caltech101", tmp.file("nope"), "test", {}}),
                    Catch::Contains("does not exist"));
}
