// The MLP activations of CLIP towers: QuickGELU (OpenAI), nn.GELU (erf) and GELU-tanh (open_clip,
// Hugging Face), by name.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace clipbench {

enum class Activation {
  kQuickGelu,  // x * sigmoid(1.702 x): openai/CLIP `QuickGELU`, open_clip `quick_gelu=True`
  kGelu,       // x * Phi(x) with the erf: torch `nn.GELU()`, open_clip's default, HF "gelu"
  kGeluTanh,   // torch `nn.GELU(approximate='tanh')`, HF "gelu_pytorch_tanh" / "gelu_new"
};

// x * sigmoid(1.702 * x): the GELU approximation the OpenAI weights were trained with.
at::Tensor quick_gelu(const at::Tensor& x);

// `act` applied elementwise; same shape, dtype and device as x.
at::Tensor apply_activation(const at::Tensor& x, Activation act);

// clipbench's name of `act`: "quick_gelu", "gelu", "gelu_tanh" (also its JSON form).
const std::string& activation_name(Activation act);

// The activation called `name` in clipbench's names above or Hugging Face's `hidden_act` names
// ("quick_gelu", "gelu", "gelu_pytorch_tanh", "gelu_new"). Throws RegistryError naming `name` and
// the nearest known names.
Activation activation_named(const std::string& name);

}  // namespace clipbench
