// The supervised ResNet-50 baseline: torchvision's resnet50 architecture, loading a torchvision
// state dict, producing 2048-d pooled features (and ImageNet logits).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "clip/image.h"
#include "clip/preprocess.h"
#include "clip/state_dict.h"

namespace clipbench::baselines {

// torchvision.models.resnet.Bottleneck (ResNet v1.5: the stride sits on the 3x3 conv):
// conv1 (1x1) bn1 relu, conv2 (3x3, stride, pad 1) bn2 relu, conv3 (1x1, planes -> 4 * planes)
// bn3, + shortcut, relu. No conv has a bias; BatchNorm eps 1e-5. The shortcut `downsample`
// (Sequential: `0` 1x1 conv with the stride, `1` BatchNorm) exists when stride > 1 or
// inplanes != 4 * planes. forward: [B, inplanes, H, W] -> [B, 4 * planes, ceil(H / stride), ...].
class TorchvisionBottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  TorchvisionBottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Sequential downsample{nullptr};  // null for an identity shortcut
};
TORCH_MODULE(TorchvisionBottleneck);

// torchvision.models.resnet50: conv1 (7x7, stride 2, pad 3) bn1 relu maxpool (3, stride 2, pad 1),
// layer1..layer4 (3, 4, 6, 3 bottlenecks; planes 64, 128, 256, 512; strides 1, 2, 2, 2),
// global average pool, fc (2048 -> num_classes). Parameter and buffer names are torchvision's
// state-dict keys (`conv1.weight`, `bn1.running_mean`, `layer1.0.downsample.0.weight`,
// `fc.weight`, `*.num_batches_tracked`), 320 of them for 1000 classes.
// Inputs are float32 [B, 3, H, W] images normalized with ImageNet's mean / std (see
// resnet50_preprocess); H, W >= 32 (224 for the released weights).
class ResNet50Impl : public torch::nn::Module {
 public:
  explicit ResNet50Impl(int64_t num_classes = 1000);
  // The 2048-d global-average-pool output (the probe's features): [B, 2048] float32.
  torch::Tensor features(const torch::Tensor& images);
  // ImageNet logits fc(features): [B, num_classes].
  torch::Tensor forward(const torch::Tensor& images);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(ResNet50);

// The input resolution of the released torchvision weights.
constexpr int64_t kResNet50Resolution = 224;

// Builds ResNet50 (num_classes from `fc.weight`) on the CPU in fp32 and loads `state_dict`
// strictly (load_state_dict_strict: every missing / unexpected / mis-shaped key listed, naming
// `source`), then eval() (BatchNorm uses the running statistics). A `module.` prefix on every key
// (nn.DataParallel) is removed. Throws CheckpointError / ShapeMismatchError.
ResNet50 build_resnet50(const StateDict& state_dict, const std::string& source);

// Reads a torchvision state dict from `path` (a `torch.save` zip such as torchvision's
// resnet50-0676ba61.pth / resnet50-11ad3fa6.pth, or a safetensors file) and calls build_resnet50.
// Throws FileError / CheckpointError naming the file.
ResNet50 load_resnet50(const std::string& path);

// The baseline's preprocessing: CLIP's reference transform (Resize(224, BICUBIC), CenterCrop(224),
// RGB; clip/preprocess.h) with ImageNet's mean / std, giving float32 [3, 224, 224] per image.
ImagePreprocess resnet50_preprocess();

}  // namespace clipbench::baselines
