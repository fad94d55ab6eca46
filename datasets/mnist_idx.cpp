// MNIST idx files (gzipped or not) as a split of mode L images with labels.
#include "datasets/mnist_idx.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "datasets/binary_files.h"
#include "datasets/pixel_records.h"

namespace clipbench::datasets {
namespace {

uint32_t big_endian_u32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

// The path of `base` or `base.gz` in root (the uncompressed one first).
std::string find_idx_file(const std::string& dataset, const std::string& root,
                          const std::string& base) {
  const std::string plain = join_path(root, base);
  if (file_exists(plain)) return plain;
  const std::string gz = plain + ".gz";
  if (file_exists(gz)) return gz;
  throw DatasetError(
      fmt::format("{}: missing idx file: neither {} nor {} exists", dataset, plain, gz));
}

// Checks the idx header of `bytes` (magic, dims) and the exact length; returns the dims.
std::vector<uint32_t> check_idx(const std::string& dataset, const std::string& path,
                                const std::vector<uint8_t>& bytes, uint32_t expected_magic) {
  const uint32_t dims = expected_magic & 0xff;
  const size_t header = 4 + 4 * dims;
  const uint32_t magic = bytes.size() >= 4 ? big_endian_u32(bytes, 0) : 0;
  if (magic != expected_magic) {
    throw DatasetError(fmt::format(
        "{}: {}: idx magic number is 0x{:08x}, expected 0x{:08x} (unsigned bytes, {} dims)",
        dataset, path, magic, expected_magic, dims));
  }
  if (bytes.size() < header) {
    throw DatasetError(fmt::format("{}: {}: truncated idx header ({} bytes, expected at least {})",
                                   dataset, path, bytes.size(), header));
  }
  std::vector<uint32_t> shape;
  uint64_t payload = 1;
  for (uint32_t d = 0; d < dims; ++d) {
    shape.push_back(big_endian_u32(bytes, 4 + 4 * d));
    payload *= shape.back();
  }
  if (bytes.size() != header + payload) {
    throw DatasetError(fmt::format(
        "{}: {}: {} bytes, expected {} ({} header + {} for dims {}): the file is {}", dataset, path,
        bytes.size(), header + payload, header, payload, fmt::join(shape, "x"),
        bytes.size() < header + payload ? "truncated" : "longer than its header says"));
  }
  return shape;
}

}  // namespace

std::unique_ptr<Dataset> open_mnist_idx(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "mnist-idx" : request.dataset;
  const std::string prefix = request.split == "train" ? "train" : "t10k";
  const std::string images_path =
      find_idx_file(dataset, request.root, prefix + "-images-idx3-ubyte");
  const std::string labels_path =
      find_idx_file(dataset, request.root, prefix + "-labels-idx1-ubyte");

  auto images = std::make_shared<std::vector<uint8_t>>(read_maybe_gzip(dataset, images_path));
  const std::vector<uint32_t> image_dims = check_idx(dataset, images_path, *images, 0x00000803);
  const std::vector<uint8_t> label_bytes = read_maybe_gzip(dataset, labels_path);
  const std::vector<uint32_t> label_dims = check_idx(dataset, labels_path, label_bytes, 0x00000801);
  if (image_dims[0] != label_dims[0]) {
    throw DatasetError(fmt::format("{}: {} has {} images but {} has {} labels", dataset,
                                   images_path, image_dims[0], labels_path, label_dims[0]));
  }
  if (image_dims[1] == 0 || image_dims[2] == 0) {
    throw DatasetError(fmt::format("{}: {}: images are {}x{}, expected a non-empty size", dataset,
                                   images_path, image_dims[1], image_dims[2]));
  }

  std::vector<int64_t> labels(label_bytes.begin() + 8, label_bytes.end());
  const int64_t max_label = labels.empty() ? -1 : *std::max_element(labels.begin(), labels.end());
  const std::vector<std::string> classes =
      choose_class_names(dataset, {}, "", request.class_names, max_label + 1);
  for (size_t i = 0; i < labels.size(); ++i) {
    check_label(dataset, fmt::format("{} [{}]", labels_path, i), labels[i], classes.size());
  }

  PixelFormat format;
  format.height = image_dims[1];
  format.width = image_dims[2];
  format.mode = ImageMode::kL;
  format.layout = PixelLayout::kInterleaved;
  MemoryRecords records;
  records.name = std::filesystem::path(images_path).filename().string();
  records.owner = images;
  records.data = images->data() + 16;
  records.count = image_dims[0];
  return std::make_unique<PixelRecordDataset>(images_path, format, classes, std::move(labels),
                                              std::vector<MemoryRecords>{records},
                                              std::vector<FileRecords>{});
}

}  // namespace clipbench::datasets
