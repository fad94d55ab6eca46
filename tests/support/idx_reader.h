// Test-only reader of gzip-compressed IDX files (the MNIST / Fashion-MNIST distribution format).
#pragma once

#include <torch/types.h>

#include <string>

namespace clipbench::test {

// Reads `path` (an .idx*-ubyte.gz file: magic 0x0000 08 NDIM, NDIM big-endian uint32 sizes, then
// unsigned bytes) and returns a uint8 tensor of those sizes. Throws std::runtime_error naming the
// file when it cannot be opened, has a bad magic number or is truncated.
torch::Tensor read_idx_gz(const std::string& path);

// The probe fixture's data (fixtures/probe/fashion_mnist_pixels.json): Fashion-MNIST pixels / 255
// as float64 [N, 784] (as numpy computes it) and int64 labels [N], rows [begin, end) of the train ("train") or test
// ("t10k") files in `dir` (default /usr/share/datasets/fashion-mnist).
struct PixelSplit {
  torch::Tensor features;
  torch::Tensor labels;
};
PixelSplit fashion_mnist_pixels(const std::string& part, int64_t begin, int64_t end,
                                const std::string& dir = "/usr/share/datasets/fashion-mnist");

}  // namespace clipbench::test
