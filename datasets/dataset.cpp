// Decoding a dataset sample's image, whichever way the adapter stored it.
#include "datasets/dataset.h"

#include "clip/errors.h"

namespace clipbench::datasets {

Image load_sample_image(const Sample& sample, const DecodeOptions& options) {
  if (sample.pixels) return *sample.pixels;
  if (!sample.encoded.empty()) {
    return decode_image(sample.encoded.data(), sample.encoded.size(), sample.name, options);
  }
  if (!sample.path.empty()) return decode_image_file(sample.path, options);
  throw ImageDecodeError(sample.name + ": the sample has no image (no path, bytes or pixels)");
}

}  // namespace clipbench::datasets
