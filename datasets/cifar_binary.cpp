// CIFAR-10 / CIFAR-100 binary batches: labels indexed at open, pixels read with pread in get().
#include "datasets/cifar_binary.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/binary_files.h"
#include "datasets/pixel_records.h"

namespace clipbench::datasets {
namespace {

constexpr size_t kPixels = 3072;  // 32 * 32 * 3

std::vector<std::string> read_names(const std::string& dataset, const std::string& path) {
  if (!file_exists(path)) {
    throw DatasetError(fmt::format("{}: missing class names file {}", dataset, path));
  }
  std::vector<std::string> names;
  for (std::string line : read_text_lines(dataset, path)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

std::unique_ptr<Dataset> open_cifar_binary(const OpenRequest& request, const std::string& format,
                                           const std::vector<std::string>& files,
                                           const std::string& names_file, size_t label_bytes) {
  const std::string dataset = request.dataset.empty() ? format : request.dataset;
  const std::string names_path = join_path(request.root, names_file);
  const std::vector<std::string> classes = choose_class_names(
      dataset, read_names(dataset, names_path), names_path, request.class_names, 0);
  const uint64_t stride = label_bytes + kPixels;
  std::vector<FileRecords> blocks;
  std::vector<int64_t> labels;
  for (const std::string& name : files) {
    const std::string path = join_path(request.root, name);
    if (!file_exists(path)) throw DatasetError(fmt::format("{}: missing file {}", dataset, path));
    auto file = std::make_shared<RandomAccessFile>(dataset, path);
    if (file->size() == 0 || file->size() % stride != 0) {
      throw DatasetError(fmt::format(
          "{}: {}: {} bytes is not a whole number of {}-byte records ({} label byte(s) + 3072 "
          "pixels): the file is truncated or not a CIFAR batch",
          dataset, path, file->size(), stride, label_bytes));
    }
    FileRecords block;
    block.name = name;
    block.file = file;
    block.stride = stride;
    block.pixel_offset = label_bytes;
    block.count = static_cast<size_t>(file->size() / stride);
    for (size_t i = 0; i < block.count; ++i) {
      uint8_t label_field[2] = {0, 0};
      file->read(i * stride, label_bytes, label_field);
      const int64_t label = label_field[label_bytes - 1];  // the fine label for CIFAR-100
      check_label(dataset, fmt::format("{} record {}", path, i), label, classes.size());
      labels.push_back(label);
    }
    blocks.push_back(std::move(block));
  }
  PixelFormat pixel_format{32, 32, ImageMode::kRGB, PixelLayout::kPlanar};
  return std::make_unique<PixelRecordDataset>(request.root, pixel_format, classes,
                                              std::move(labels), std::vector<MemoryRecords>{},
                                              std::move(blocks));
}

}  // namespace

std::unique_ptr<Dataset> open_cifar10_binary(const OpenRequest& request) {
  std::vector<std::string> files;
  if (request.split == "train") {
    for (int i = 1; i <= 5; ++i) files.push_back(fmt::format("data_batch_{}.bin", i));
  } else {
    files.push_back("test_batch.bin");
  }
  return open_cifar_binary(request, "cifar10-binary", files, "batches.meta.txt", 1);
}

std::unique_ptr<Dataset> open_cifar100_binary(const OpenRequest& request) {
  return open_cifar_binary(request, "cifar100-binary",
                           {request.split == "train" ? "train.bin" : "test.bin"},
                           "fine_label_names.txt", 2);
}

}  // namespace clipbench::datasets
