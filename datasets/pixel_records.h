// A split stored as fixed-size raw pixel records (idx, CIFAR, STL-10, FER2013), in memory or read
// with pread from record files, yielding Sample::pixels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clip/image.h"
#include "datasets/binary_files.h"
#include "datasets/dataset.h"

namespace clipbench::datasets {

// How one record's bytes are laid out.
//   kInterleaved         rows top to bottom, pixels left to right, channels interleaved (idx, FER)
//   kPlanar              one plane per channel (R, G, B), each row-major (CIFAR)
//   kPlanarColumnMajor   one plane per channel, each column-major (STL-10, MATLAB order)
enum class PixelLayout { kInterleaved, kPlanar, kPlanarColumnMajor };

struct PixelFormat {
  int64_t width = 0;
  int64_t height = 0;
  ImageMode mode = ImageMode::kL;  // kL or kRGB
  PixelLayout layout = PixelLayout::kInterleaved;
  size_t record_bytes() const { return static_cast<size_t>(width * height * mode_channels(mode)); }
};

// Converts one record (format.record_bytes() bytes) into an interleaved Image.
Image image_from_record(const uint8_t* record, const PixelFormat& format);

// Records held in memory: record i starts at data + i * record_bytes; `owner` keeps the buffer
// alive. Sample names are "<name>[i]".
struct MemoryRecords {
  std::string name;
  std::shared_ptr<const void> owner;
  const uint8_t* data = nullptr;
  size_t count = 0;
};

// Records in a file read at get() time: record i at data_offset + i * stride (the record's pixels
// start `pixel_offset` bytes into the stride, e.g. after CIFAR's label bytes). Sample names are
// "<file name>[i]".
struct FileRecords {
  std::string name;
  std::shared_ptr<const RandomAccessFile> file;
  uint64_t data_offset = 0;
  uint64_t stride = 0;
  uint64_t pixel_offset = 0;
  size_t count = 0;
};

// A split made of one or more record blocks (memory or file), concatenated in order; labels has
// one entry per record, already checked against classes by the adapter.
class PixelRecordDataset : public Dataset {
 public:
  PixelRecordDataset(std::string source, PixelFormat format, std::vector<std::string> classes,
                     std::vector<int64_t> labels, std::vector<MemoryRecords> memory,
                     std::vector<FileRecords> files);
  size_t size() const override { return labels_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string source_;
  PixelFormat format_;
  std::vector<std::string> classes_;
  std::vector<int64_t> labels_;
  std::vector<MemoryRecords> memory_;
  std::vector<FileRecords> files_;
};

}  // namespace clipbench::datasets
