// PatchCamelyon (HDF5): labels read at open, image rows read lazily with hyperslabs.
#include "datasets/pcam.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <array>
#include <filesystem>
#include <mutex>

#include "datasets/special_support.h"

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;

// Guards every HDF5 call (the library is not built thread-safe by default).
std::mutex& hdf5_mutex() {
  static std::mutex m;
  return m;
}

// An hid_t closed by the given function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// One HDF5 file and its named dataset; checks the dtype is 8-bit unsigned and returns the dims.
struct H5Array {
  Handle file;
  Handle data;
  std::vector<hsize_t> dims;
};

H5Array open_array(const std::string& ds, const fs::path& path, const std::string& name) {
  special::require_path(ds, path, fmt::format("an HDF5 file with the dataset \"{}\"", name));
  H5Array a;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as DatasetError
  a.file = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!a.file.ok()) {
    throw DatasetError(fmt::format("{}: {} cannot be opened as an HDF5 file", ds, path.string()));
  }
  a.data = Handle(H5Dopen2(a.file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!a.data.ok()) {
    throw DatasetError(fmt::format("{}: {} has no dataset \"{}\"", ds, path.string(), name));
  }
  Handle type(H5Dget_type(a.data.get()), H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 1) {
    throw DatasetError(fmt::format("{}: {}: dataset \"{}\" is not 8-bit integers (expected uint8)",
                                   ds, path.string(), name));
  }
  Handle space(H5Dget_space(a.data.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank <= 0) {
    throw DatasetError(fmt::format("{}: {}: dataset \"{}\" has no shape", ds, path.string(), name));
  }
  a.dims.resize(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), a.dims.data(), nullptr);
  return a;
}

class PcamDataset : public Dataset {
 public:
  PcamDataset(std::string ds, fs::path x_path, H5Array x, std::vector<uint8_t> labels,
              std::vector<std::string> classes)
      : ds_(std::move(ds)),
        x_path_(std::move(x_path)),
        x_(std::move(x)),
        labels_(std::move(labels)),
        classes_(std::move(classes)) {}
  ~PcamDataset() override {
    std::lock_guard<std::mutex> lock(hdf5_mutex());
    x_.data.reset();
    x_.file.reset();
  }

  size_t size() const override { return labels_.size(); }
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return x_path_.string(); }

  Sample get(size_t index) const override {
    if (index >= labels_.size()) {
      throw DatasetError(fmt::format("{}: sample index {} is out of range (the split has {})", ds_,
                                     index, labels_.size()));
    }
    const hsize_t h = x_.dims[1], w = x_.dims[2], c = x_.dims[3];
    Image image = Image::blank(static_cast<int64_t>(w), static_cast<int64_t>(h), ImageMode::kRGB);
    {
      std::lock_guard<std::mutex> lock(hdf5_mutex());
      const std::array<hsize_t, 4> start = {index, 0, 0, 0};
      const std::array<hsize_t, 4> count = {1, h, w, c};
      Handle file_space(H5Dget_space(x_.data.get()), H5Sclose);
      Handle mem_space(H5Screate_simple(4, count.data(), nullptr), H5Sclose);
      if (!file_space.ok() || !mem_space.ok() ||
          H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr) < 0 ||
          H5Dread(x_.data.get(), H5T_NATIVE_UINT8, mem_space.get(), file_space.get(), H5P_DEFAULT,
                  image.data.data()) < 0) {
        throw DatasetError(fmt::format("{}: {}: cannot read row {} of dataset \"x\"", ds_,
                                       x_path_.string(), index));
      }
    }
    Sample s;
    s.name = fmt::format("{}[{}]", x_path_.string(), index);
    s.pixels = std::move(image);
    s.label = labels_[index];
    return s;
  }

 private:
  std::string ds_;
  fs::path x_path_;
  H5Array x_;
  std::vector<uint8_t> labels_;
  std::vector<std::string> classes_;
};

}  // namespace

std::unique_ptr<Dataset> open_pcam(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "pcam");
  const fs::path root(request.root);
  special::require_path(ds, root, "the pcam folder");
  std::string file_split;
  if (request.split == "train" || request.split == "test") {
    file_split = request.split;
  } else if (request.split == "val") {
    file_split = "valid";
  } else {
    throw DatasetError(
        fmt::format("{}: unknown split '{}' (expected train, val, test)", ds, request.split));
  }
  std::vector<std::string> classes = request.class_names;
  if (classes.empty()) classes = {"0", "1"};
  special::check_class_count(ds, root.string(), 2, classes);

  const fs::path stem = root / fmt::format("camelyonpatch_level_2_split_{}", file_split);
  const fs::path x_path = stem.string() + "_x.h5";
  const fs::path y_path = stem.string() + "_y.h5";

  std::lock_guard<std::mutex> lock(hdf5_mutex());
  H5Array x = open_array(ds, x_path, "x");
  if (x.dims.size() != 4 || x.dims[3] != 3 || x.dims[1] == 0 || x.dims[2] == 0) {
    throw DatasetError(fmt::format("{}: {}: dataset \"x\" has shape [{}], expected [N, H, W, 3]",
                                   ds, x_path.string(), fmt::join(x.dims, ", ")));
  }
  H5Array y = open_array(ds, y_path, "y");
  hsize_t per_row = 1;
  for (size_t i = 1; i < y.dims.size(); ++i) per_row *= y.dims[i];
  if (per_row != 1) {
    throw DatasetError(fmt::format(
        "{}: {}: dataset \"y\" has shape [{}], expected one label per row ([N, 1, 1, 1])", ds,
        y_path.string(), fmt::join(y.dims, ", ")));
  }
  if (y.dims[0] != x.dims[0]) {
    throw DatasetError(fmt::format("{}: {} has {} labels but {} has {} images", ds, y_path.string(),
                                   y.dims[0], x_path.string(), x.dims[0]));
  }
  std::vector<uint8_t> labels(y.dims[0]);
  if (!labels.empty() &&
      H5Dread(y.data.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()) < 0) {
    throw DatasetError(fmt::format("{}: cannot read dataset \"y\" of {}", ds, y_path.string()));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    special::check_label(ds, y_path.string(), fmt::format("row {}", i), labels[i], 2);
  }
  return std::make_unique<PcamDataset>(ds, x_path, std::move(x), std::move(labels),
                                       std::move(classes));
}

}  // namespace clipbench::datasets
