// Strict state-dict loading that reports every key at fault, and build_model.
#include "clip/load_state_dict.h"

#include <fmt/format.h>

#include <sstream>
#include <vector>

#include "clip/errors.h"
#include "clip/model_config.h"

namespace clipbench {

void load_state_dict_strict(torch::nn::Module& module, const StateDict& state_dict,
                            const std::string& source) {
  StateDict targets;
  for (const auto& item : module.named_parameters(/*recurse=*/true))
    targets[item.key()] = item.value();
  for (const auto& item : module.named_buffers(/*recurse=*/true))
    targets[item.key()] = item.value();

  std::vector<std::string> missing, unexpected, misshaped;
  for (const auto& kv : targets) {
    auto it = state_dict.find(kv.first);
    if (it == state_dict.end()) {
      missing.push_back(fmt::format("{} (model {})", kv.first, shape_string(kv.second.sizes())));
    } else if (!it->second.defined()) {
      misshaped.push_back(fmt::format("{} (checkpoint: undefined tensor, model {})", kv.first,
                                      shape_string(kv.second.sizes())));
    } else if (it->second.sizes() != kv.second.sizes()) {
      misshaped.push_back(fmt::format("{} (checkpoint {}, model {})", kv.first,
                                      shape_string(it->second.sizes()),
                                      shape_string(kv.second.sizes())));
    }
  }
  for (const auto& kv : state_dict) {
    if (!targets.count(kv.first)) {
      unexpected.push_back(fmt::format(
          "{} (checkpoint {})", kv.first,
          kv.second.defined() ? shape_string(kv.second.sizes()) : std::string("undefined")));
    }
  }
  if (!missing.empty() || !unexpected.empty() || !misshaped.empty()) {
    std::ostringstream msg;
    msg << fmt::format(
        "checkpoint '{}' does not fit the model: {} missing, {} unexpected, {} mis-shaped "
        "key(s)",
        source, missing.size(), unexpected.size(), misshaped.size());
    for (const auto& m : missing) msg << "\n  missing: " << m;
    for (const auto& u : unexpected) msg << "\n  unexpected: " << u;
    for (const auto& s : misshaped) msg << "\n  mis-shaped: " << s;
    if (!misshaped.empty()) throw ShapeMismatchError(msg.str());
    throw CheckpointError(msg.str());
  }

  torch::NoGradGuard no_grad;
  for (auto& kv : targets) kv.second.copy_(state_dict.at(kv.first));
}

CLIP build_model(const StateDict& state_dict, const std::string& source) {
  CLIPConfig config;
  try {
    config = infer_config(state_dict);
  } catch (const ShapeMismatchError& e) {
    throw ShapeMismatchError(fmt::format("{}: {}", source, e.what()));
  } catch (const CheckpointError& e) {
    throw CheckpointError(fmt::format("{}: {}", source, e.what()));
  }
  CLIP model(config);
  load_state_dict_strict(*model, state_dict, source);
  model->eval();
  return model;
}

CLIP build_model(const Checkpoint& ck, ResolvedArchitecture* architecture,
                 const ArchitectureRequest& request) {
  ResolvedArchitecture resolved = resolve_architecture(ck, request);
  CLIP model(resolved.config);
  load_state_dict_strict(*model, ck.state_dict, ck.path);
  model->eval();
  if (architecture) *architecture = std::move(resolved);
  return model;
}

}  // namespace clipbench
