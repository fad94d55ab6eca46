// Image-caption pairs for contrastive training: the source interface and its in-memory,
// CSV (`image,caption`) and webdataset (tar of `key.jpg|png|webp` + `key.txt`) implementations.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "clip/image.h"

namespace clipbench::train {

struct ImageCaption {
  Image image;          // decoded, in its own mode (the trainer applies CLIP's preprocessing)
  std::string caption;  // UTF-8
};

// A random-access collection of pairs. get(i) for i < size(); implementations are read-only after
// construction (get is const and may be called from one thread at a time).
class PairsSource {
 public:
  virtual ~PairsSource() = default;
  virtual std::size_t size() const = 0;
  // Throws clipbench::Error (FileError / ImageDecodeError naming the file or member) when the pair
  // cannot be read, std::out_of_range for i >= size().
  virtual ImageCaption get(std::size_t i) const = 0;
  // Where the pairs come from, for logs ("csv:pairs.csv (1200 pairs)").
  virtual std::string describe() const = 0;
};

// Pairs held in memory (e.g. the demo's Fashion-MNIST images with generated captions). Throws
// clipbench::Error when images and captions differ in length.
class InMemoryPairs : public PairsSource {
 public:
  InMemoryPairs(std::vector<Image> images, std::vector<std::string> captions,
                std::string description = "in-memory");
  std::size_t size() const override { return images_.size(); }
  ImageCaption get(std::size_t i) const override;
  std::string describe() const override;

 private:
  std::vector<Image> images_;
  std::vector<std::string> captions_;
  std::string description_;
};

// A CSV file with a header row naming the columns `image` and `caption` (any order, other columns
// ignored), RFC 4180 quoting ("" inside quoted fields, commas and newlines in quotes). Relative
// image paths are resolved against the CSV's folder. Images are decoded lazily in get(). Throws
// FileError (unreadable file) or Error naming the file and line (missing column, a row with too
// few fields, an unterminated quote, an empty image path, no rows).
class CsvPairs : public PairsSource {
 public:
  explicit CsvPairs(const std::string& path);
  std::size_t size() const override { return images_.size(); }
  ImageCaption get(std::size_t i) const override;
  std::string describe() const override;

 private:
  std::string path_;
  std::vector<std::string> images_, captions_;
};

// A webdataset shard (a tar, optionally compressed: anything libarchive reads) or a folder of
// shards (`*.tar`, sorted by name). Members are grouped by key (the member path up to the first
// dot of its base name); a sample is a key with a `.txt` caption and one image member `.jpg`,
// `.jpeg`, `.png` or `.webp`. All members are read into memory on construction (encoded bytes;
// decoded in get()). Throws FileError naming the archive when it cannot be read, Error naming the
// key for a sample with a caption but no image, an image but no caption, or two images; Error when
// there are no samples.
class WebDatasetPairs : public PairsSource {
 public:
  explicit WebDatasetPairs(const std::string& path);
  std::size_t size() const override { return samples_.size(); }
  ImageCaption get(std::size_t i) const override;
  std::string describe() const override;

 private:
  struct Sample {
    std::string key, image_name;
    std::vector<unsigned char> image_bytes;
    std::string caption;
    bool has_caption = false;
  };
  std::string path_;
  std::vector<Sample> samples_;
};

// Opens SOURCE by its form: a `.csv` file -> CsvPairs; a `.tar` / `.tar.gz` / `.tgz` file or a
// folder -> WebDatasetPairs. Throws Error for anything else (naming the path and the accepted
// forms).
std::unique_ptr<PairsSource> open_pairs_source(const std::string& source);

}  // namespace clipbench::train
