// open_clip's model configs and pretrained tags, built in (clip/data/open_clip_models.json,
// transcribed from open_clip 3.3.0 by scripts/gen_open_clip_models.py), for `--model NAME
// [--pretrained TAG]`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace clipbench {

// The built-in config names, sorted ("RN50", "ViT-B-32", "ViT-H-14", ...).
const std::vector<std::string>& open_clip_model_names();

// The pretrained tags of config `model` (pretrained.py's _PRETRAINED; may be empty). Throws
// RegistryError naming `model` and the nearest known configs.
std::vector<std::string> open_clip_pretrained_tags(const std::string& model);

// open_clip's `model_cfg` of config `model` (model_configs/<model>.json). With a `tag`, its
// pretrained.py `quick_gelu` decides the activation: the weights of that tag were trained with it
// (open_clip itself only warns on a mismatch and builds the config's activation). Throws
// RegistryError for an unknown model or tag (naming the nearest known ones).
nlohmann::json open_clip_model_cfg(const std::string& model, const std::string& tag = "");

// pretrained.py's entry of `model`'s `tag`: quick_gelu, mean, std, interpolation, resize_mode,
// hf_hub (those it sets). Throws RegistryError for an unknown model or tag.
const nlohmann::json& open_clip_pretrained(const std::string& model, const std::string& tag);

// The source line of the table ("mlfoundations/open_clip 3.3.0 ...").
const std::string& open_clip_models_source();

}  // namespace clipbench
