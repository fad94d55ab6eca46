// STL-10 binary: labels read at open, column-major 96x96x3 records read with pread in get().
#include "datasets/stl10_binary.h"

#include <fmt/format.h>

#include "datasets/binary_files.h"
#include "datasets/pixel_records.h"

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_stl10_binary(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "stl10-binary" : request.dataset;
  const std::string names_path = join_path(request.root, "class_names.txt");
  if (!file_exists(names_path)) {
    throw DatasetError(fmt::format("{}: missing class names file {}", dataset, names_path));
  }
  const std::vector<std::string> classes = choose_class_names(
      dataset, read_text_lines(dataset, names_path), names_path, request.class_names, 0);

  const std::string x_name = request.split + "_X.bin";
  const std::string x_path = join_path(request.root, x_name);
  const std::string y_path = join_path(request.root, request.split + "_y.bin");
  for (const std::string& p : {x_path, y_path}) {
    if (!file_exists(p)) throw DatasetError(fmt::format("{}: missing file {}", dataset, p));
  }
  PixelFormat format{96, 96, ImageMode::kRGB, PixelLayout::kPlanarColumnMajor};
  const uint64_t record = format.record_bytes();
  auto x = std::make_shared<RandomAccessFile>(dataset, x_path);
  if (x->size() % record != 0) {
    throw DatasetError(fmt::format(
        "{}: {}: {} bytes is not a whole number of {}-byte images (3 x 96 x 96): the file is "
        "truncated",
        dataset, x_path, x->size(), record));
  }
  const std::vector<uint8_t> y = read_whole_file(dataset, y_path);
  if (y.size() != x->size() / record) {
    throw DatasetError(fmt::format("{}: {} has {} images but {} has {} labels", dataset, x_path,
                                   x->size() / record, y_path, y.size()));
  }
  std::vector<int64_t> labels;
  labels.reserve(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    // Labels are 1-based on disk: check the stored value against 1..classes.
    check_label(dataset, fmt::format("{} [{}] (1-based value {})", y_path, i, y[i]),
                int64_t{y[i]} - 1, classes.size());
    labels.push_back(int64_t{y[i]} - 1);
  }
  FileRecords block;
  block.name = x_name;
  block.file = x;
  block.stride = record;
  block.count = y.size();
  return std::make_unique<PixelRecordDataset>(request.root, format, classes, std::move(labels),
                                              std::vector<MemoryRecords>{},
                                              std::vector<FileRecords>{block});
}

}  // namespace clipbench::datasets
