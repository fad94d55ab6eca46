// A dataset split made in memory for loader and encoder tests: sample i is an 8 x 6 gray image of
// value i (label i % 2), with optional corrupt, failing and multi-label samples.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::test {

// Sample `bad` (if any) is a corrupt JPEG; sample `failing` throws DatasetError from get().
// multi_label: sample i has targets {i % 2, (i + 1) % 2, 1} over three classes and label -1.
class SyntheticDataset : public datasets::Dataset {
 public:
  explicit SyntheticDataset(size_t n, int64_t bad = -1, int64_t failing = -1,
                            bool multi_label = false)
      : n_(n), bad_(bad), failing_(failing), multi_label_(multi_label) {
    classes_ = multi_label ? std::vector<std::string>{"a", "b", "c"}
                           : std::vector<std::string>{"even", "odd"};
  }
  size_t size() const override { return n_; }
  datasets::Sample get(size_t i) const override {
    if (static_cast<int64_t>(i) == failing_)
      throw datasets::DatasetError("synthetic: annotation of sample " + std::to_string(i) +
                                   " names a missing image");
    datasets::Sample s;
    s.name = "synthetic[" + std::to_string(i) + "]";
    s.label = static_cast<int64_t>(i % 2);
    if (multi_label_) {
      s.label = -1;
      s.targets = {static_cast<int8_t>(i % 2), static_cast<int8_t>((i + 1) % 2), 1};
    }
    if (static_cast<int64_t>(i) == bad_) {
      s.encoded = {0xFF, 0xD8, 0xFF, 0xE0, 0x00};
    } else {
      Image img = Image::blank(8, 6, ImageMode::kL);
      std::fill(img.data.begin(), img.data.end(), static_cast<uint8_t>(i));
      s.pixels = img;
    }
    return s;
  }
  const std::vector<std::string>& classes() const override { return classes_; }
  bool multi_label() const override { return multi_label_; }
  std::string source() const override { return "synthetic"; }

 private:
  size_t n_;
  int64_t bad_, failing_;
  bool multi_label_;
  std::vector<std::string> classes_;
};

}  // namespace clipbench::test
