// Captioning labelled images for the training demo.
#include "train/demo_data.h"

#include <fmt/format.h>

#include <random>

#include "clip/errors.h"

namespace clipbench::train {

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
