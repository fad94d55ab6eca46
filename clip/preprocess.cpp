// CLIP's reference preprocessing: geometry, Pillow-exact resize and crop, RGB conversion,
// normalization.
#include "clip/preprocess.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <stdexcept>

#include "clip/image_convert.h"
#include "clip/pillow_resize.h"

namespace clipbench {

Normalization Normalization::clip() {
  return {{0.48145466f, 0.4578275f, 0.40821073f}, {0.26862954f, 0.26130258f, 0.27577711f}};
}

Normalization Normalization::imagenet() {
  return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
}

ImagePreprocess ImagePreprocess::clip(int64_t n, const Normalization& norm) {
  ImagePreprocess p;
  p.size = n;
  p.normalization = norm;
  return p;
}

bool ImagePreprocess::is_clip() const { return *this == clip(size); }

bool ImagePreprocess::operator==(const ImagePreprocess& o) const {
  return size == o.size && normalization.mean == o.normalization.mean &&
         normalization.std == o.normalization.std && interpolation == o.interpolation &&
         resize_mode == o.resize_mode;
}

std::string interpolation_name(ResampleFilter f) {
  return f == ResampleFilter::kBilinear ? "bilinear" : "bicubic";
}

std::string resize_mode_name(ResizeMode m) {
  return m == ResizeMode::kSquash ? "squash" : "shortest";
}

std::string ImagePreprocess::describe() const {
  return fmt::format("{} {} {}, mean [{}], std [{}]", interpolation_name(interpolation),
                     resize_mode_name(resize_mode), size, fmt::join(normalization.mean, ", "),
                     fmt::join(normalization.std, ", "));
}

std::string ImagePreprocess::key() const {
  if (is_clip()) return fmt::format("clip-bicubic-{}", size);
  return fmt::format("{}-{}-{}-mean-{}-std-{}", interpolation_name(interpolation),
                     resize_mode_name(resize_mode), size, fmt::join(normalization.mean, ","),
                     fmt::join(normalization.std, ","));
}

namespace {

// Python's int(round(d / 2)) for an integer d >= 0: halves go to the even neighbour.
int64_t half_round_even(int64_t d) {
  const int64_t q = d / 2;
  if (d % 2 == 0) return q;
  return q % 2 == 0 ? q : q + 1;
}

}  // namespace

ResizeCropGeometry reference_geometry(int64_t width, int64_t height, int64_t n) {
  if (n <= 0 || width <= 0 || height <= 0) {
    throw std::invalid_argument("reference_geometry: sizes must be positive");
  }
  ResizeCropGeometry g;
  const bool width_shorter = width <= height;
  const int64_t shorter = width_shorter ? width : height;
  const int64_t longer = width_shorter ? height : width;
  // int(n * long / short): Python's true division (correctly rounded double), then truncation.
  const auto new_long =
      static_cast<int64_t>(static_cast<double>(n * longer) / static_cast<double>(shorter));
  g.resized_width = width_shorter ? n : new_long;
  g.resized_height = width_shorter ? new_long : n;
  g.crop_left = half_round_even(g.resized_width - n);
  g.crop_top = half_round_even(g.resized_height - n);
  return g;
}

ResizeCropGeometry resize_geometry(int64_t width, int64_t height, const ImagePreprocess& p) {
  if (p.resize_mode == ResizeMode::kShortest) return reference_geometry(width, height, p.size);
  if (p.size <= 0 || width <= 0 || height <= 0)
    throw std::invalid_argument("resize_geometry: sizes must be positive");
  ResizeCropGeometry g;
  g.resized_width = g.resized_height = p.size;
  return g;
}

Image resize_for_model(const Image& image, const ImagePreprocess& p) {
  const auto g = resize_geometry(image.width, image.height, p);
  return convert_to_rgb(pillow_resize_crop(image, g.resized_width, g.resized_height, g.crop_left,
                                           g.crop_top, p.size, p.size, p.interpolation));
}

Image resize_and_crop(const Image& image, int64_t n) {
  const auto g = reference_geometry(image.width, image.height, n);
  return pillow_resize_crop(image, g.resized_width, g.resized_height, g.crop_left, g.crop_top, n,
                            n);
}

Image resize_and_crop_rgb(const Image& image, int64_t n) {
  return convert_to_rgb(resize_and_crop(image, n));
}

namespace {

void write_normalized(const Image& rgb, const Normalization& norm, float* out) {
  if (rgb.mode != ImageMode::kRGB) throw std::invalid_argument("to_normalized_tensor: needs RGB");
  const std::array<float, 3 * 256> lut = normalization_lut(norm);
  const int64_t plane = rgb.width * rgb.height;
  const uint8_t* s = rgb.data.data();
  for (int64_t i = 0; i < plane; ++i) {
    out[i] = lut[s[3 * i]];
    out[plane + i] = lut[256 + s[3 * i + 1]];
    out[2 * plane + i] = lut[512 + s[3 * i + 2]];
  }
}

}  // namespace

std::array<float, 3 * 256> normalization_lut(const Normalization& norm) {
  std::array<float, 3 * 256> lut;
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      const float scaled = static_cast<float>(v) / 255.0f;       // ToTensor
      lut[c * 256 + v] = (scaled - norm.mean[c]) / norm.std[c];  // Normalize
    }
  }
  return lut;
}

