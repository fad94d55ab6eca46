// Helpers for the list-format tests: write text files and tiny solid-colour images into a
// miniature dataset layout, read a prompts file's first class names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/image_files.h"

namespace clipbench::test {

// A fresh folder for one test case's layout under the build tree (test_dir(): removed and
// recreated, kept after the run for inspection), named after the test file and line.
class TestFolder {
 public:
  TestFolder(const char* file, int line)
      : root_(test_dir(std::filesystem::path(file).stem().string() + "_" + std::to_string(line))) {}
  std::string file(const std::string& name) const { return root_ + "/" + name; }

 private:
  std::string root_;
};

// Writes `text` to `path`, creating the parent folders.
inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Writes a `width` x `height` JPEG of one colour (creating the parent folders).
inline void write_solid_jpeg(const std::string& path, uint8_t r, uint8_t g, uint8_t b,
                             int width = 8, int height = 6) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  JpegSpec spec;
  spec.width = width;
  spec.height = height;
  spec.quality = 100;
  for (int i = 0; i < width * height; ++i) spec.pixels.insert(spec.pixels.end(), {r, g, b});
  write_jpeg_file(path, spec);
}

// Writes a `width` x `height` RGB PNG of one colour (creating the parent folders).
inline void write_solid_png(const std::string& path, uint8_t r, uint8_t g, uint8_t b,
                            uint32_t width = 8, uint32_t height = 6) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  PngSpec spec;
  spec.width = width;
  spec.height = height;
  std::vector<uint8_t> row;
  for (uint32_t i = 0; i < width; ++i) row.insert(row.end(), {r, g, b});
  spec.rows.assign(height, row);
  write_png_file(path, spec);
}

// The first name of each class of prompts/<id>.json, in order.
inline std::vector<std::string> prompt_class_names(const std::string& id) {
  std::ifstream in(std::string(CLIPBENCH_SOURCE_DIR) + "/prompts/" + id + ".json");
  if (!in) throw std::runtime_error("cannot open prompts/" + id + ".json");
  const auto j = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& c : j.at("classes")) names.push_back(c.at(0).get<std::string>());
  return names;
}

// Pixel (x, y) channel c of an 8-bit image's data, as an int.
template <class ImageT>
int pixel(const ImageT& image, int64_t x, int64_t y, int c) {
  return image.data[static_cast<size_t>((y * image.width + x) * image.channels() + c)];
}

}  // namespace clipbench::test
