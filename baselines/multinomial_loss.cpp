// The summed multinomial cross-entropy of a linear model and its gradient, in one fused pass over
// the data (the logistic-regression probe's objective kernel).
#include "baselines/multinomial_loss.h"

#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

namespace clipbench::baselines {
namespace {

constexpr int64_t kBlockRows = 64;

// Vectors (GCC / Clang vector extensions): v8d / v16f are one AVX-512 register, v4d / v8f one AVX
// register (or two SSE2 registers). The helpers taking / returning them are always inlined into
// the ISA-specific entry points below, so GCC's ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

#define CLIPBENCH_INLINE inline __attribute__((always_inline))

}  // namespace
}  // namespace clipbench::baselines

#ifdef CLIPBENCH_HAVE_LIBMVEC
// glibc's vector math library (libmvec), by its x86-64 vector ABI names: exp and log of 8 doubles
// (AVX-512) and of 4 (AVX2). Documented accuracy: within 4 ulp, like the scalar libm's bounds
// (glibc manual, "Errors in Math Functions").
extern "C" {
__m512d _ZGVeN8v_exp(__m512d);
__m512d _ZGVeN8v_log(__m512d);
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log(__m256d);
}
#endif

namespace clipbench::baselines {
namespace {

// exp_n / log_n: x[i] = exp(x[i]) / log(x[i]) for i < n. These are libm's, one at a time; the
// AVX-512 and AVX2 namespaces below hide them with libmvec's where glibc has it.
CLIPBENCH_INLINE void exp_n(double* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = std::exp(x[i]);
}
CLIPBENCH_INLINE void log_n(double* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = std::log(x[i]);
}
// One vector call (F: a libmvec function) per V lanes, libm for the tail.
template <class V, V (*F)(V), double (*Scalar)(double)>
CLIPBENCH_INLINE void apply_n(double* x, int64_t n) {
  constexpr int64_t L = sizeof(V) / sizeof(double);
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    V v;
    std::memcpy(&v, x + i, sizeof v);
    v = F(v);
    std::memcpy(x + i, &v, sizeof v);
  }
  for (; i < n; ++i) x[i] = Scalar(x[i]);
}
double libm_exp(double v) { return std::exp(v); }
double libm_log(double v) { return std::log(v); }

// The kernel compiled three times. The tilings: AVX-512 has 32 vector registers (logits: 4 rows x
// up to 6 classes, so a class tile's weights, 6 x D doubles, stay in L1 while the rows stream;
// gradient: up to 6 classes x 4 vectors), AVX2 16.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx2,fma")
namespace avx512 {
#ifdef CLIPBENCH_HAVE_LIBMVEC
CLIPBENCH_INLINE void exp_n(double* x, int64_t n) {
  apply_n<__m512d, _ZGVeN8v_exp, libm_exp>(x, n);
}
CLIPBENCH_INLINE void log_n(double* x, int64_t n) {
  apply_n<__m512d, _ZGVeN8v_log, libm_log>(x, n);
}
#endif
#define CLIPBENCH_KERNEL_AVX512 1
#include "baselines/multinomial_loss_kernel.inc"
#undef CLIPBENCH_KERNEL_AVX512
using Tiles = Tiling<v8d, 4, 6, 4>;
using TilesF32 = Tiling<v16f, 4, 6, 4>;
}  // namespace avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#ifdef CLIPBENCH_HAVE_LIBMVEC
CLIPBENCH_INLINE void exp_n(double* x, int64_t n) {
  apply_n<__m256d, _ZGVdN4v_exp, libm_exp>(x, n);
}
CLIPBENCH_INLINE void log_n(double* x, int64_t n) {
  apply_n<__m256d, _ZGVdN4v_log, libm_log>(x, n);
}
#endif
#include "baselines/multinomial_loss_kernel.inc"
using Tiles = Tiling<v4d, 1, 8, 1>;
using TilesF32 = Tiling<v8f, 1, 8, 1>;
}  // namespace avx2
#pragma GCC pop_options

namespace portable {
#include "baselines/multinomial_loss_kernel.inc"
using Tiles = Tiling<v4d, 1, 8, 1>;
using TilesF32 = Tiling<v8f, 1, 8, 1>;
}  // namespace portable

// S: the arithmetic type (double or float); E: the features' type.
template <class S, class E>
using BlocksFn = double (*)(const E*, const int64_t*, int64_t, int64_t, int64_t, int64_t, int64_t,
                            const S*, const double*, double*, S*, double*, double*);

enum class Isa { kAvx512, kAvx2, kGeneric };

Isa detect_isa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
  return Isa::kGeneric;
}

