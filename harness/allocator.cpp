// glibc malloc settings for LibTorch CPU inference: freed activations are kept for reuse.
#include "harness/allocator.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace clipbench {

bool configure_allocator_for_inference() {
#if defined(__GLIBC__)
  for (const char* user : {"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"})
    if (std::getenv(user) != nullptr) return false;
  const char* defaults = std::getenv("CLIPBENCH_MALLOC_DEFAULTS");
  if (defaults != nullptr && std::strcmp(defaults, "1") == 0) return false;
  constexpr int kMmapThresholdMax = 32 * 1024 * 1024;  // glibc's cap on 64-bit systems
  constexpr int kTrimThreshold = 1024 * 1024 * 1024;
  return mallopt(M_MMAP_THRESHOLD, kMmapThresholdMax) == 1 &&
         mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
  return false;
#endif
}

}  // namespace clipbench
