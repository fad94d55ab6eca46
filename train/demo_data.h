// Data for the training demo: labelled images captioned from their class names.
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

// Captions each image as one template (chosen by mt19937_64(seed), uniformly) filled with the
// first name of its class. Throws Error for a label outside class_names or empty templates.
InMemoryPairs caption_images(const LabelledImages& data,
                             const std::vector<std::string>& class_names,
                             const std::vector<std::string>& templates, uint64_t seed);

}  // namespace clipbench::train