at::Tensor to_normalized_tensor(const Image& rgb, const Normalization& norm) {
  at::Tensor t = torch::empty({3, rgb.height, rgb.width}, torch::kFloat32);
  write_normalized(rgb, norm, t.data_ptr<float>());
  return t;
}

at::Tensor preprocess_image(const Image& image, const ImagePreprocess& p) {
  return to_normalized_tensor(resize_for_model(image, p), p.normalization);
}

void preprocess_image_into(const Image& image, const ImagePreprocess& p, float* out) {
  write_normalized(resize_for_model(image, p), p.normalization, out);
}

at::Tensor preprocess_batch(const std::vector<Image>& images, const ImagePreprocess& p) {
  const int64_t n = p.size;
  at::Tensor batch = torch::empty({static_cast<int64_t>(images.size()), 3, n, n}, torch::kFloat32);
  float* out = batch.data_ptr<float>();
  for (size_t i = 0; i < images.size(); ++i)
    write_normalized(resize_for_model(images[i], p), p.normalization, out + i * 3 * n * n);
  return batch;
}

at::Tensor load_and_preprocess_batch(const std::vector<std::string>& paths,
                                     const ImagePreprocess& p, const DecodeOptions& options) {
  const int64_t n = p.size;
  at::Tensor batch = torch::empty({static_cast<int64_t>(paths.size()), 3, n, n}, torch::kFloat32);
  float* out = batch.data_ptr<float>();
  for (size_t i = 0; i < paths.size(); ++i)
    write_normalized(resize_for_model(decode_image_file(paths[i], options), p), p.normalization,
                     out + i * 3 * n * n);
  return batch;
}

at::Tensor preprocess_image(const Image& image, int64_t n, const Normalization& norm) {
  return preprocess_image(image, ImagePreprocess::clip(n, norm));
}

void preprocess_image_into(const Image& image, int64_t n, const Normalization& norm, float* out) {
  preprocess_image_into(image, ImagePreprocess::clip(n, norm), out);
}

at::Tensor load_and_preprocess(const std::string& path, int64_t n, const Normalization& norm,
                               const DecodeOptions& options) {
  return preprocess_image(decode_image_file(path, options), ImagePreprocess::clip(n, norm));
}

at::Tensor preprocess_batch(const std::vector<Image>& images, int64_t n,
                            const Normalization& norm) {
  return preprocess_batch(images, ImagePreprocess::clip(n, norm));
}

at::Tensor load_and_preprocess_batch(const std::vector<std::string>& paths, int64_t n,
                                     const Normalization& norm, const DecodeOptions& options) {
  return load_and_preprocess_batch(paths, ImagePreprocess::clip(n, norm), options);
}

}  // namespace clipbench
