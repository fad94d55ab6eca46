// ImageNet (ILSVRC2012) in the layouts torchvision and the original archives produce.
#include "datasets/imagenet.h"

#include <fmt/format.h>
#include <matio.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

struct MatFileCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct MatVarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};

size_t element_count(const matvar_t* v) {
  size_t n = 1;
  for (int i = 0; i < v->rank; ++i) n *= v->dims[i];
  return n;
}

// A field of element `index` of `synsets`, checked to be present.
const matvar_t* field(const std::string& dataset, const std::string& file, matvar_t* synsets,
                      const char* name, size_t index) {
  const matvar_t* f = Mat_VarGetStructFieldByName(synsets, name, index);
  if (f == nullptr || f->data == nullptr) {
    throw DatasetError(
        fmt::format("{}: {}: synsets({}) has no field {} (expected the devkit's "
                    "ILSVRC2012_ID, WNID and num_children)",
                    dataset, file, index + 1, name));
  }
  return f;
}

double scalar(const std::string& dataset, const std::string& file, const matvar_t* v,
              const char* name, size_t index) {
  if (element_count(v) != 1) {
    throw DatasetError(
        fmt::format("{}: {}: synsets({}).{} is not a scalar", dataset, file, index + 1, name));
  }
  switch (v->class_type) {
    case MAT_C_DOUBLE:
      return *static_cast<const double*>(v->data);
    case MAT_C_SINGLE:
      return *static_cast<const float*>(v->data);
    case MAT_C_INT8:
      return *static_cast<const int8_t*>(v->data);
    case MAT_C_UINT8:
      return *static_cast<const uint8_t*>(v->data);
    case MAT_C_INT16:
      return *static_cast<const int16_t*>(v->data);
    case MAT_C_UINT16:
      return *static_cast<const uint16_t*>(v->data);
    case MAT_C_INT32:
      return *static_cast<const int32_t*>(v->data);
    case MAT_C_UINT32:
      return *static_cast<const uint32_t*>(v->data);
    case MAT_C_INT64:
      return static_cast<double>(*static_cast<const int64_t*>(v->data));
    case MAT_C_UINT64:
      return static_cast<double>(*static_cast<const uint64_t*>(v->data));
    default:
      throw DatasetError(
          fmt::format("{}: {}: synsets({}).{} is not numeric", dataset, file, index + 1, name));
  }
}

std::string text(const std::string& dataset, const std::string& file, const matvar_t* v,
                 const char* name, size_t index) {
  if (v->class_type != MAT_C_CHAR) {
    throw DatasetError(
        fmt::format("{}: {}: synsets({}).{} is not a string", dataset, file, index + 1, name));
  }
  const size_t n = element_count(v);
  std::string s;
  if (v->data_size == 1) {
    s.assign(static_cast<const char*>(v->data), n);
  } else if (v->data_size == 2) {  // UTF-16 code units: wnids are ASCII
    const auto* u = static_cast<const uint16_t*>(v->data);
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(u[i]));
  } else {
    throw DatasetError(fmt::format("{}: {}: synsets({}).{} has {}-byte characters", dataset, file,
                                   index + 1, name, v->data_size));
  }
  return s;
}

// ILSVRC2012_ID -> wnid of the leaf synsets of the devkit's meta.mat.
std::map<int64_t, std::string> read_leaf_synsets(const std::string& dataset,
                                                 const std::string& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw DatasetError(
        fmt::format("{}: {} does not exist (expected the ILSVRC2012 devkit's "
                    "meta.mat with the `synsets` struct array)",
                    dataset, file));
  }
  std::unique_ptr<mat_t, MatFileCloser> mat(Mat_Open(file.c_str(), MAT_ACC_RDONLY));
  if (!mat) throw DatasetError(fmt::format("{}: {} is not a readable MAT file", dataset, file));
  std::unique_ptr<matvar_t, MatVarFreer> synsets(Mat_VarRead(mat.get(), "synsets"));
  if (!synsets || synsets->class_type != MAT_C_STRUCT) {
    throw DatasetError(fmt::format(
        "{}: {} has no struct array `synsets` (expected the ILSVRC2012 devkit's)", dataset, file));
  }
  std::map<int64_t, std::string> leaves;
  const size_t n = element_count(synsets.get());
  for (size_t i = 0; i < n; ++i) {
    const double children = scalar(
        dataset, file, field(dataset, file, synsets.get(), "num_children", i), "num_children", i);
    if (children != 0) continue;
    const double id = scalar(dataset, file, field(dataset, file, synsets.get(), "ILSVRC2012_ID", i),
                             "ILSVRC2012_ID", i);
    const std::string wnid =
        text(dataset, file, field(dataset, file, synsets.get(), "WNID", i), "WNID", i);
    if (!leaves.emplace(static_cast<int64_t>(id), wnid).second) {
      throw DatasetError(fmt::format("{}: {}: ILSVRC2012_ID {} occurs twice", dataset, file,
                                     static_cast<int64_t>(id)));
    }
  }
  if (leaves.empty()) {
    throw DatasetError(
        fmt::format("{}: {}: `synsets` has no leaf synset (num_children == 0)", dataset, file));
  }
  return leaves;
}

