// CLIP architecture sizes, inferred from a checkpoint's keys and shapes as openai/CLIP's
// `build_model` does.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clip/activation.h"
#include "clip/state_dict.h"

namespace clipbench {

// The constructor arguments of openai/CLIP's `CLIP` class (model.py), same names and meaning.
struct CLIPConfig {
  int64_t embed_dim = 0;         // width of the joint embedding (text_projection.shape[1])
  int64_t image_resolution = 0;  // input side R of the [B, 3, R, R] image batch
  // ViT: one entry, the number of transformer blocks. ModifiedResNet: four entries, the Bottleneck
  // counts of layer1..layer4.
  std::vector<int64_t> vision_layers;
  int64_t vision_width = 0;       // ViT: token width; ModifiedResNet: stem width (layer1 planes)
  int64_t vision_patch_size = 0;  // ViT: patch side; 0 for ModifiedResNet (null in JSON)
  int64_t context_length = 0;     // text positions (77 for the released models)
  int64_t vocab_size = 0;         // token embedding rows (49408)
  int64_t transformer_width = 0;
  int64_t transformer_heads = 0;  // openai/CLIP: transformer_width / 64
  int64_t transformer_layers = 0;

  // What the shapes cannot tell; the defaults are openai/CLIP's (clip/architecture.h resolves them
  // from a config and says where each came from).
  Activation vision_act = Activation::kQuickGelu;  // the image tower's MLP activation (ViT)
  Activation text_act = Activation::kQuickGelu;    // the text tower's MLP activation
  // open_clip's `vision_cfg.head_width`: the image tower has vision_heads() heads.
  int64_t vision_head_width = 64;
  // MLP hidden widths (rows of `c_fc.weight`): infer_config reads them from the shapes; 0 means
  // 4 * width (openai/CLIP). vision_mlp_width is 0 for a ModifiedResNet (no MLP).
  int64_t vision_mlp_width = 0;
  int64_t transformer_mlp_width = 0;

  // The MLP widths with 0 read as 4 * width (a ModifiedResNet's vision MLP width is 0); operator==
  // compares these.
  int64_t effective_vision_mlp_width() const {
    return !is_vit() ? 0 : vision_mlp_width > 0 ? vision_mlp_width : 4 * vision_width;
  }
  int64_t effective_transformer_mlp_width() const {
    return transformer_mlp_width > 0 ? transformer_mlp_width : 4 * transformer_width;
  }

  // True for a VisionTransformer image tower (the checkpoint has `visual.proj`).
  bool is_vit() const { return vision_patch_size > 0; }
  // Attention heads of the image tower: vision_width / vision_head_width (ViT), vision_width * 32 /
  // vision_head_width (ModifiedResNet's attention pool), as openai/CLIP (head width 64) and
  // open_clip compute them.
  int64_t vision_heads() const;

  bool operator==(const CLIPConfig& other) const;
  bool operator!=(const CLIPConfig& other) const { return !(*this == other); }
};

// Infers the architecture from a normalized state dict (OpenAI key names), with the reference
// rules: ViT iff `visual.proj` exists; ViT width / patch from `visual.conv1.weight`, layers =
// number of `visual.*.attn.in_proj_weight` keys, resolution = patch *
// sqrt(rows(visual.positional_embedding) - 1); ModifiedResNet layers = distinct block indices under
// `visual.layer1..4`, width from `visual.layer1.0.conv1.weight`, resolution = 32 *
// sqrt(rows(visual.attnpool.positional_embedding) - 1); text sizes from `text_projection`,
// `positional_embedding`, `token_embedding.weight`, `ln_final.weight` and the distinct
// `transformer.resblocks.<i>` indices; heads = width / 64; MLP widths from the first blocks' `c_fc`
// shapes; activations QuickGELU (openai/CLIP's rules for what the shapes cannot tell). Throws
// CheckpointError naming the first missing key, ShapeMismatchError naming the key and its shape
// when a tensor's rank or size cannot fit the rules (a positional embedding that is not a square
// grid + 1), CheckpointError when there are no transformer or image-tower blocks or the sizes fail
// validate().
CLIPConfig infer_config(const StateDict& state_dict);

// Checks the sizes are usable (positive, widths divisible by their head counts, resolution a
// multiple of the patch size / of 32, 1 or 4 vision layer counts). Throws Error naming the first
// bad field.
void validate(const CLIPConfig& config);

// The fixtures' `config` object: openai/CLIP's constructor arguments by name; `vision_layers` is a
// number for ViT and a 4-element array for ModifiedResNet; `vision_patch_size` is null for
// ModifiedResNet. The facts beyond openai/CLIP's arguments appear only where they differ from its
// rules: `vision_act` / `text_act` (activation_name) unless QuickGELU, `vision_head_width` unless
// 64, `vision_mlp_width` / `transformer_mlp_width` unless 4 * width.
nlohmann::json to_json(const CLIPConfig& config);

// The inverse of to_json (also accepts a 1-element array for a ViT's `vision_layers`; absent
// optional fields take openai/CLIP's rules). Throws Error naming a missing or mistyped field, and
// RegistryError for an unknown activation name. The result is validated.
CLIPConfig config_from_json(const nlohmann::json& json);

}  // namespace clipbench
