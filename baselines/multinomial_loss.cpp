// The summed multinomial cross-entropy of a linear model and its gradient, in one fused pass over
// the data (the logistic-regression probe's objective kernel).
#include "baselines/multinomial_loss.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace clipbench::baselines {
namespace {

constexpr int64_t kBlockRows = 32;
constexpr int kClassTile = 8;

// Four doubles (GCC / Clang vector extension): one AVX register, or two SSE2 registers. The
// helpers taking / returning them are always inlined, so GCC's ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double v4d __attribute__((vector_size(32)));

#define CLIPBENCH_INLINE inline __attribute__((always_inline))

CLIPBENCH_INLINE v4d load4(const double* p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
CLIPBENCH_INLINE void store4(double* p, v4d v) { std::memcpy(p, &v, sizeof v); }

// Z[r * ldz + k] = x_r . W[k] for KT classes (W: KT rows of stride D).
template <int KT>
CLIPBENCH_INLINE void logits_tile(const double* X, int64_t rows, int64_t D, const double* W,
                                  double* Z, int64_t ldz) {
  for (int64_t r = 0; r < rows; ++r) {
    const double* x = X + r * D;
    v4d acc[KT];
    for (int k = 0; k < KT; ++k) acc[k] = v4d{0, 0, 0, 0};
    int64_t j = 0;
    for (; j + 4 <= D; j += 4) {
      const v4d xv = load4(x + j);
      for (int k = 0; k < KT; ++k) acc[k] += xv * load4(W + k * D + j);
    }
    for (int k = 0; k < KT; ++k) {
      double s = (acc[k][0] + acc[k][1]) + (acc[k][2] + acc[k][3]);
      for (int64_t jj = j; jj < D; ++jj) s += x[jj] * W[k * D + jj];
      Z[r * ldz + k] = s;
    }
  }
}

// G[k] += sum_r R[r * ldr + k] * x_r for KT classes (G: KT rows of stride D).
template <int KT>
CLIPBENCH_INLINE void gradient_tile(const double* X, int64_t rows, int64_t D, const double* R,
                                    int64_t ldr, double* G) {
  int64_t j = 0;
  for (; j + 4 <= D; j += 4) {
    v4d acc[KT];
    for (int k = 0; k < KT; ++k) acc[k] = v4d{0, 0, 0, 0};
    for (int64_t r = 0; r < rows; ++r) {
      const v4d xv = load4(X + r * D + j);
      for (int k = 0; k < KT; ++k) acc[k] += R[r * ldr + k] * xv;
    }
    for (int k = 0; k < KT; ++k) store4(G + k * D + j, load4(G + k * D + j) + acc[k]);
  }
  for (; j < D; ++j)
    for (int k = 0; k < KT; ++k) {
      double s = 0.0;
      for (int64_t r = 0; r < rows; ++r) s += R[r * ldr + k] * X[r * D + j];
      G[k * D + j] += s;
    }
}

#define CLIPBENCH_TILE_SWITCH(fn, kt, ...) \
  switch (kt) {                            \
    case 1: fn<1>(__VA_ARGS__); break;     \
    case 2: fn<2>(__VA_ARGS__); break;     \
    case 3: fn<3>(__VA_ARGS__); break;     \
    case 4: fn<4>(__VA_ARGS__); break;     \
    case 5: fn<5>(__VA_ARGS__); break;     \
    case 6: fn<6>(__VA_ARGS__); break;     \
    case 7: fn<7>(__VA_ARGS__); break;     \
    default: fn<8>(__VA_ARGS__); break;    \
  }

// One block of rows: its loss; adds its gradient to G ([K, D]) and gb ([K]). Z: rows x K scratch.
CLIPBENCH_INLINE double block(const double* X, const int64_t* y, int64_t rows, int64_t D,
                              int64_t K, const double* W, const double* b, double* Z, double* G,
                              double* gb) {
  for (int64_t k0 = 0; k0 < K; k0 += kClassTile) {
    const int kt = static_cast<int>(std::min<int64_t>(kClassTile, K - k0));
    CLIPBENCH_TILE_SWITCH(logits_tile, kt, X, rows, D, W + k0 * D, Z + k0, K)
  }
  double loss = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    double* z = Z + r * K;
    double m = -INFINITY;
    for (int64_t k = 0; k < K; ++k) {
      z[k] += b[k];
      m = std::max(m, z[k]);
    }
    double s = 0.0;
    for (int64_t k = 0; k < K; ++k) s += std::exp(z[k] - m);
    const double lse = m + std::log(s);
    loss += lse - z[y[r]];
    for (int64_t k = 0; k < K; ++k) z[k] = std::exp(z[k] - lse);
    z[y[r]] -= 1.0;
    for (int64_t k = 0; k < K; ++k) gb[k] += z[k];
  }
  for (int64_t k0 = 0; k0 < K; k0 += kClassTile) {
    const int kt = static_cast<int>(std::min<int64_t>(kClassTile, K - k0));
    CLIPBENCH_TILE_SWITCH(gradient_tile, kt, X, rows, D, Z + k0, K, G + k0 * D)
  }
  return loss;
}

// The blocks [first, last): the same code compiled for AVX2 + FMA and for the baseline ISA.
__attribute__((target("avx2,fma"))) double blocks_avx2(const double* X, const int64_t* y,
                                                        int64_t N, int64_t first, int64_t last,
                                                        int64_t D, int64_t K, const double* W,
                                                        const double* b, double* Z, double* G,
                                                        double* gb) {
  double loss = 0.0;
  for (int64_t i = first; i < last; ++i) {
    const int64_t r0 = i * kBlockRows, rows = std::min(kBlockRows, N - r0);
    loss += block(X + r0 * D, y + r0, rows, D, K, W, b, Z, G, gb);
  }
  return loss;
}

double blocks_generic(const double* X, const int64_t* y, int64_t N, int64_t first, int64_t last,
                      int64_t D, int64_t K, const double* W, const double* b, double* Z,
                      double* G, double* gb) {
  double loss = 0.0;
  for (int64_t i = first; i < last; ++i) {
    const int64_t r0 = i * kBlockRows, rows = std::min(kBlockRows, N - r0);
    loss += block(X + r0 * D, y + r0, rows, D, K, W, b, Z, G, gb);
  }
  return loss;
}

bool has_avx2_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

}  // namespace

