// The Catch2 main of cuda_tests: without a visible CUDA device the GPU test cases are skipped (exit
// 77, CTest's SKIP_RETURN_CODE) with a message; CLIPBENCH_REQUIRE_GPU=1 (or true, on) makes that a
// failure.
#include <torch/cuda.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_session.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

namespace {

constexpr int kSkipped = 77;  // tests/CMakeLists.txt: SKIP_RETURN_CODE of the cuda_tests entries

bool listing(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--list", 6) == 0 || std::strcmp(argv[i], "-h") == 0 ||
        std::strcmp(argv[i], "--help") == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (!listing(argc, argv) && !torch::cuda::is_available()) {
    const char* require = std::getenv("CLIPBENCH_REQUIRE_GPU");
    const bool required = require != nullptr &&
                          (std::strcmp(require, "1") == 0 || std::strcmp(require, "true") == 0 ||
                           std::strcmp(require, "on") == 0);
    std::fprintf(
        stderr,
        "cuda_tests: no CUDA device is visible to this LibTorch (torch::cuda::device_count() "
        "= %d): %s. They run on a machine with a GPU (bench/gpu_check.sh).\n",
        static_cast<int>(torch::cuda::device_count()),
        required ? "CLIPBENCH_REQUIRE_GPU is set, so this is a failure"
                 : "the GPU test cases are skipped");
    return required ? 1 : kSkipped;
  }
  return Catch::Session().run(argc, argv);
}
