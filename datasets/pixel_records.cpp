// Raw pixel records (in memory or read with pread) turned into Sample::pixels.
#include "datasets/pixel_records.h"

#include <fmt/format.h>

#include <cstring>

#include "datasets/format_registry.h"

namespace clipbench::datasets {

Image image_from_record(const uint8_t* record, const PixelFormat& format) {
  Image image = Image::blank(format.width, format.height, format.mode);
  const int64_t w = format.width, h = format.height, c = image.channels();
  if (format.layout == PixelLayout::kInterleaved ||
      (c == 1 && format.layout == PixelLayout::kPlanar)) {
    std::memcpy(image.data.data(), record, static_cast<size_t>(w * h * c));
    return image;
  }
  uint8_t* out = image.data.data();
  const bool column_major = format.layout == PixelLayout::kPlanarColumnMajor;
  for (int64_t ch = 0; ch < c; ++ch) {
    const uint8_t* plane = record + ch * w * h;
    for (int64_t y = 0; y < h; ++y) {
      for (int64_t x = 0; x < w; ++x) {
        out[(y * w + x) * c + ch] = column_major ? plane[x * h + y] : plane[y * w + x];
      }
    }
  }
  return image;
}

PixelRecordDataset::PixelRecordDataset(std::string source, PixelFormat format,
                                       std::vector<std::string> classes,
                                       std::vector<int64_t> labels,
                                       std::vector<MemoryRecords> memory,
                                       std::vector<FileRecords> files)
    : source_(std::move(source)),
      format_(format),
      classes_(std::move(classes)),
      labels_(std::move(labels)),
      memory_(std::move(memory)),
      files_(std::move(files)) {
  size_t total = 0;
  for (const auto& m : memory_) total += m.count;
  for (const auto& f : files_) total += f.count;
  if (total != labels_.size()) {
    throw DatasetError(
        fmt::format("{}: {} image records but {} labels", source_, total, labels_.size()));
  }
}

Sample PixelRecordDataset::get(size_t index) const {
  if (index >= labels_.size()) {
    throw DatasetError(
        fmt::format("{}: sample {} is out of range (size {})", source_, index, labels_.size()));
  }
  Sample sample;
  sample.label = labels_[index];
  size_t i = index;
  const size_t n = format_.record_bytes();
  for (const auto& m : memory_) {
    if (i < m.count) {
      sample.name = fmt::format("{}[{}]", m.name, i);
      sample.pixels = image_from_record(m.data + i * n, format_);
      return sample;
    }
    i -= m.count;
  }
  for (const auto& f : files_) {
    if (i < f.count) {
      sample.name = fmt::format("{}[{}]", f.name, i);
      std::vector<uint8_t> record(n);
      f.file->read(f.data_offset + i * f.stride + f.pixel_offset, n, record.data());
      sample.pixels = image_from_record(record.data(), format_);
      return sample;
    }
    i -= f.count;
  }
  throw DatasetError(fmt::format("{}: sample {} has no record", source_, index));
}

}  // namespace clipbench::datasets
