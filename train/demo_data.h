// Data for the training demo: Fashion-MNIST's idx files read into memory and captioned from the
// class names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clip/image.h"
#include "train/pairs_source.h"

namespace clipbench::train {

struct LabelledImages {
  std::vector<Image> images;    // mode kL, 28 x 28 for (Fashion-)MNIST
  std::vector<int64_t> labels;  // 0-based class index per image
};

// Reads `<dir>/<split>-images-idx3-ubyte[.gz]` and `<dir>/<split>-labels-idx1-ubyte[.gz]` (split
// "train" or "t10k") through datasets::open_mnist_idx. `limit` > 0 keeps only the first `limit`
// images. Throws datasets::DatasetError naming the file when it is missing, truncated, has a wrong
// magic number, or when the image and label counts differ.
LabelledImages read_idx_split(const std::string& dir, const std::string& split, int64_t limit = 0);

// Captions each image as one template (chosen by mt19937_64(seed), uniformly) filled with the
// first name of its class. Throws Error for a label outside class_names or empty templates.
InMemoryPairs caption_images(const LabelledImages& data,
                             const std::vector<std::string>& class_names,
                             const std::vector<std::string>& templates, uint64_t seed);

}  // namespace clipbench::train