bool has_subfolder(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) && entry.path().filename().string()[0] != '.') return true;
  }
  return false;
}

std::unique_ptr<Dataset> open_flat_val(const OpenRequest& request, const std::string& name,
                                       const std::string& val_dir) {
  const fs::path data = fs::path(request.root) / "ILSVRC2012_devkit_t12" / "data";
  const auto leaves = read_leaf_synsets(name, (data / "meta.mat").string());
  std::vector<std::string> classes;
  for (const auto& [id, wnid] : leaves) classes.push_back(wnid);
  std::sort(classes.begin(), classes.end());
  if (std::adjacent_find(classes.begin(), classes.end()) != classes.end()) {
    throw DatasetError(
        fmt::format("{}: {}: two leaf synsets share a WNID", name, (data / "meta.mat").string()));
  }
  check_class_count(request, "imagenet", classes, (data / "meta.mat").string());
  std::map<int64_t, int64_t> label_of_id;
  for (const auto& [id, wnid] : leaves) {
    label_of_id[id] = std::lower_bound(classes.begin(), classes.end(), wnid) - classes.begin();
  }
  const std::string truth = (data / "ILSVRC2012_validation_ground_truth.txt").string();
  std::vector<LabelledFile> files;
  size_t index = 0;
  for (const auto& line : read_text_lines(name, truth, "one ILSVRC2012_ID a line")) {
    ++index;
    if (line.number != index) {
      throw DatasetError(fmt::format("{}: {}:{} is empty (expected one ILSVRC2012_ID a line)", name,
                                     truth, index));
    }
    const std::string image = fmt::format("ILSVRC2012_val_{:08d}.JPEG", index);
    const std::string origin =
        fmt::format("{}:{} entry '{}' (for {})", truth, line.number, line.text, image);
    size_t used = 0;
    int64_t id = 0;
    try {
      id = std::stoll(line.text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != line.text.size()) {
      throw DatasetError(fmt::format("{}: {}: expected an integer ILSVRC2012_ID", name, origin));
    }
    const auto it = label_of_id.find(id);
    if (it == label_of_id.end()) {
      throw DatasetError(fmt::format(
          "{}: {}: ILSVRC2012_ID {} is not a leaf synset of meta.mat (expected one of {}..{})",
          name, origin, id, leaves.begin()->first, leaves.rbegin()->first));
    }
    files.push_back({(fs::path(val_dir) / image).string(), it->second, origin});
  }
  return std::make_unique<LabelledFiles>(name, truth, std::move(classes), std::move(files));
}

}  // namespace

std::unique_ptr<Dataset> open_imagenet(const OpenRequest& request) {
  const std::string name = dataset_name(request, "imagenet");
  require_directory(name, request.root, "the ImageNet folder");
  const std::string dir = (fs::path(request.root) / request.split).string();
  require_directory(name, dir, "the split folder");
  if (request.split == "val" && !has_subfolder(dir)) return open_flat_val(request, name, dir);
  std::vector<std::string> classes = sorted_subfolders(name, dir);
  check_class_count(request, "imagenet", classes, dir);
  auto files = class_folder_files(name, dir, classes);
  return std::make_unique<LabelledFiles>(name, dir, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
