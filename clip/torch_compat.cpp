// Version-guarded LibTorch calls (1.13 on Debian, 2.x from pip).
#include "clip/torch_compat.h"

#include <torch/torch.h>
#include <torch/version.h>

namespace clipbench {

std::string torch_version() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
#endif
}

bool cuda_available() { return torch::cuda::is_available(); }

}  // namespace clipbench
