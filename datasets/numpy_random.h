// NumPy's legacy random permutation (np.random.seed(s); np.random.permutation(n)), reproduced so
// that splits defined with it (TFDS kitti, used by VTAB) can be rebuilt without Python.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace clipbench::datasets {

// The generator np.random.seed(seed) sets up: MT19937 seeded with init_genrand(seed), which is
// what std::mt19937(seed) does for seeds below 2^32.
std::mt19937 numpy_legacy_generator(uint32_t seed);

// np.random.permutation(n) of the legacy RandomState, drawing from `rng`: arange(n) shuffled
// Fisher-Yates from the end, j = random_interval(i) (32-bit draws masked to the smallest
// all-ones mask >= i, redrawn while > i). np.random.choice(a, k, replace=False) with p=None is
// permutation(len(a))[:k]. Throws std::invalid_argument for n >= 2^32 (NumPy draws 64 bits there).
std::vector<size_t> numpy_legacy_permutation(std::mt19937& rng, size_t n);

}  // namespace clipbench::datasets
