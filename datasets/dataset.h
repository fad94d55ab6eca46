// The dataset interface every adapter implements: a split as random-access (image, label) samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clip/image.h"
#include "clip/image_decode.h"

namespace clipbench::datasets {

// One sample of a split. Exactly one image source is set:
//   path     an image file on disk (decoded with clipbench::decode_image_file)
//   encoded  the bytes of an encoded image held in memory (a tar member, a CSV/HDF5 cell)
//   pixels   an already-decoded image (idx, CIFAR, STL-10, FER2013, PatchCamelyon rows)
// `name` identifies the sample in error messages: the file path, "shard.tar:s0000012.jpg",
// "t10k-images-idx3-ubyte.gz[17]", ...
struct Sample {
  std::string name;
  std::string path;
  std::vector<uint8_t> encoded;
  std::optional<Image> pixels;
  // Single-label datasets: the class index in [0, num_classes). Multi-label datasets: -1.
  int64_t label = -1;
  // Multi-label datasets only (VOC 2007): one entry per class, 1 present, -1 absent, 0 difficult.
  std::vector<int8_t> targets;
};

// A split of a dataset opened by an adapter. Thread safety: size(), classes() and get() may be
// called concurrently from several threads once the object is constructed.
class Dataset {
 public:
  virtual ~Dataset() = default;
  // Number of samples in the split.
  virtual size_t size() const = 0;
  // Sample `index` (0 <= index < size()). Cheap: image bytes are read here, not decoded (except
  // for formats that store raw pixels). Throws DatasetError naming the file when it is missing.
  virtual Sample get(size_t index) const = 0;
  // Class names in label order: label i is classes()[i]. For catalogued datasets these are the
  // dataset's own folder / annotation names (the prompts' names come from prompts/<id>.json and
  // are checked against the class count).
  virtual const std::vector<std::string>& classes() const = 0;
  // True for multi-label datasets (Sample::targets set, Sample::label = -1).
  virtual bool multi_label() const { return false; }
  // The folder or file the split was read from, for messages and results.
  virtual std::string source() const = 0;
};

// Decodes a sample's image (Pillow modes kept; preprocessing converts to RGB). Throws
// ImageDecodeError / FileError whose message names Sample::name.
Image load_sample_image(const Sample& sample, const DecodeOptions& options = {});

}  // namespace clipbench::datasets
