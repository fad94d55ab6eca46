// CIFAR-10 / CIFAR-100 python pickles parsed at open; pixels kept in memory.
#include "datasets/cifar_python.h"

#include <fmt/format.h>

#include "datasets/binary_files.h"
#include "datasets/pixel_records.h"
#include "datasets/python_pickle.h"

namespace clipbench::datasets {
namespace {

pickle::ValuePtr load_pickle(const std::string& dataset, const std::string& path) {
  if (!file_exists(path)) throw DatasetError(fmt::format("{}: missing file {}", dataset, path));
  const std::vector<uint8_t> bytes = read_whole_file(dataset, path);
  pickle::ValuePtr root = pickle::parse(bytes.data(), bytes.size(), dataset + ": " + path);
  if (root->kind != pickle::Value::Kind::kDict) {
    throw DatasetError(fmt::format("{}: {}: expected a pickled dict", dataset, path));
  }
  return root;
}

const pickle::Value& require_key(const std::string& dataset, const std::string& path,
                                 const pickle::Value& dict, const std::string& key) {
  const pickle::Value* v = pickle::dict_get(dict, key);
  if (!v) throw DatasetError(fmt::format("{}: {}: the dict has no key '{}'", dataset, path, key));
  return *v;
}

std::unique_ptr<Dataset> open_cifar_python(const OpenRequest& request, const std::string& format,
                                           const std::vector<std::string>& files,
                                           const std::string& meta_file,
                                           const std::string& names_key,
                                           const std::string& labels_key) {
  const std::string dataset = request.dataset.empty() ? format : request.dataset;
  const std::string meta_path = join_path(request.root, meta_file);
  const pickle::ValuePtr meta = load_pickle(dataset, meta_path);
  const std::vector<std::string> classes = choose_class_names(
      dataset,
      pickle::as_string_list(require_key(dataset, meta_path, *meta, names_key),
                             fmt::format("{}: {} key '{}'", dataset, meta_path, names_key)),
      meta_path + " '" + names_key + "'", request.class_names, 0);

  std::vector<MemoryRecords> blocks;
  std::vector<int64_t> labels;
  for (const std::string& name : files) {
    const std::string path = join_path(request.root, name);
    const pickle::ValuePtr batch = load_pickle(dataset, path);
    const std::string data_where = fmt::format("{}: {} key 'data'", dataset, path);
    const pickle::Uint8Array data =
        pickle::as_uint8_array(require_key(dataset, path, *batch, "data"), data_where);
    if (data.shape.size() != 2 || data.shape[1] != 3072) {
      throw DatasetError(fmt::format("{}: the array is ({}), expected (N, 3072)", data_where,
                                     fmt::join(data.shape, ", ")));
    }
    const std::vector<int64_t> batch_labels =
        pickle::as_int_list(require_key(dataset, path, *batch, labels_key),
                            fmt::format("{}: {} key '{}'", dataset, path, labels_key));
    if (static_cast<int64_t>(batch_labels.size()) != data.shape[0]) {
      throw DatasetError(fmt::format("{}: {}: {} images in 'data' but {} entries in '{}'", dataset,
                                     path, data.shape[0], batch_labels.size(), labels_key));
    }
    for (size_t i = 0; i < batch_labels.size(); ++i) {
      check_label(dataset, fmt::format("{} '{}'[{}]", path, labels_key, i), batch_labels[i],
                  classes.size());
    }
    labels.insert(labels.end(), batch_labels.begin(), batch_labels.end());
    MemoryRecords block;
    block.name = name;
    block.owner = batch;
    block.data = reinterpret_cast<const uint8_t*>(data.data->data());
    block.count = static_cast<size_t>(data.shape[0]);
    blocks.push_back(std::move(block));
  }
  PixelFormat pixel_format{32, 32, ImageMode::kRGB, PixelLayout::kPlanar};
  return std::make_unique<PixelRecordDataset>(request.root, pixel_format, classes,
                                              std::move(labels), std::move(blocks),
                                              std::vector<FileRecords>{});
}

}  // namespace

std::unique_ptr<Dataset> open_cifar10_python(const OpenRequest& request) {
  std::vector<std::string> files;
  if (request.split == "train") {
    for (int i = 1; i <= 5; ++i) files.push_back(fmt::format("data_batch_{}", i));
  } else {
    files.push_back("test_batch");
  }
  return open_cifar_python(request, "cifar10-python", files, "batches.meta", "label_names",
                           "labels");
}

std::unique_ptr<Dataset> open_cifar100_python(const OpenRequest& request) {
  return open_cifar_python(request, "cifar100-python",
                           {request.split == "train" ? "train" : "test"}, "meta",
                           "fine_label_names", "fine_labels");
}

}  // namespace clipbench::datasets
