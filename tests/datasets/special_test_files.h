// Writers for the special-format dataset tests: solid-colour images, MATLAB .mat variables
// (matio) and the checks every adapter test repeats.
#pragma once

#include <matio.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "tests/support/image_files.h"

namespace clipbench::test {

// A fresh folder for one test case under the build tree (tests/support/test_dir; kept after the
// run for inspection), named after the test file and line. temp_dir.h cannot be included next to
// image_files.h (both define read_bytes).
class Folder {
 public:
  Folder(const char* file, int line)
      : root_(test_dir(std::filesystem::path(file).stem().string() + "_" + std::to_string(line))) {}
  std::string path() const { return root_; }
  std::string file(const std::string& name) const { return root_ + "/" + name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(file(name), std::ios::binary);
    out << text;
  }

 private:
  std::string root_;
};

// A w x h JPEG (RGB) or PNG filled with one colour; creates the parent folders.
inline void write_solid_image(const std::string& path, int w, int h, uint8_t r, uint8_t g,
                              uint8_t b) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".png") {
    PngSpec s;
    s.width = static_cast<uint32_t>(w);
    s.height = static_cast<uint32_t>(h);
    for (int y = 0; y < h; ++y) {
      std::vector<uint8_t> row;
      for (int x = 0; x < w; ++x) row.insert(row.end(), {r, g, b});
      s.rows.push_back(row);
    }
    write_png_file(path, s);
  } else {
    JpegSpec s;
    s.width = w;
    s.height = h;
    for (int i = 0; i < w * h; ++i) s.pixels.insert(s.pixels.end(), {r, g, b});
    write_jpeg_file(path, s);
  }
}

// The first pixel of an RGB image is within `tol` of (r, g, b) (JPEG is lossy).
inline bool pixel_near(const Image& image, uint8_t r, uint8_t g, uint8_t b, int tol = 6) {
  if (image.mode != ImageMode::kRGB || image.data.size() < 3) return false;
  return std::abs(image.data[0] - r) <= tol && std::abs(image.data[1] - g) <= tol &&
         std::abs(image.data[2] - b) <= tol;
}

// A MATLAB v5 file written with matio; variables are added one by one.
class MatWriter {
 public:
  explicit MatWriter(const std::string& path) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    mat_ = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
    if (!mat_) throw std::runtime_error("cannot create " + path);
  }
  ~MatWriter() { Mat_Close(mat_); }
  MatWriter(const MatWriter&) = delete;
  MatWriter& operator=(const MatWriter&) = delete;

  // A 1 x n double row vector (as MATLAB saves plain numbers).
  void doubles(const std::string& name, std::vector<double> values) {
    size_t dims[2] = {1, values.size()};
    write(Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, values.data(), 0));
  }
  // A 1 x n uint16 row vector.
  void uint16s(const std::string& name, std::vector<uint16_t> values) {
    size_t dims[2] = {1, values.size()};
    write(Mat_VarCreate(name.c_str(), MAT_C_UINT16, MAT_T_UINT16, 2, dims, values.data(), 0));
  }
  // A 1 x n cell array of char row vectors.
  void cell_strings(const std::string& name, const std::vector<std::string>& values) {
    size_t dims[2] = {1, values.size()};
    matvar_t* cell = Mat_VarCreate(name.c_str(), MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0);
    for (size_t i = 0; i < values.size(); ++i) {
      Mat_VarSetCell(cell, static_cast<int>(i), text(values[i]));
    }
    write(cell);
  }
  // A 1 x n struct array; fields[f] is the field name, text_fields / uint8_fields give per-element
  // values (each vector of length n).
  void struct_array(const std::string& name,
                    const std::vector<std::pair<std::string, std::vector<std::string>>>& texts,
                    const std::vector<std::pair<std::string, std::vector<uint8_t>>>& uint8s) {
    std::vector<const char*> fields;
    for (const auto& t : texts) fields.push_back(t.first.c_str());
    for (const auto& u : uint8s) fields.push_back(u.first.c_str());
    const size_t n = !texts.empty() ? texts[0].second.size() : uint8s[0].second.size();
    size_t dims[2] = {1, n};
    matvar_t* s = Mat_VarCreateStruct(name.c_str(), 2, dims, fields.data(),
                                      static_cast<unsigned>(fields.size()));
    for (size_t i = 0; i < n; ++i) {
      for (const auto& t : texts)
        Mat_VarSetStructFieldByName(s, t.first.c_str(), i, text(t.second[i]));
      for (const auto& u : uint8s) {
        size_t one[2] = {1, 1};
        uint8_t v = u.second[i];
        Mat_VarSetStructFieldByName(
            s, u.first.c_str(), i, Mat_VarCreate(nullptr, MAT_C_UINT8, MAT_T_UINT8, 2, one, &v, 0));
      }
    }
    write(s);
  }

 private:
  static matvar_t* text(const std::string& s) {
    size_t dims[2] = {1, s.size()};
    return Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UINT8, 2, dims, const_cast<char*>(s.data()), 0);
  }
  void write(matvar_t* v) {
    if (!v || Mat_VarWrite(mat_, v, MAT_COMPRESSION_NONE) != 0) {
      throw std::runtime_error("matio could not write a variable");
    }
    Mat_VarFree(v);
  }
  mat_t* mat_ = nullptr;
};

}  // namespace clipbench::test
