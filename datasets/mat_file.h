// Reading MATLAB .mat variables (v5 and v7.3 through matio): numeric vectors, cell arrays of
// strings and fields of struct arrays, with errors that name the dataset, file and variable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipbench::datasets {

// An open .mat file (read only). Not thread-safe; adapters read everything at open time.
class MatFile {
 public:
  // Throws DatasetError "<dataset>: <path> does not exist / is not a MATLAB file".
  MatFile(std::string dataset, std::string path);
  ~MatFile();
  MatFile(const MatFile&) = delete;
  MatFile& operator=(const MatFile&) = delete;

  // All elements of a numeric variable (any class, any shape, column-major order) as int64;
  // throws when the variable is missing, not numeric or holds a non-integer value.
  std::vector<int64_t> integers(const std::string& variable) const;
  // A cell array of char arrays (e.g. cars_meta.mat `class_names`), in element order.
  std::vector<std::string> strings(const std::string& variable) const;

  // Fields of a struct array variable (e.g. cars_train_annos.mat `annotations`).
  struct StructArray {
    std::vector<std::string> text(const std::string& field) const;  // char fields
    std::vector<int64_t> integers(const std::string& field) const;  // numeric scalars
    size_t size() const { return count; }
    const MatFile* file = nullptr;
    std::shared_ptr<void> var;  // the matvar_t
    std::string name;
    size_t count = 0;
  };
  StructArray struct_array(const std::string& variable) const;

  const std::string& path() const { return path_; }
  const std::string& dataset() const { return dataset_; }

 private:
  std::shared_ptr<void> read(const std::string& variable) const;
  std::string dataset_;
  std::string path_;
  void* mat_ = nullptr;  // mat_t
};

}  // namespace clipbench::datasets