Isa cpu_isa() {
  static const Isa isa = detect_isa();
  return isa;
}

template <class S, class E>
BlocksFn<S, E> blocks_for(Isa isa) {
  if constexpr (std::is_same_v<S, double>) {
    return isa == Isa::kAvx512 ? avx512::blocks<avx512::Tiles, E>
           : isa == Isa::kAvx2 ? avx2::blocks<avx2::Tiles, E>
                               : portable::blocks<portable::Tiles, E>;
  } else {
    return isa == Isa::kAvx512 ? avx512::blocks<avx512::TilesF32, E>
           : isa == Isa::kAvx2 ? avx2::blocks<avx2::TilesF32, E>
                               : portable::blocks<portable::TilesF32, E>;
  }
}

template <class S, class E>
double loss_gradient(const E* X, const int64_t* y, int64_t N, int64_t D, int64_t K, const double* W,
                     const double* b, double* grad_W, double* grad_b) {
  const BlocksFn<S, E> blocks_fn = blocks_for<S, E>(cpu_isa());
  const int64_t num_blocks = (N + kBlockRows - 1) / kBlockRows;
  const int threads = std::max(1, at::get_num_threads());
  // One gradient accumulator per thread, summed in thread order afterwards. The buffers are kept
  // between calls (one solver calls this thousands of times; fresh ones cost page faults).
  // (Thread-local, so the workers below must use these pointers, not the names.)
  static thread_local std::vector<double> g_buffer, loss_buffer;
  static thread_local std::vector<S> w_buffer;
  g_buffer.assign(static_cast<size_t>(threads) * (K * D + K), 0.0);
  loss_buffer.assign(static_cast<size_t>(threads), 0.0);
  double* const g = g_buffer.data();
  double* const losses = loss_buffer.data();
  const S* Ws;
  if constexpr (std::is_same_v<S, double>) {
    Ws = W;
  } else {
    w_buffer.resize(static_cast<size_t>(K * D));
    for (int64_t i = 0; i < K * D; ++i) w_buffer[i] = static_cast<S>(W[i]);
    Ws = w_buffer.data();
  }
  at::parallel_for(0, num_blocks, 1, [&](int64_t first, int64_t last) {
    const int t = std::min(at::get_thread_num(), threads - 1);
    double* G = g + static_cast<size_t>(t) * (K * D + K);
    static thread_local std::vector<double> Z;
    static thread_local std::vector<S> Rs;
    Z.resize(static_cast<size_t>(kBlockRows * K));
    Rs.resize(static_cast<size_t>(kBlockRows * K));
    losses[t] += blocks_fn(X, y, N, first, last, D, K, Ws, b, Z.data(), Rs.data(), G, G + K * D);
  });
  std::fill(grad_W, grad_W + K * D, 0.0);
  std::fill(grad_b, grad_b + K, 0.0);
  double loss = 0.0;
  for (int t = 0; t < threads; ++t) {
    const double* G = g + static_cast<size_t>(t) * (K * D + K);
    for (int64_t i = 0; i < K * D; ++i) grad_W[i] += G[i];
    for (int64_t k = 0; k < K; ++k) grad_b[k] += G[K * D + k];
    loss += losses[t];
  }
  return loss;
}

}  // namespace

const char* multinomial_loss_isa() {
  switch (cpu_isa()) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    default:
      return "generic";
  }
}

int intra_op_threads_used(int64_t tasks) {
  std::vector<char> used(static_cast<size_t>(std::max(1, at::get_num_threads())), 0);
  at::parallel_for(0, tasks, 1, [&](int64_t, int64_t) {
    used[std::min<size_t>(at::get_thread_num(), used.size() - 1)] = 1;
  });
  return static_cast<int>(std::count(used.begin(), used.end(), 1));
}

double multinomial_loss_gradient(const double* X, const int64_t* y, int64_t N, int64_t D, int64_t K,
                                 const double* W, const double* b, double* grad_W, double* grad_b) {
  return loss_gradient<double>(X, y, N, D, K, W, b, grad_W, grad_b);
}

double multinomial_loss_gradient(const float* X, const int64_t* y, int64_t N, int64_t D, int64_t K,
                                 const double* W, const double* b, double* grad_W, double* grad_b) {
  return loss_gradient<double>(X, y, N, D, K, W, b, grad_W, grad_b);
}

double multinomial_loss_gradient_float32(const float* X, const int64_t* y, int64_t N, int64_t D,
                                         int64_t K, const double* W, const double* b,
                                         double* grad_W, double* grad_b) {
  return loss_gradient<float>(X, y, N, D, K, W, b, grad_W, grad_b);
}

}  // namespace clipbench::baselines
