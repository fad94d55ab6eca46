// Tests of the demo's captioning of labelled images (the idx files themselves are read by the
// mnist-idx adapter, tested in tests/datasets/mnist_idx_test.cpp).
#include "train/demo_data.h"

#include <set>

#include "clip/errors.h"
#include "tests/support/catch.h"

namespace t = clipbench::train;

TEST_CASE("captions fill a seeded choice of templates with the class name", "[unit]") {
  t::LabelledImages data;
  for (int64_t label : {2, 0, 1, 1, 0, 2, 2}) {
    data.images.push_back(clipbench::Image::blank(4, 2, clipbench::ImageMode::kL));
    data.labels.push_back(label);
  }
  const std::vector<std::string> names{"zero", "one", "two"};
  const auto a = t::caption_images(data, names, {"a {}.", "the {} here"}, 1);
  const auto b = t::caption_images(data, names, {"a {}.", "the {} here"}, 1);
  REQUIRE(a.size() == data.labels.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string c = a.get(i).caption, name = names[data.labels[i]];
    CHECK((c == "a " + name + "." || c == "the " + name + " here"));
    CHECK(c == b.get(i).caption);
    seen.insert(c.substr(0, 2));
  }
  CHECK(seen.size() == 2);  // both templates are drawn over 7 images with seed 1
  CHECK_THROWS_AS(t::caption_images(data, {"zero"}, {"a {}."}, 1), clipbench::Error);
  CHECK_THROWS_AS(t::caption_images(data, names, {}, 1), clipbench::Error);
}
