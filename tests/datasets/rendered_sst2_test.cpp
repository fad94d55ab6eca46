// Tests of the Rendered SST2 adapter on a miniature copy of torchvision's rendered-sst2/ layout.
#include "datasets/rendered_sst2.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

std::string make_sst2(const TestFolder& tmp) {
  const std::string root = tmp.file("rendered-sst2");
  for (const std::string split : {"train", "valid", "test"}) {
    write_solid_png(root + "/" + split + "/negative/00001.png", 255, 255, 255);
    write_solid_png(root + "/" + split + "/positive/00002.png", 255, 255, 255);
    write_solid_png(root + "/" + split + "/positive/00003.png", 0, 0, 0, 5, 2);
  }
  return root;
}

}  // namespace

TEST_CASE("rendered-sst2 reads negative = 0, positive = 1", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_sst2(tmp);
  const auto test = open_format("rendered-sst2", {"rendered_sst2", root, "test", {}});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == std::vector<std::string>{"negative", "positive"});
  CHECK(prompt_class_names("rendered_sst2") == test->classes());
  CHECK(test->get(0).label == 0);
  CHECK(test->get(1).label == 1);
  CHECK(test->get(2).label == 1);
  const Image img = load_sample_image(test->get(2));
  CHECK(img.width == 5);
  CHECK(img.height == 2);
  CHECK(pixel(img, 0, 0, 0) == 0);
  CHECK(open_format("rendered-sst2", {"rendered_sst2", root, "val", {}})->size() == 3);
}

TEST_CASE("rendered-sst2 bad input names the dataset and the folder", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_sst2(tmp);
  std::filesystem::create_directories(root + "/train/neutral");
  CHECK_THROWS_WITH(open_format("rendered-sst2", {"rendered_sst2", root, "train", {}}),
                    Catch::Contains("rendered_sst2: ") && Catch::Contains("neutral") &&
                        Catch::Contains("expected [negative, positive]"));
  std::filesystem::remove_all(root + "/test");
  CHECK_THROWS_WITH(open_format("rendered-sst2", {"rendered_sst2", root, "test", {}}),
                    Catch::Contains("does not exist"));
}
