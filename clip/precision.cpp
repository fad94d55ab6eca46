// Encoder precisions and the cast of a CLIP model to one of them.
#include "clip/precision.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "clip/errors.h"
#include "clip/registry.h"
#include "clip/transformer.h"

namespace clipbench {
namespace {

const Registry<PrecisionInfo>& registry() {
  static const Registry<PrecisionInfo> r = [] {
    Registry<PrecisionInfo> reg("precision");
    reg.add("fp32", {"fp32", torch::kFloat32, true});
    reg.add("fp16", {"fp16", torch::kFloat16, false});
    reg.add("bf16", {"bf16", torch::kBFloat16, true});
    return reg;
  }();
  return r;
}

void cast_tensor(torch::Tensor& t, c10::ScalarType dtype) {
  if (t.defined() && t.is_floating_point() && t.scalar_type() != dtype) t.set_data(t.to(dtype));
}

}  // namespace

const PrecisionInfo& precision_named(const std::string& name) { return registry().at(name); }

std::vector<std::string> precision_names() { return registry().names(); }

void set_model_precision(CLIP& model, const PrecisionInfo& precision) {
  if (!precision.cpu_supported && model->device().is_cpu())
    throw Error(fmt::format(
        "precision {}: LibTorch has no CPU matmul/convolution kernels for it; use --device cuda, "
        "or fp32 / bf16 on the CPU",
        precision.name));
  if (precision.dtype == torch::kFloat32 && model->device().is_cuda()) {
    // fp32 means fp32: no TF32 in cuDNN convolutions (on by default) or cuBLAS matmuls.
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  torch::NoGradGuard no_grad;
  for (const auto& item : model->named_modules("", /*include_self=*/true)) {
    if (item.value()->as<LayerNormImpl>() != nullptr) continue;
    for (auto& p : item.value()->named_parameters(/*recurse=*/false)) {
      if (item.key().empty() && (p.key() == "logit_scale" || p.key() == "logit_bias")) continue;
      cast_tensor(p.value(), precision.dtype);
    }
    for (auto& b : item.value()->named_buffers(/*recurse=*/false)) {
      if (b.key() == "num_batches_tracked") continue;
      cast_tensor(b.value(), precision.dtype);
    }
  }
}

}  // namespace clipbench
