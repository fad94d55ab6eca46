// The one place where calls that differ between LibTorch 1.13 (Debian) and torch 2.x (pip, CUDA) are guarded.
#pragma once

#include <string>

namespace clipbench {

// "1.13.1" / "2.5.0": the LibTorch version this binary was compiled against.
std::string torch_version();

// True when this LibTorch can run CUDA kernels and a device is visible.
bool cuda_available();

}  // namespace clipbench
