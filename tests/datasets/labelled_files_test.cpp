// Tests of the helpers the list formats share: natural order, label range, missing images.
#include "datasets/labelled_files.h"

#include <algorithm>

#include "tests/support/catch.h"

using namespace clipbench::datasets;

TEST_CASE("natural_less compares digit runs by value", "[unit]") {
  std::vector<std::string> names = {"a_10.jpg",  "a_2.jpg", "a_1.jpg", "b_1.jpg",
                                    "a_100.jpg", "A_5.jpg", "a_02.jpg"};
  std::sort(names.begin(), names.end(), natural_less);
  CHECK(names == std::vector<std::string>{"A_5.jpg", "a_1.jpg", "a_2.jpg", "a_02.jpg", "a_10.jpg",
                                          "a_100.jpg", "b_1.jpg"});
  CHECK_FALSE(natural_less("x_3", "x_3"));
  CHECK(natural_less("x", "x_1"));
}

TEST_CASE("LabelledFiles rejects a label outside the class range and names the entry", "[unit]") {
  CHECK_THROWS_WITH(LabelledFiles("demo", "list.txt", {"a", "b"},
                                  {{"/x/1.jpg", 0, "list.txt:1 entry 'x/1'"},
                                   {"/x/2.jpg", 2, "list.txt:2 entry 'x/2'"}}),
                    Catch::Contains("demo: list.txt:2 entry 'x/2': label 2 is outside the class "
                                    "range [0, 2)"));
  const LabelledFiles files("demo", "list.txt", {"a"}, {{"/nonexistent/1.jpg", 0, "entry 'e'"}});
  CHECK_THROWS_WITH(files.get(0), Catch::Contains("demo: entry 'e' names the image "
                                                  "/nonexistent/1.jpg, which does not exist"));
  CHECK_THROWS_WITH(files.get(1), Catch::Contains("sample index 1 is outside"));
}
