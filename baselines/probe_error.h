// The typed error thrown by the baselines library (probe data, options, sweep and sampling).
#pragma once

#include "clip/errors.h"

namespace clipbench::baselines {

// Bad probe input or use: mismatched feature / label counts, labels out of range, a class with
// no training example, invalid solver options, too few examples for a few-shot draw. The message
// names the split / option / value at fault and what was expected.
class ProbeError : public Error {
 public:
  using Error::Error;
};

}  // namespace clipbench::baselines
