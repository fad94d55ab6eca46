// The probe fixture's Fashion-MNIST pixels as tensors (through the datasets library's mnist-idx
// adapter).
#pragma once

#include <torch/types.h>

#include <string>

namespace clipbench::test {

// The probe fixture's data (fixtures/probe/fashion_mnist_pixels.json): Fashion-MNIST pixels / 255
// as float64 [N, 784] (as numpy computes it) and int64 labels [N], rows [begin, end) of the train
// ("train") or test
// ("t10k") files in `dir` (default /usr/share/datasets/fashion-mnist).
struct PixelSplit {
  torch::Tensor features;
  torch::Tensor labels;
};
PixelSplit fashion_mnist_pixels(const std::string& part, int64_t begin, int64_t end,
                                const std::string& dir = "/usr/share/datasets/fashion-mnist");

}  // namespace clipbench::test
