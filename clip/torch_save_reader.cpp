// Reads `torch.save` zip archives into a StateDict through LibTorch's unpickler.
#include "clip/torch_save_reader.h"

#include <fmt/format.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "clip/errors.h"
#include "clip/torchscript_reader.h"

namespace clipbench {
namespace {

bool is_tensor_dict(const c10::IValue& v) {
  if (!v.isGenericDict()) return false;
  for (const auto& kv : v.toGenericDict())
    if (!kv.key().isString() || !kv.value().isTensor()) return false;
  return true;
}

}  // namespace

StateDict read_torch_save(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open {}", path));
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80)
    throw CheckpointError(
        fmt::format("{}: legacy (pre-1.6) torch.save pickle format, which LibTorch cannot read; "
                    "re-save it in Python with "
                    "torch.save(torch.load(path), new_path)",
                    path));
  if (bytes.size() < 4 || bytes[0] != 'P' || bytes[1] != 'K')
    throw CheckpointError(fmt::format("{}: not a torch.save zip archive", path));
  if (is_torchscript_archive(path))
    throw CheckpointError(
        fmt::format("{}: a TorchScript archive, not a torch.save state dict", path));

  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw CheckpointError(
        fmt::format("{}: cannot read the torch.save archive (truncated or corrupt?): {}", path,
                    e.what_without_backtrace()));
  }
  if (value.isGenericDict() && !is_tensor_dict(value)) {
    // A training checkpoint: {"epoch": .., "state_dict": {...}, "optimizer": ...}.
    const auto dict = value.toGenericDict();
    for (const char* inner : {"state_dict", "model", "module"}) {
      auto it = dict.find(c10::IValue(std::string(inner)));
      if (it != dict.end() && is_tensor_dict(it->value())) {
        value = it->value();
        break;
      }
    }
  }
  if (!is_tensor_dict(value))
    throw CheckpointError(
        fmt::format("{}: holds a {} that is not a state dict (str -> Tensor) nor a checkpoint with "
                    "a 'state_dict' entry",
                    path, value.tagKind()));
  StateDict sd;
  for (const auto& kv : value.toGenericDict()) sd[kv.key().toStringRef()] = kv.value().toTensor();
  return sd;
}

}  // namespace clipbench
