// Tests of the prompts library (datasets/prompts.h): the embedded sets, the reader's validation
// and template filling. The data itself is checked by tests/prompts/prompts_test.cpp.
#include "datasets/prompts.h"

#include <filesystem>
#include <set>
#include <string>

#include "clip/errors.h"
#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

const char* kValid = R"({
  "schema_version": 1,
  "dataset": "mine",
  "display_name": "Mine",
  "source": "a test",
  "classes": [["cat", "kitty"], ["dog"], ["cat"]],
  "templates": ["a photo of a {}.", "{}"]
})";

std::string load_error(const std::string& text) {
  test::TempDir dir;
  const std::string path = dir.write("p.json", text);
  try {
    load_prompt_set(path);
  } catch (const DatasetError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains(path));
    return what;
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("the embedded prompt sets are the prompts/*.json files", "[unit]") {
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(std::string(CLIPBENCH_SOURCE_DIR) + "/prompts")) {
    if (entry.path().extension() == ".json") on_disk.insert(entry.path().stem().string());
  }
  const auto ids = prompt_set_ids();
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == on_disk);

  const PromptSet& food = prompt_set("food101");
  CHECK(food.dataset == "food101");
  CHECK(food.display_name == "Food-101");
  REQUIRE(food.classes.size() == 101);
  CHECK(food.classes[0] == std::vector<std::string>{"apple pie"});
  CHECK(food.templates == std::vector<std::string>{"a photo of {}, a type of food."});
  const PromptSet& imagenet = prompt_set("imagenet");
  CHECK(imagenet.classes.size() == 1000);
  CHECK(imagenet.templates.size() == 80);
  CHECK(first_class_names(prompt_set("fashion_mnist")).front() == "T-shirt/top");
}

TEST_CASE("an unknown prompt set names near matches", "[unit]") {
  try {
    prompt_set("food10");
    FAIL("no error");
  } catch (const RegistryError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("'food10'") && Catch::Contains("food101"));
  }
}

TEST_CASE("load_prompt_set reads and validates a prompts file", "[unit]") {
  test::TempDir dir;
  const PromptSet p = load_prompt_set(dir.write("p.json", kValid));
  CHECK(p.dataset == "mine");
  CHECK(p.classes.size() == 3);
  CHECK(p.classes[0] == std::vector<std::string>{"cat", "kitty"});
  CHECK(p.templates.size() == 2);
  CHECK_THROWS_AS(load_prompt_set(dir.file("absent.json")), FileError);

  CHECK_THAT(load_error("{"), Catch::Contains("not valid JSON"));
  CHECK_THAT(load_error(replaced(kValid, "\"schema_version\": 1", "\"schema_version\": 2")),
             Catch::Contains("schema_version 2 is not supported"));
  CHECK_THAT(load_error(replaced(kValid, "\"source\": \"a test\",", "")),
             Catch::Contains("missing field 'source'"));
  CHECK_THAT(load_error(replaced(kValid, "\"source\"", "\"origin\"")),
             Catch::Contains("unknown field 'origin'"));
  CHECK_THAT(load_error(replaced(kValid, "[\"dog\"]", "[]")), Catch::Contains("class 1 is []"));
  CHECK_THAT(load_error(replaced(kValid, "[\"dog\"]", "[\" \"]")),
             Catch::Contains("class 1 has the name \" \""));
  CHECK_THAT(load_error(replaced(kValid, "\"kitty\"", "\"cat\"")),
             Catch::Contains("class 0 lists the name 'cat' twice"));
  CHECK_THAT(load_error(replaced(kValid, "[\"dog\"]", "[\"{dog}\"]")),
             Catch::Contains("contains a brace"));
  CHECK_THAT(load_error(replaced(kValid, "\"{}\"]", "\"{} and {}\"]")),
             Catch::Contains("template 1 '{} and {}'"));
  CHECK_THAT(load_error(replaced(kValid, "\"{}\"]", "\"no placeholder\"]")),
             Catch::Contains("exactly once"));
  CHECK_THAT(load_error(replaced(kValid, "\"{}\"]", "\"a photo of a {}.\"]")),
             Catch::Contains("is repeated"));
  CHECK_THAT(load_error(replaced(kValid, "[\"a photo of a {}.\", \"{}\"]", "[]")),
             Catch::Contains("'templates' is empty"));
  CHECK_THAT(
      load_error(replaced(kValid, "[[\"cat\", \"kitty\"], [\"dog\"], [\"cat\"]]", "[[\"cat\"]]")),
      Catch::Contains("expected at least 2"));
}

TEST_CASE("fill_template puts the class name at the placeholder", "[unit]") {
  CHECK(fill_template("a photo of a {}.", "dog") == "a photo of a dog.");
  CHECK(fill_template("{}", "a car is close") == "a car is close");
  CHECK(fill_template("this is a photo of {}", "lymph node") == "this is a photo of lymph node");
  CHECK_THROWS_AS(fill_template("a photo.", "dog"), DatasetError);
  CHECK_THROWS_AS(fill_template("{} {}", "dog"), DatasetError);
}
