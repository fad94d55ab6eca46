// The encoders' fully connected layers: oneDNN's inner product for fp32 CPU inference, else
// LibTorch's linear.
#include "clip/linear.h"

#include <ATen/Context.h>
#include <torch/torch.h>

namespace clipbench {

bool linear_uses_onednn(const at::Tensor& x, const at::Tensor& weight) {
  static const bool has_onednn = at::hasMKLDNN();
  return has_onednn && x.device().is_cpu() && weight.device().is_cpu() &&
         x.scalar_type() == at::kFloat && weight.scalar_type() == at::kFloat && x.dim() >= 1 &&
         x.numel() > 0 && !x.is_mkldnn() &&
         !(torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad()));
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!linear_uses_onednn(x, weight) || (bias.defined() && bias.scalar_type() != at::kFloat) ||
      (bias.defined() && bias.requires_grad() && torch::GradMode::is_enabled()))
    return torch::nn::functional::linear(x, weight, bias);
  TORCH_CHECK(weight.dim() == 2 && x.size(-1) == weight.size(1), "linear: input [..., ", x.size(-1),
              "] does not match weight ", weight.sizes());
  const at::Tensor rows = x.reshape({-1, x.size(-1)}).contiguous().to_mkldnn();
  const c10::optional<at::Tensor> b =
      bias.defined() ? c10::optional<at::Tensor>(bias.contiguous()) : c10::nullopt;
  at::Tensor y = at::mkldnn_linear(rows, weight.contiguous(), b).to_dense();
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = weight.size(0);
  return y.view(shape);
}

}  // namespace clipbench
