// Reads the parameters and buffers of a TorchScript archive (the OpenAI release `.pt` files).
#include "clip/torchscript_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <fmt/format.h>
#include <torch/script.h>

#include "clip/errors.h"

namespace clipbench {

bool is_torchscript_archive(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (reader.hasRecord("constants.pkl")) return true;
    for (const auto& r : reader.getAllRecords())
      if (r.rfind("code/", 0) == 0) return true;
    return false;
  } catch (const c10::Error&) {
    return false;
  }
}

StateDict read_torchscript(const std::string& path) {
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU);
  } catch (const c10::Error& e) {
    throw CheckpointError(
        fmt::format("{}: cannot load the TorchScript archive (truncated or corrupt?): {}", path,
                    e.what_without_backtrace()));
  }
  StateDict sd;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) sd[p.name] = p.value.detach();
  for (const auto& b : module.named_buffers(/*recurse=*/true)) sd[b.name] = b.value.detach();
  // OpenAI's archives also keep these as attributes of the top module (read by the reference
  // build_model).
  for (const char* name : {"input_resolution", "context_length", "vocab_size"}) {
    if (module.hasattr(name) && !sd.count(name)) {
      const auto v = module.attr(name);
      if (v.isTensor()) sd[name] = v.toTensor();
    }
  }
  if (sd.empty())
    throw CheckpointError(fmt::format("{}: the TorchScript archive holds no parameters", path));
  return sd;
}

}  // namespace clipbench
