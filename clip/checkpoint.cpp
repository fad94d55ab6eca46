// Detects a checkpoint's container format through a registry and normalizes its state dict.
#include "clip/checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "clip/errors.h"
#include "clip/hf_clip_mapping.h"
#include "clip/safetensors.h"
#include "clip/torch_save_reader.h"
#include "clip/torchscript_reader.h"

namespace clipbench {
namespace {

namespace fs = std::filesystem;

bool is_zip(const std::string& head) {
  return head.size() >= 4 && head.compare(0, 4, "PK\x03\x04") == 0;
}

Registry<CheckpointFormat> make_formats() {
  Registry<CheckpointFormat> r("checkpoint format");
  r.add("safetensors",
        {"safetensors (OpenAI / open_clip or Hugging Face names)",
         [](const std::string& path, const std::string&) { return looks_like_safetensors(path); },
         [](const std::string& path) { return read_safetensors(path).tensors; }});
  r.add("openai-torchscript", {"TorchScript archive as released by OpenAI",
                               [](const std::string& path, const std::string& head) {
                                 return is_zip(head) && is_torchscript_archive(path);
                               },
                               read_torchscript});
  r.add("torch-save", {"torch.save zip archive (state dict or open_clip checkpoint)",
                       [](const std::string&, const std::string& head) {
                         return is_zip(head) ||
                                (!head.empty() && static_cast<unsigned char>(head[0]) == 0x80);
                       },
                       read_torch_save});
  return r;
}

std::string resolve_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw FileError(fmt::format("checkpoint {} does not exist", path));
  if (!fs::is_directory(path, ec)) return path;
  // An open_clip hub folder is open_clip's, whatever other library's weights sit beside it.
  const bool open_clip = fs::exists(fs::path(path) / "open_clip_config.json", ec);
  const std::vector<const char*> names =
      open_clip
          ? std::vector<const char*>{"open_clip_model.safetensors", "open_clip_pytorch_model.bin"}
          : std::vector<const char*>{"model.safetensors", "open_clip_model.safetensors",
                                     "open_clip_pytorch_model.bin", "pytorch_model.bin",
                                     "checkpoint.safetensors"};  // the last: `clipbench train`'s
  for (const char* name : names) {
    const fs::path candidate = fs::path(path) / name;
    if (fs::exists(candidate, ec)) return candidate.string();
  }
  throw CheckpointError(fmt::format("{} is a folder without a checkpoint: expected {}{}", path,
                                    fmt::join(names, ", "),
                                    open_clip ? " (it has open_clip_config.json)" : ""));
}

std::string read_head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open checkpoint {}", path));
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

bool is_bn_statistic(const std::string& key) {
  auto ends_with = [&](const char* s) {
    const std::string suffix(s);
    return key.size() >= suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with("running_mean") || ends_with("running_var") || ends_with("num_batches_tracked");
}

}  // namespace

const Registry<CheckpointFormat>& checkpoint_formats() {
  static const Registry<CheckpointFormat> formats = make_formats();
  return formats;
}

Checkpoint read_checkpoint(const std::string& path) {
  Checkpoint ck;
  ck.path = resolve_file(path);
  const std::string head = read_head(ck.path);
  if (head.empty()) throw CheckpointError(fmt::format("{}: empty file", ck.path));
  const auto& formats = checkpoint_formats();
  const CheckpointFormat* format = nullptr;
  for (size_t i = 0; i < formats.entries().size() && !format; ++i) {
    if (formats.entries()[i].sniff(ck.path, head)) {
      format = &formats.entries()[i];
      ck.format = formats.names()[i];
    }
  }
  if (!format)
    throw CheckpointError(
        fmt::format("{}: unknown checkpoint format (expected an OpenAI TorchScript .pt, a "
                    "torch.save zip archive, or "
                    "safetensors)",
                    ck.path));
  StateDict raw = format->read(ck.path);

  // A `module.` prefix (DataParallel / DDP) on every key.
  const std::string prefix = "module.";
  if (!raw.empty() && std::all_of(raw.begin(), raw.end(),
                                  [&](const auto& kv) { return kv.first.rfind(prefix, 0) == 0; })) {
    StateDict stripped;
    for (auto& [k, v] : raw) stripped[k.substr(prefix.size())] = v;
    raw = std::move(stripped);
  }

  std::set<std::string> dtypes;
  for (const auto& [k, v] : raw)
    if (v.is_floating_point()) dtypes.insert(c10::toString(v.scalar_type()));
  ck.storage_dtype = "";
  for (const auto& d : dtypes) {
    std::string lower = d;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    ck.storage_dtype += (ck.storage_dtype.empty() ? "" : "+") + lower;
  }

  if (is_hf_clip_layout(raw)) {
    ck.layout = "huggingface";
    raw = hf_clip_to_openai(raw, ck.path);
  } else {
    ck.layout = "openai";
  }

  for (const char* extra : {"input_resolution", "context_length", "vocab_size"}) raw.erase(extra);
  for (const char* scalar : {"logit_scale", "logit_bias"}) {
    auto it = raw.find(scalar);
    if (it != raw.end() && it->second.dim() == 1 && it->second.numel() == 1)
      it->second = it->second.reshape({});
  }
  for (auto& [k, v] : raw) {
    if (v.is_floating_point() && v.scalar_type() != torch::kFloat) v = v.to(torch::kFloat);
    if (!is_bn_statistic(k)) ck.parameter_count += v.numel();
  }
  ck.state_dict = std::move(raw);
  return ck;
}

}  // namespace clipbench
