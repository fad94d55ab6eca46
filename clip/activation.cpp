// QuickGELU / GELU / GELU-tanh and their names (a registry).
#include "clip/activation.h"

#include <ATen/ATen.h>

#include "clip/registry.h"

namespace clipbench {
namespace {

const Registry<Activation>& activations() {
  static const Registry<Activation> r = [] {
    Registry<Activation> reg("activation");
    reg.add("quick_gelu", Activation::kQuickGelu);
    reg.add("gelu", Activation::kGelu);
    reg.add("gelu_tanh", Activation::kGeluTanh);
    // Hugging Face's hidden_act names of the tanh approximation.
    reg.add("gelu_pytorch_tanh", Activation::kGeluTanh);
    reg.add("gelu_new", Activation::kGeluTanh);
    return reg;
  }();
  return r;
}

}  // namespace

at::Tensor quick_gelu(const at::Tensor& x) { return x * at::sigmoid(1.702 * x); }

at::Tensor apply_activation(const at::Tensor& x, Activation act) {
  switch (act) {
    case Activation::kQuickGelu:
      return quick_gelu(x);
    case Activation::kGelu:
      return at::gelu(x);
    case Activation::kGeluTanh:
      return at::gelu(x, "tanh");
  }
  return x;  // unreachable: every enumerator is handled above
}

const std::string& activation_name(Activation act) {
  static const std::string names[] = {"quick_gelu", "gelu", "gelu_tanh"};
  return names[static_cast<int>(act)];
}

Activation activation_named(const std::string& name) { return activations().at(name); }

}  // namespace clipbench
