// CLIP's ResNet image tower (openai/CLIP model.py `ModifiedResNet`, `Bottleneck`,
// `AttentionPool2d`).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace clipbench {

// The projection shortcut of a Bottleneck: AvgPool2d(stride) (no parameters; the reference's "-1"),
// then `0` (1x1 conv, no bias, stride 1) and `1` (BatchNorm2d). Keys: `downsample.0.weight`,
// `downsample.1.*`.
class DownsampleImpl : public torch::nn::Module {
 public:
  DownsampleImpl(int64_t inplanes, int64_t outplanes, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};

 private:
  int64_t stride_;
};
TORCH_MODULE(Downsample);

// ResNet bottleneck with anti-aliased striding: conv1 (1x1) bn1 relu, conv2 (3x3, pad 1) bn2 relu,
// AvgPool2d(stride) when stride > 1, conv3 (1x1, planes -> 4 * planes) bn3, + shortcut, relu. All
// convs have stride 1 and no bias. The shortcut is `downsample` when stride > 1 or inplanes != 4 *
// planes. forward: [B, inplanes, H, W] -> [B, 4 * planes, H / stride, W / stride].
class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  BottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  Downsample downsample{nullptr};  // null for an identity shortcut

 private:
  int64_t stride_;
};
TORCH_MODULE(Bottleneck);

// QKV attention pooling: the spatial mean is prepended to the flattened feature map,
// `positional_embedding` [spacial_dim^2 + 1, embed_dim] added, and the mean token attends to every
// token with separate `q_proj`, `k_proj`, `v_proj` (embed_dim -> embed_dim) and output projection
// `c_proj` (embed_dim -> output_dim). forward: [B, embed_dim, spacial_dim, spacial_dim] -> [B,
// output_dim].
class AttentionPool2dImpl : public torch::nn::Module {
 public:
  AttentionPool2dImpl(int64_t spacial_dim, int64_t embed_dim, int64_t num_heads,
                      int64_t output_dim);
  torch::Tensor forward(const torch::Tensor& x);

  torch::Tensor positional_embedding;
  torch::nn::Linear k_proj{nullptr}, q_proj{nullptr}, v_proj{nullptr}, c_proj{nullptr};

 private:
  int64_t embed_dim_, num_heads_;
};
TORCH_MODULE(AttentionPool2d);

// Three-conv stem (conv1 3 -> width/2 stride 2, conv2 width/2 -> width/2, conv3 width/2 -> width,
// each 3x3 pad 1 + BN + ReLU) and AvgPool2d(2); layer1..layer4 of Bottlenecks (planes width, 2w,
// 4w, 8w; stride 1, 2, 2, 2 on the first block); `attnpool` (embed_dim = 32 * width, `heads` heads)
// over the R/32 x R/32 map. forward: images [B, 3, R, R] in the module's dtype and device, R ==
// input_resolution -> [B, output_dim]. Throws clipbench::Error for any other input shape.
class ModifiedResNetImpl : public torch::nn::Module {
 public:
  ModifiedResNetImpl(const std::vector<int64_t>& layers, int64_t output_dim, int64_t heads,
                     int64_t input_resolution, int64_t width);
  torch::Tensor forward(const torch::Tensor& images);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  AttentionPool2d attnpool{nullptr};

 private:
  int64_t input_resolution_;
  std::vector<std::vector<Bottleneck>> stages_;  // layer1..layer4, also registered as ModuleLists
};
TORCH_MODULE(ModifiedResNet);

}  // namespace clipbench
