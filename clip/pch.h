// Precompiled header for targets that use LibTorch (keeps 2-core builds tolerable).
#pragma once
#include <torch/torch.h>
