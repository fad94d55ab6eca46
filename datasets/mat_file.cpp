// Reading MATLAB .mat variables with matio.
#include "datasets/mat_file.h"

#include <fmt/format.h>
#include <matio.h>

#include <cmath>
#include <filesystem>

#include "datasets/format_registry.h"

namespace clipbench::datasets {
namespace {

size_t element_count(const matvar_t* v) {
  size_t n = 1;
  for (int i = 0; i < v->rank; ++i) n *= v->dims[i];
  return n;
}

// A numeric scalar/array element as double; nullopt-like flag when not numeric.
bool numeric_at(const matvar_t* v, size_t i, double* out) {
  if (v->isComplex) return false;
  const void* d = v->data;
  if (!d) return false;
  switch (v->class_type) {
    case MAT_C_DOUBLE:
      *out = static_cast<const double*>(d)[i];
      return true;
    case MAT_C_SINGLE:
      *out = static_cast<const float*>(d)[i];
      return true;
    case MAT_C_INT8:
      *out = static_cast<const int8_t*>(d)[i];
      return true;
    case MAT_C_UINT8:
      *out = static_cast<const uint8_t*>(d)[i];
      return true;
    case MAT_C_INT16:
      *out = static_cast<const int16_t*>(d)[i];
      return true;
    case MAT_C_UINT16:
      *out = static_cast<const uint16_t*>(d)[i];
      return true;
    case MAT_C_INT32:
      *out = static_cast<const int32_t*>(d)[i];
      return true;
    case MAT_C_UINT32:
      *out = static_cast<const uint32_t*>(d)[i];
      return true;
    case MAT_C_INT64:
      *out = static_cast<double>(static_cast<const int64_t*>(d)[i]);
      return true;
    case MAT_C_UINT64:
      *out = static_cast<double>(static_cast<const uint64_t*>(d)[i]);
      return true;
    default:
      return false;
  }
}

std::vector<int64_t> integers_of(const matvar_t* v, const std::string& where) {
  const size_t n = element_count(v);
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    double x = 0;
    if (!numeric_at(v, i, &x)) {
      throw DatasetError(fmt::format("{} is not a real numeric array", where));
    }
    if (x != std::floor(x)) {
      throw DatasetError(fmt::format("{}[{}] = {} is not an integer", where, i, x));
    }
    out[i] = static_cast<int64_t>(x);
  }
  return out;
}

std::string text_of(const matvar_t* v, const std::string& where) {
  if (v->class_type != MAT_C_CHAR) {
    throw DatasetError(fmt::format("{} is not a char array", where));
  }
  const size_t n = element_count(v);
  std::string s;
  if (n == 0 || !v->data) return s;
  if (v->data_size == 1) {
    s.assign(static_cast<const char*>(v->data), n);
  } else if (v->data_size == 2) {
    const auto* u = static_cast<const uint16_t*>(v->data);
    for (size_t i = 0; i < n; ++i) {
      if (u[i] >= 0x80) throw DatasetError(fmt::format("{} holds a non-ASCII character", where));
      s += static_cast<char>(u[i]);
    }
  } else {
    throw DatasetError(fmt::format("{} has an unsupported character width", where));
  }
  return s;
}

}  // namespace

MatFile::MatFile(std::string dataset, std::string path)
    : dataset_(std::move(dataset)), path_(std::move(path)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec)) {
    throw DatasetError(
        fmt::format("{}: {} does not exist (expected a MATLAB .mat file)", dataset_, path_));
  }
  mat_ = Mat_Open(path_.c_str(), MAT_ACC_RDONLY);
  if (!mat_) {
    throw DatasetError(fmt::format("{}: {} cannot be read as a MATLAB .mat file", dataset_, path_));
  }
}

MatFile::~MatFile() {
  if (mat_) Mat_Close(static_cast<mat_t*>(mat_));
}

std::shared_ptr<void> MatFile::read(const std::string& variable) const {
  matvar_t* v = Mat_VarRead(static_cast<mat_t*>(mat_), variable.c_str());
  if (!v) {
    throw DatasetError(fmt::format("{}: {} has no variable '{}'", dataset_, path_, variable));
  }
  return std::shared_ptr<void>(v, [](void* p) { Mat_VarFree(static_cast<matvar_t*>(p)); });
}

std::vector<int64_t> MatFile::integers(const std::string& variable) const {
  const auto v = read(variable);
  return integers_of(static_cast<const matvar_t*>(v.get()),
                     fmt::format("{}: {}: variable '{}'", dataset_, path_, variable));
}

std::vector<std::string> MatFile::strings(const std::string& variable) const {
  const auto holder = read(variable);
  auto* v = static_cast<matvar_t*>(holder.get());
  const std::string where = fmt::format("{}: {}: variable '{}'", dataset_, path_, variable);
  if (v->class_type != MAT_C_CELL) throw DatasetError(where + " is not a cell array");
  const size_t n = element_count(v);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const matvar_t* c = Mat_VarGetCell(v, static_cast<int>(i));
    if (!c) throw DatasetError(fmt::format("{} has no cell {}", where, i));
    out.push_back(text_of(c, fmt::format("{}{{{}}}", where, i)));
  }
  return out;
}

MatFile::StructArray MatFile::struct_array(const std::string& variable) const {
  StructArray a;
  a.file = this;
  a.var = read(variable);
  a.name = variable;
  auto* v = static_cast<matvar_t*>(a.var.get());
  if (v->class_type != MAT_C_STRUCT) {
    throw DatasetError(
        fmt::format("{}: {}: variable '{}' is not a struct array", dataset_, path_, variable));
  }
  a.count = element_count(v);
  return a;
}

namespace {

const matvar_t* field_at(const MatFile::StructArray& a, const std::string& field, size_t i) {
  auto* v = static_cast<matvar_t*>(a.var.get());
  const matvar_t* f = Mat_VarGetStructFieldByName(v, field.c_str(), i);
  if (!f) {
    throw DatasetError(fmt::format("{}: {}: struct array '{}' has no field '{}' (element {})",
                                   a.file->dataset(), a.file->path(), a.name, field, i));
  }
  return f;
}

}  // namespace

std::vector<std::string> MatFile::StructArray::text(const std::string& field) const {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(text_of(
        field_at(*this, field, i),
        fmt::format("{}: {}: {}({}).{}", file->dataset(), file->path(), name, i + 1, field)));
  }
  return out;
}

std::vector<int64_t> MatFile::StructArray::integers(const std::string& field) const {
  std::vector<int64_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const matvar_t* f = field_at(*this, field, i);
    const std::string where =
        fmt::format("{}: {}: {}({}).{}", file->dataset(), file->path(), name, i + 1, field);
    const auto values = integers_of(f, where);
    if (values.size() != 1) {
      throw DatasetError(fmt::format("{} has {} values, expected one", where, values.size()));
    }
    out.push_back(values[0]);
  }
  return out;
}

}  // namespace clipbench::datasets
