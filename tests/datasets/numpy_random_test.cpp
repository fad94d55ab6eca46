// Tests that numpy_legacy_permutation draws what NumPy's legacy RandomState draws.
#include "datasets/numpy_random.h"

#include "tests/support/catch.h"

using namespace clipbench::datasets;

// Goldens from NumPy 1.24.2 (Debian bookworm python3-numpy):
//   np.random.seed(123); np.random.permutation(10)
//   np.random.seed(123); np.random.choice(range(100), 10, replace=False)
//                        np.random.choice(range(90), 10, replace=False)   (same state, next)
TEST_CASE("numpy_legacy_permutation matches np.random.permutation / choice", "[unit]") {
  auto rng = numpy_legacy_generator(123);
  CHECK(numpy_legacy_permutation(rng, 10) == std::vector<size_t>{4, 0, 7, 5, 8, 3, 1, 6, 9, 2});

  rng = numpy_legacy_generator(123);
  auto a = numpy_legacy_permutation(rng, 100);
  a.resize(10);
  CHECK(a == std::vector<size_t>{8, 70, 82, 28, 63, 0, 5, 50, 81, 4});
  auto b = numpy_legacy_permutation(rng, 90);
  b.resize(10);
  CHECK(b == std::vector<size_t>{34, 26, 62, 31, 20, 72, 89, 16, 4, 81});

  CHECK(numpy_legacy_permutation(rng, 0).empty());
  CHECK(numpy_legacy_permutation(rng, 1) == std::vector<size_t>{0});
}
