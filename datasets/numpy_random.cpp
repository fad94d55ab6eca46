// NumPy's legacy RandomState permutation on std::mt19937.
#include "datasets/numpy_random.h"

#include <numeric>
#include <stdexcept>
#include <utility>

namespace clipbench::datasets {
namespace {

// NumPy's random_interval(max) for max < 2^32.
uint32_t random_interval(std::mt19937& rng, uint32_t max) {
  if (max == 0) return 0;
  uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value = 0;
  do {
    value = static_cast<uint32_t>(rng()) & mask;
  } while (value > max);
  return value;
}

}  // namespace

std::mt19937 numpy_legacy_generator(uint32_t seed) { return std::mt19937(seed); }

std::vector<size_t> numpy_legacy_permutation(std::mt19937& rng, size_t n) {
  if (n >= (size_t{1} << 32)) {
    throw std::invalid_argument("numpy_legacy_permutation: n must be below 2^32");
  }
  std::vector<size_t> x(n);
  std::iota(x.begin(), x.end(), size_t{0});
  for (size_t i = n; i-- > 1;) {
    const size_t j = random_interval(rng, static_cast<uint32_t>(i));
    std::swap(x[i], x[j]);
  }
  return x;
}

}  // namespace clipbench::datasets