double multinomial_loss_gradient(const double* X, const int64_t* y, int64_t N, int64_t D,
                                 int64_t K, const double* W, const double* b, double* grad_W,
                                 double* grad_b) {
  const int64_t num_blocks = (N + kBlockRows - 1) / kBlockRows;
  const int threads = std::max(1, at::get_num_threads());
  // One gradient accumulator per thread, summed in thread order afterwards.
  std::vector<double> g(static_cast<size_t>(threads) * (K * D + K), 0.0);
  std::vector<double> losses(static_cast<size_t>(threads), 0.0);
  const bool avx2 = has_avx2_fma();
  at::parallel_for(0, num_blocks, 1, [&](int64_t first, int64_t last) {
    const int t = std::min(at::get_thread_num(), threads - 1);
    double* G = g.data() + static_cast<size_t>(t) * (K * D + K);
    std::vector<double> Z(static_cast<size_t>(kBlockRows * K));
    losses[t] += avx2 ? blocks_avx2(X, y, N, first, last, D, K, W, b, Z.data(), G, G + K * D)
                      : blocks_generic(X, y, N, first, last, D, K, W, b, Z.data(), G, G + K * D);
  });
  std::fill(grad_W, grad_W + K * D, 0.0);
  std::fill(grad_b, grad_b + K, 0.0);
  double loss = 0.0;
  for (int t = 0; t < threads; ++t) {
    const double* G = g.data() + static_cast<size_t>(t) * (K * D + K);
    for (int64_t i = 0; i < K * D; ++i) grad_W[i] += G[i];
    for (int64_t k = 0; k < K; ++k) grad_b[k] += G[K * D + k];
    loss += losses[t];
  }
  return loss;
}

}  // namespace clipbench::baselines
