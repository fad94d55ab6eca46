// Tests of the Hateful Memes adapter on a miniature challenge layout (JSON lines + PNG images).
#include "datasets/hateful_memes.h"

#include <filesystem>
#include <fstream>

#include "datasets/format_registry.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNames = {"meme", "hatespeech meme"};

std::string write_memes(const test::Folder& tmp, const std::string& dev_name = "dev.jsonl") {
  const std::string root = tmp.file("hateful_memes");
  test::write_solid_image(root + "/img/42953.png", 6, 4, 255, 0, 0);
  test::write_solid_image(root + "/img/23058.png", 6, 4, 0, 255, 0);
  test::write_solid_image(root + "/img/01235.png", 3, 3, 0, 0, 255);
  std::ofstream(root + "/train.jsonl")
      << R"({"id":42953,"img":"img/42953.png","label":0,"text":"its their character not their color that matters"})"
      << "\n"
      << R"({"id":23058,"img":"img/23058.png","label":1,"text":"don't be afraid"})"
      << "\n";
  std::ofstream(root + "/" + dev_name)
      << R"({"id":1235,"img":"img/01235.png","label":1,"text":"x"})"
      << "\n";
  return root;
}

}  // namespace

TEST_CASE("hateful-memes reads JSON lines; test is the labelled dev set", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_memes(tmp);
  const auto train = open_format("hateful-memes", {"hateful_memes", root, "train", kNames});
  REQUIRE(train->size() == 2);
  CHECK(train->classes() == kNames);
  CHECK(train->get(0).label == 0);
  CHECK(train->get(1).label == 1);
  const Image image = load_sample_image(train->get(1));
  CHECK(image.width == 6);
  CHECK(test::pixel_near(image, 0, 255, 0, 0));

  const auto test = open_format("hateful-memes", {"hateful_memes", root, "test", kNames});
  REQUIRE(test->size() == 1);
  CHECK(test->get(0).label == 1);
  CHECK(fs::path(test->get(0).path).filename() == "01235.png");
  CHECK_THAT(test->source(), Catch::Contains("dev.jsonl"));
}

TEST_CASE("hateful-memes falls back to dev_seen.jsonl (phase 2 release)", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_memes(tmp, "dev_seen.jsonl");
  const auto test = open_format("hateful-memes", {"hateful_memes", root, "test", {}});
  CHECK(test->size() == 1);
  CHECK_THAT(test->source(), Catch::Contains("dev_seen.jsonl"));
}

TEST_CASE("hateful-memes bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_memes(tmp);
  SECTION("missing annotation file") {
    fs::remove(root + "/dev.jsonl");
    CHECK_THROWS_WITH(open_format("hateful-memes", {"hateful_memes", root, "test", {}}),
                      Catch::Contains("hateful_memes") && Catch::Contains("dev.jsonl") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("annotation names a missing image") {
    fs::remove(root + "/img/23058.png");
    CHECK_THROWS_WITH(open_format("hateful-memes", {"hateful_memes", root, "train", {}}),
                      Catch::Contains("train.jsonl:2") && Catch::Contains("23058.png") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("label out of range") {
    std::ofstream(root + "/dev.jsonl") << R"({"id":1,"img":"img/01235.png","label":2})"
                                       << "\n";
    CHECK_THROWS_WITH(
        open_format("hateful-memes", {"hateful_memes", root, "test", {}}),
        Catch::Contains("dev.jsonl:1") && Catch::Contains("label 2") && Catch::Contains("[0, 2)"));
  }
  SECTION("not JSON") {
    std::ofstream(root + "/dev.jsonl") << "{\"id\": 1,\n";
    CHECK_THROWS_WITH(open_format("hateful-memes", {"hateful_memes", root, "test", {}}),
                      Catch::Contains("dev.jsonl:1") && Catch::Contains("not a JSON object"));
  }
}
