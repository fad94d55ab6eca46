// CLIP's image preprocessing: Resize(n, BICUBIC) -> CenterCrop(n) -> convert("RGB") -> ToTensor ->
// Normalize.
#pragma once

#include <ATen/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "clip/image.h"
#include "clip/image_decode.h"

namespace clipbench {

// Per-channel mean and standard deviation applied after scaling to [0, 1].
struct Normalization {
  std::array<float, 3> mean;
  std::array<float, 3> std;
  // CLIP's (0.48145466, 0.4578275, 0.40821073) / (0.26862954, 0.26130258, 0.27577711).
  static Normalization clip();
  // ImageNet's (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225), for the supervised ResNet-50
  // baseline.
  static Normalization imagenet();
};

// Where torchvision's Resize(n) and CenterCrop(n) put an image of width x height.
struct ResizeCropGeometry {
  int64_t resized_width = 0, resized_height = 0;  // shorter side n, longer int(n * long / short)
  int64_t crop_left = 0, crop_top = 0;            // int(round((size - n) / 2)), half to even
};
ResizeCropGeometry reference_geometry(int64_t width, int64_t height, int64_t n);

// Resize(n, BICUBIC) + CenterCrop(n) on the image in its own mode (Pillow 9.4 semantics, see
// pillow_resize.h); only the cropped window is computed. Returns an n x n image in the input's
// mode.
Image resize_and_crop(const Image& image, int64_t n);
// resize_and_crop followed by Pillow's convert("RGB"): the reference pixels before ToTensor.
Image resize_and_crop_rgb(const Image& image, int64_t n);

// ToTensor + Normalize of an RGB image: float32 [3, H, W], ((v / 255) - mean) / std in float32.
at::Tensor to_normalized_tensor(const Image& rgb, const Normalization& norm);

// The whole reference transform of a decoded image: float32 [3, n, n].
at::Tensor preprocess_image(const Image& image, int64_t n,
                            const Normalization& norm = Normalization::clip());
// preprocess_image written into caller-owned memory: `out` holds 3 * n * n floats (C, H, W).
void preprocess_image_into(const Image& image, int64_t n, const Normalization& norm, float* out);

// ToTensor + Normalize as a table: entry c * 256 + v is ((v / 255) - mean[c]) / std[c] in float32,
// the value the CPU path writes for level v of channel c (the GPU path uploads the same table).
std::array<float, 3 * 256> normalization_lut(const Normalization& norm);
// Decode (see image_decode.h) and preprocess a file: float32 [3, n, n]. Throws ImageDecodeError
// or FileError naming the file.
at::Tensor load_and_preprocess(const std::string& path, int64_t n,
                               const Normalization& norm = Normalization::clip(),
                               const DecodeOptions& options = {});
// A batch of preprocessed images: float32 [B, 3, n, n] (B may be 0).
at::Tensor preprocess_batch(const std::vector<Image>& images, int64_t n,
                            const Normalization& norm = Normalization::clip());
at::Tensor load_and_preprocess_batch(const std::vector<std::string>& paths, int64_t n,
                                     const Normalization& norm = Normalization::clip(),
                                     const DecodeOptions& options = {});

}  // namespace clipbench
