// One rank's shard of a split, seen as a split of its own (data-parallel encoding).
#pragma once

#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "harness/distributed.h"

namespace clipbench::harness {

// Samples [range.begin, range.end) of `base` (which must outlive the view), re-indexed from 0.
// Thread-safe as `base` is.
class ShardView : public datasets::Dataset {
 public:
  ShardView(const datasets::Dataset& base, ShardRange range) : base_(base), range_(range) {}
  size_t size() const override { return static_cast<size_t>(range_.size()); }
  datasets::Sample get(size_t index) const override {
    return base_.get(static_cast<size_t>(range_.begin) + index);
  }
  const std::vector<std::string>& classes() const override { return base_.classes(); }
  bool multi_label() const override { return base_.multi_label(); }
  std::string source() const override { return base_.source(); }

 private:
  const datasets::Dataset& base_;
  ShardRange range_;
};

}  // namespace clipbench::harness
