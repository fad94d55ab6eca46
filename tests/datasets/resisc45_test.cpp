// Tests of the RESISC45 adapter on a miniature NWPU-RESISC45/ with and without split files.
#include "datasets/resisc45.h"

#include <fmt/format.h>

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

// Two classes of 141 and 150 images (empty files, except baseball_diamond_141.jpg, the first
// test image of its class under the 70 + 70 rule).
std::string make_resisc45(const TestFolder& tmp) {
  const std::string root = tmp.file("resisc45");
  const std::vector<std::pair<std::string, int>> classes = {{"baseball_diamond", 141},
                                                            {"airplane", 150}};
  for (const auto& [name, count] : classes) {
    std::filesystem::create_directories(root + "/NWPU-RESISC45/" + name);
    for (int i = 1; i <= count; ++i) {
      std::ofstream(fmt::format("{}/NWPU-RESISC45/{}/{}_{:03d}.jpg", root, name, name, i));
    }
  }
  write_solid_jpeg(root + "/NWPU-RESISC45/baseball_diamond/baseball_diamond_141.jpg", 30, 200, 30,
                   7, 7);
  return root;
}

}  // namespace

TEST_CASE("resisc45 without split files takes 70 train, 70 val and the rest per class", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_resisc45(tmp);
  const auto train = open_format("resisc45", {"resisc45", root, "train", {}});
  const auto val = open_format("resisc45", {"resisc45", root, "val", {}});
  const auto test = open_format("resisc45", {"resisc45", root, "test", {}});
  CHECK(train->classes() == std::vector<std::string>{"airplane", "baseball_diamond"});
  CHECK(train->size() == 140);
  CHECK(val->size() == 140);
  REQUIRE(test->size() == 11);  // 10 airplanes + 1 baseball diamond
  CHECK(val->get(0).path == root + "/NWPU-RESISC45/airplane/airplane_071.jpg");
  const Sample s = test->get(10);
  CHECK(s.label == 1);
  const Image img = load_sample_image(s);
  CHECK(img.width == 7);
  CHECK(pixel(img, 3, 3, 1) > 185);
}

TEST_CASE("resisc45 reads resisc45-<split>.txt when present", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_resisc45(tmp);
  write_text(root + "/resisc45-test.txt", "baseball_diamond_141.jpg\nairplane_002.jpg\n");
  const auto test = open_format("resisc45", {"resisc45", root, "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(test->get(0).label == 1);
  CHECK(test->get(1).label == 0);
  CHECK(test->get(1).path == root + "/NWPU-RESISC45/airplane/airplane_002.jpg");
  write_text(root + "/resisc45-test.txt", "airplane_002.jpg\nairplane_999.jpg\nbeach_001.jpg\n");
  CHECK_THROWS_WITH(open_format("resisc45", {"resisc45", root, "test", {}}),
                    Catch::Contains("resisc45-test.txt:3 entry 'beach_001.jpg'"));
  write_text(root + "/resisc45-test.txt", "airplane_002.jpg\nairplane_999.jpg\n");
  CHECK_THROWS_WITH(open_format("resisc45", {"resisc45", root, "test", {}})->get(1),
                    Catch::Contains("resisc45: ") &&
                        Catch::Contains("resisc45-test.txt:2 entry 'airplane_999.jpg'") &&
                        Catch::Contains("does not exist"));
}

TEST_CASE("resisc45 sorted folders are prompts/resisc45.json's order; bad input", "[unit]") {
  const auto names = prompt_class_names("resisc45");
  REQUIRE(names.size() == 45);
  CHECK(names.front() == "airplane");
  CHECK(names[2] == "baseball diamond");
  CHECK(names.back() == "wetland");
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_resisc45(tmp);
  std::filesystem::remove(root + "/NWPU-RESISC45/baseball_diamond/baseball_diamond_001.jpg");
  CHECK_THROWS_WITH(open_format("resisc45", {"resisc45", root, "test", {}}),
                    Catch::Contains("baseball_diamond has 140 images"));
  CHECK_THROWS_WITH(open_format("resisc45", {"resisc45", root, "test", {"one"}}),
                    Catch::Contains("has 2 classes"));
}
