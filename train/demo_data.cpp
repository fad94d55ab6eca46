// Fashion-MNIST idx files into memory (through the datasets library's mnist-idx adapter) and
// captioning.
#include "train/demo_data.h"

#include <fmt/format.h>

#include <random>

#include "clip/errors.h"
#include "datasets/mnist_idx.h"

namespace clipbench::train {

LabelledImages read_idx_split(const std::string& dir, const std::string& split, int64_t limit) {
  datasets::OpenRequest request;
  request.dataset = "fashion_mnist";
  request.root = dir;
  request.split = split == "t10k" ? "test" : split;
  const auto data = datasets::open_mnist_idx(request);
  std::size_t n = data->size();
  if (limit > 0) n = std::min<std::size_t>(n, static_cast<std::size_t>(limit));
  LabelledImages out;
  out.images.reserve(n);
  out.labels.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    datasets::Sample sample = data->get(i);
    out.images.push_back(std::move(*sample.pixels));
    out.labels.push_back(sample.label);
  }
  return out;
}

InMemoryPairs caption_images(const LabelledImages& data,
                             const std::vector<std::string>& class_names,
                             const std::vector<std::string>& templates, uint64_t seed) {
  if (templates.empty()) throw Error("caption_images: no caption templates");
  std::mt19937_64 rng(seed);
  std::vector<std::string> captions;
  captions.reserve(data.labels.size());
  for (int64_t label : data.labels) {
    if (label < 0 || label >= static_cast<int64_t>(class_names.size())) {
      throw Error(fmt::format("caption_images: label {} outside the {} class names", label,
                              class_names.size()));
    }
    const std::string& templ = templates[rng() % templates.size()];
    const auto at = templ.find("{}");
    if (at == std::string::npos) {
      throw Error(fmt::format("caption template '{}' has no {{}} placeholder", templ));
    }
    captions.push_back(templ.substr(0, at) + class_names[static_cast<std::size_t>(label)] +
                       templ.substr(at + 2));
  }
  return InMemoryPairs(data.images, std::move(captions),
                       fmt::format("captioned images ({} templates)", templates.size()));
}

}  // namespace clipbench::train
