// The summed multinomial cross-entropy of a linear model and its gradient, in one fused pass over
// the data (the logistic-regression probe's objective kernel).
#pragma once

#include <cstdint>

namespace clipbench::baselines {

// With z_i = W x_i + b and r_i = softmax(z_i) - onehot(y_i):
//   returns sum_i (logsumexp(z_i) - z_{i, y_i}),
//   writes grad_W = sum_i r_i x_i^T ([K, D], row-major) and grad_b = sum_i r_i ([K]).
// X: [N, D] row-major, float64 or float32 (float32 features are widened to float64 in registers,
// so the arithmetic is float64 either way and X takes half the memory traffic); y: [N] with values
// in [0, K) (not checked); W: [K, D] row-major; b: [K]. grad_W and grad_b are overwritten. The rows
// are processed in blocks of 64 (logits, softmax and the block's gradient while the block is in
// cache, so X is read from memory once per call), blocks split over LibTorch's intra-op threads
// (at::parallel_for; this library is compiled with OpenMP so that an OpenMP LibTorch really runs
// them in parallel), with register-tiled AVX-512 code (4 rows x up to 6 classes of logits, 6
// classes x 32 features of gradient), AVX2
// + FMA code, or portable code, picked once from the CPU. Summation order depends on the
// instruction set and the number of threads; results agree with a straightforward float64
// evaluation to ~1e-13 relative.
double multinomial_loss_gradient(const double* X, const int64_t* y, int64_t N, int64_t D, int64_t K,
                                 const double* W, const double* b, double* grad_W, double* grad_b);
double multinomial_loss_gradient(const float* X, const int64_t* y, int64_t N, int64_t D, int64_t K,
                                 const double* W, const double* b, double* grad_W, double* grad_b);

// The same in float32 arithmetic, for the solver's iterations far from the optimum (about twice as
// fast: 16 lanes per AVX-512 register instead of 8): W is rounded to float32, the logits
// x_i . W_k and each block's gradient sum_i r_ik x_i (64 rows) are float32 products and sums,
// carried on in float64 (bias, softmax, loss, the sum over blocks and threads). Relative error
// ~1e-6 in the logits and the gradient, ~1e-7 in the loss (tested against the float64 kernel).
double multinomial_loss_gradient_float32(const float* X, const int64_t* y, int64_t N, int64_t D,
                                         int64_t K, const double* W, const double* b,
                                         double* grad_W, double* grad_b);

// The instruction set multinomial_loss_gradient uses on this CPU: "avx512", "avx2" or "generic".
const char* multinomial_loss_isa();

// How many distinct intra-op threads at::parallel_for, as compiled into this library, runs `tasks`
// one-element tasks on (at most at::get_num_threads()). A build whose parallel_for does not match
// LibTorch's parallel backend (an OpenMP LibTorch, code compiled without OpenMP) returns 1.
int intra_op_threads_used(int64_t tasks);

}  // namespace clipbench::baselines
