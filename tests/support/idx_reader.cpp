// The probe fixture's Fashion-MNIST pixels, read through the datasets library's mnist-idx adapter.
#include "tests/support/idx_reader.h"

#include <torch/torch.h>

#include <cstring>
#include <stdexcept>

#include "datasets/mnist_idx.h"

namespace clipbench::test {

PixelSplit fashion_mnist_pixels(const std::string& part, int64_t begin, int64_t end,
                                const std::string& dir) {
  datasets::OpenRequest request;
  request.dataset = "fashion_mnist";
  request.root = dir;
  request.split = part == "t10k" ? "test" : part;
  const auto data = datasets::open_mnist_idx(request);
  if (begin < 0 || begin >= end || end > static_cast<int64_t>(data->size()))
    throw std::runtime_error(dir + "/" + part + ": rows [" + std::to_string(begin) + ", " +
                             std::to_string(end) + ") out of range");
  const datasets::Sample first = data->get(static_cast<size_t>(begin));
  const int64_t pixels = static_cast<int64_t>(first.pixels->data.size());
  torch::Tensor bytes = torch::empty({end - begin, pixels}, torch::kUInt8);
  torch::Tensor labels = torch::empty({end - begin}, torch::kLong);
  for (int64_t i = begin; i < end; ++i) {
    const datasets::Sample s = data->get(static_cast<size_t>(i));
    std::memcpy(bytes[i - begin].data_ptr<uint8_t>(), s.pixels->data.data(),
                static_cast<size_t>(pixels));
    labels[i - begin] = s.label;
  }
  PixelSplit out;
  out.features = bytes.to(torch::kDouble) / 255.0;
  out.labels = labels;
  return out;
}

}  // namespace clipbench::test
