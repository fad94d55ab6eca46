// The supervised ResNet-50 baseline: torchvision's resnet50 architecture, loading a torchvision
// state dict, producing 2048-d pooled features (and ImageNet logits).
#include "baselines/resnet50.h"

#include <fmt/format.h>

#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/preprocess.h"
#include "clip/safetensors.h"
#include "clip/torch_save_reader.h"

namespace clipbench::baselines {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

nn::Sequential make_layer(int64_t& inplanes, int64_t planes, int64_t blocks, int64_t stride) {
  nn::Sequential layer;
  for (int64_t i = 0; i < blocks; ++i) {
    layer->push_back(TorchvisionBottleneck(inplanes, planes, i == 0 ? stride : 1));
    inplanes = planes * TorchvisionBottleneckImpl::kExpansion;
  }
  return layer;
}

}  // namespace

TorchvisionBottleneckImpl::TorchvisionBottleneckImpl(int64_t inplanes, int64_t planes,
                                                     int64_t stride) {
  const int64_t out = planes * kExpansion;
  conv1 = register_module("conv1", conv(inplanes, planes, 1, 1, 0));
  bn1 = register_module("bn1", nn::BatchNorm2d(planes));
  conv2 = register_module("conv2", conv(planes, planes, 3, stride, 1));
  bn2 = register_module("bn2", nn::BatchNorm2d(planes));
  conv3 = register_module("conv3", conv(planes, out, 1, 1, 0));
  bn3 = register_module("bn3", nn::BatchNorm2d(out));
  if (stride != 1 || inplanes != out)
    downsample = register_module(
        "downsample", nn::Sequential(conv(inplanes, out, 1, stride, 0), nn::BatchNorm2d(out)));
}

torch::Tensor TorchvisionBottleneckImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = torch::relu(bn1(conv1(x)));
  y = torch::relu(bn2(conv2(y)));
  y = bn3(conv3(y));
  return torch::relu(y + (downsample ? downsample->forward(x) : x));
}

ResNet50Impl::ResNet50Impl(int64_t num_classes) {
  conv1 = register_module("conv1", conv(3, 64, 7, 2, 3));
  bn1 = register_module("bn1", nn::BatchNorm2d(64));
  int64_t inplanes = 64;
  layer1 = register_module("layer1", make_layer(inplanes, 64, 3, 1));
  layer2 = register_module("layer2", make_layer(inplanes, 128, 4, 2));
  layer3 = register_module("layer3", make_layer(inplanes, 256, 6, 2));
  layer4 = register_module("layer4", make_layer(inplanes, 512, 3, 2));
  fc = register_module("fc", nn::Linear(inplanes, num_classes));
}

torch::Tensor ResNet50Impl::features(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3)
    throw Error(fmt::format("ResNet-50: expected images [B, 3, H, W], got {}",
                            shape_string(images.sizes())));
  torch::Tensor x = torch::relu(bn1(conv1(images)));
  x = torch::max_pool2d(x, 3, 2, 1);
  x = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));
  return x.mean({2, 3});
}

torch::Tensor ResNet50Impl::forward(const torch::Tensor& images) { return fc(features(images)); }

ResNet50 build_resnet50(const StateDict& state_dict, const std::string& source) {
  StateDict sd;
  bool all_prefixed = !state_dict.empty();
  for (const auto& kv : state_dict)
    all_prefixed = all_prefixed && kv.first.rfind("module.", 0) == 0;
  for (const auto& kv : state_dict) sd[all_prefixed ? kv.first.substr(7) : kv.first] = kv.second;
  auto fc = sd.find("fc.weight");
  if (fc == sd.end() || fc->second.dim() != 2)
    throw CheckpointError(fmt::format(
        "{}: no 2-D 'fc.weight' tensor; expected a torchvision ResNet-50 state dict", source));
  ResNet50 model(fc->second.size(0));
  load_state_dict_strict(*model, sd, source);
  model->eval();
  return model;
}

ResNet50 load_resnet50(const std::string& path) {
  const StateDict sd =
      looks_like_safetensors(path) ? read_safetensors(path).tensors : read_torch_save(path);
  return build_resnet50(sd, path);
}

ImagePreprocess resnet50_preprocess() {
  return ImagePreprocess::clip(kResNet50Resolution, Normalization::imagenet());
}

}  // namespace clipbench::baselines
