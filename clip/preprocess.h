// CLIP's image preprocessing: Resize(n, BICUBIC) -> CenterCrop(n) -> convert("RGB") -> ToTensor ->
// Normalize; and open_clip's per-model variants (mean / std, squash, bilinear).
#pragma once

#include <ATen/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "clip/image.h"
#include "clip/image_decode.h"
#include "clip/pillow_resize.h"

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

// open_clip's eval `resize_mode` (open_clip v3 transform.py image_transform):
//  - kShortest: Resize(n) (shorter side to n) + CenterCrop(n), openai/CLIP's transform;
//  - kSquash: Resize((n, n)): both sides to n, the aspect ratio not kept, nothing cropped.
enum class ResizeMode { kShortest, kSquash };

// What a model does to an image before its encoder: open_clip's PreprocessCfg for evaluation
// (size, mean, std, interpolation, resize_mode), reproduced on Pillow images as
// torchvision.transforms does: resize (Pillow-exact, pillow_resize.h) [+ centre crop] ->
// convert("RGB") -> ToTensor -> Normalize.
struct ImagePreprocess {
  int64_t size = 224;  // n: the output is n x n
  Normalization normalization = Normalization::clip();
  ResampleFilter interpolation = ResampleFilter::kBicubic;
  ResizeMode resize_mode = ResizeMode::kShortest;

  // openai/CLIP's transform at n: bicubic, shortest, CLIP's mean / std (or `norm`: the ResNet-50
  // baseline's ImageNet statistics).
  static ImagePreprocess clip(int64_t n, const Normalization& norm = Normalization::clip());
  // True for openai/CLIP's transform (at any size).
  bool is_clip() const;
  // open_clip's terms: "bicubic shortest 224, mean [0.48145466, ...], std [...]".
  std::string describe() const;
  // A short key for caches and records: "clip-bicubic-<n>" for openai/CLIP's transform (the key
  // clipbench has always used), else "<interpolation>-<resize_mode>-<n>-mean-<m,m,m>-std-<s,s,s>".
  std::string key() const;
  bool operator==(const ImagePreprocess& o) const;
  bool operator!=(const ImagePreprocess& o) const { return !(*this == o); }
};

// open_clip's names: "bicubic" / "bilinear", "shortest" / "squash".
std::string interpolation_name(ResampleFilter f);
std::string resize_mode_name(ResizeMode m);

// Where torchvision's Resize(n) and CenterCrop(n) put an image of width x height.
struct ResizeCropGeometry {
  int64_t resized_width = 0, resized_height = 0;  // shorter side n, longer int(n * long / short)
  int64_t crop_left = 0, crop_top = 0;            // int(round((size - n) / 2)), half to even
};
ResizeCropGeometry reference_geometry(int64_t width, int64_t height, int64_t n);
// The same for `p`: reference_geometry for kShortest; n x n and no crop for kSquash.
ResizeCropGeometry resize_geometry(int64_t width, int64_t height, const ImagePreprocess& p);

// `p`'s resize (and crop) in the image's own mode, then convert("RGB"): the pixels before
// ToTensor, n x n RGB.
Image resize_for_model(const Image& image, const ImagePreprocess& p);

// Resize(n, BICUBIC) + CenterCrop(n) on the image in its own mode (Pillow 9.4 semantics, see
// pillow_resize.h); only the cropped window is computed. Returns an n x n image in the input's
// mode.
Image resize_and_crop(const Image& image, int64_t n);
// resize_and_crop followed by Pillow's convert("RGB"): the reference pixels before ToTensor.
Image resize_and_crop_rgb(const Image& image, int64_t n);

// ToTensor + Normalize of an RGB image: float32 [3, H, W], ((v / 255) - mean) / std in float32.
at::Tensor to_normalized_tensor(const Image& rgb, const Normalization& norm);

// `p`'s whole transform of a decoded image: float32 [3, n, n].
at::Tensor preprocess_image(const Image& image, const ImagePreprocess& p);
// The same into caller-owned memory: `out` holds 3 * n * n floats (C, H, W).
void preprocess_image_into(const Image& image, const ImagePreprocess& p, float* out);
// Batches: float32 [B, 3, n, n] (B may be 0).
at::Tensor preprocess_batch(const std::vector<Image>& images, const ImagePreprocess& p);
at::Tensor load_and_preprocess_batch(const std::vector<std::string>& paths,
                                     const ImagePreprocess& p, const DecodeOptions& options = {});

// The reference transform (ImagePreprocess{n, norm}: bicubic, shortest) of a decoded image:
// float32 [3, n, n].
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
