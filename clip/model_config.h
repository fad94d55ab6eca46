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

// Which modules hold the image tower (the checkpoint's key layout).
enum class VisionLayout {
  kOpenAI,   // openai/CLIP's VisionTransformer (`visual.conv1`, ...) or ModifiedResNet
  kTimmViT,  // open_clip TimmModel around a timm VisionTransformer (`visual.trunk.*`) with
             // timm_pool "map" and timm_proj "none": no class token, attention-pool (MAP) head,
             // SigLIP's image tower
};
// Which modules hold the text tower.
enum class TextLayout {
  kOpenAI,      // top-level `transformer.*`, `token_embedding`, `ln_final`, `text_projection`
  kCustomText,  // open_clip CustomTextCLIP's TextTransformer under `text.*` (SigLIP)
};
// open_clip `text_cfg.pool_type` (transformer.py text_global_pool): the token whose final state is
// projected.
enum class TextPool {
  kArgmax,  // the largest id (CLIP's end-of-text token)
  kLast,    // position context_length - 1 (SigLIP)
  kFirst,   // position 0
  kEos,     // each row's first `text_eos_id` (position 0 when it has none; MetaCLIP worldwide)
};
// open_clip `vision_cfg.pool_type` of its own VisionTransformer: what `ln_post` / `proj` see.
enum class VisionPool {
  kToken,  // "tok": the class token (openai/CLIP)
  kAvg,    // "avg": the mean of the patch tokens (CLIPA)
};

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

  // Beyond openai/CLIP (defaults = openai/CLIP's): the module layouts, LayerNorm eps per tower,
  // the text tower's mask, pooling and projection, and open_clip's `logit_bias` (SigLIP).
  VisionLayout vision_layout = VisionLayout::kOpenAI;
  TextLayout text_layout = TextLayout::kOpenAI;
  double vision_ln_eps = 1e-5;
  double text_ln_eps = 1e-5;
  bool text_causal = true;  // false: bidirectional (open_clip `no_causal_mask`)
  TextPool text_pool = TextPool::kArgmax;
  // kCustomText only: `text.text_projection` is nn.Linear with bias (open_clip `proj_bias`), else
  // the [width, embed_dim] matrix.
  bool text_proj_bias = false;
  bool logit_bias = false;  // the model has a 0-d `logit_bias` (open_clip `init_logit_bias`)
  int64_t text_eos_id = 2;  // TextPool::kEos's token (open_clip `text_cfg.eos_id`)
  // VisionLayout::kOpenAI ViT only: `ln_pre` present (false: open_clip `no_ln_pre`, no keys),
  // the pooling, and `ln_post` after the pooling (open_clip `final_ln_after_pool`) instead of
  // before it.
  bool vision_ln_pre = true;
  VisionPool vision_pool = VisionPool::kToken;
  bool vision_final_ln_after_pool = false;
  // open_clip's layer scale (`ls_init_value` set): every block of the tower has `ls_1.gamma` /
  // `ls_2.gamma` [width] scaling its attention and MLP outputs. Read from the keys (vision:
  // VisionLayout::kOpenAI ViTs only).
  bool vision_layer_scale = false;
  bool text_layer_scale = false;

  // The MLP widths with 0 read as 4 * width (a ModifiedResNet's vision MLP width is 0); operator==
  // compares these.
  int64_t effective_vision_mlp_width() const {
    return !is_vit() ? 0 : vision_mlp_width > 0 ? vision_mlp_width : 4 * vision_width;
  }
  int64_t effective_transformer_mlp_width() const {
    return transformer_mlp_width > 0 ? transformer_mlp_width : 4 * transformer_width;
  }

  // True for a ViT image tower (openai/CLIP's, with `visual.proj`, or timm's).
  bool is_vit() const { return vision_patch_size > 0; }
  // Attention heads of the image tower: vision_width / vision_head_width (ViT), vision_width * 32 /
  // vision_head_width (ModifiedResNet's attention pool), as openai/CLIP (head width 64) and
  // open_clip compute them.
  int64_t vision_heads() const;

  bool operator==(const CLIPConfig& other) const;
  bool operator!=(const CLIPConfig& other) const { return !(*this == other); }
};

// open_clip's name of `pool` ("argmax", "last", "first", "eos") and its inverse (throws Error
// naming an unknown name).
const std::string& text_pool_name(TextPool pool);
TextPool text_pool_named(const std::string& name);
// open_clip's name of `pool` ("tok", "avg").
const std::string& vision_pool_name(VisionPool pool);

// Infers the architecture from a normalized state dict (OpenAI key names), with the reference
// rules: a timm ViT iff `visual.trunk.patch_embed.proj.weight` exists (width, patch from it;
// layers = `visual.trunk.blocks.<i>` indices; resolution = patch * sqrt(rows of
// `visual.trunk.pos_embed`), no class token; MLP width from `blocks.0.mlp.fc1`; heads, activation
// and eps left for resolve_architecture; embed_dim = width, timm_proj "none"); custom text iff
// `text.token_embedding.weight` exists (the text keys below under `text.`, embed_dim from
// `text.text_projection.weight` rows (Linear) or columns (matrix)); `logit_bias` when the key
// exists; `vision_ln_pre` iff `visual.ln_pre.weight` exists. Otherwise: ViT iff `visual.proj`
// exists; ViT width / patch from `visual.conv1.weight`, layers =
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
// 64, `vision_mlp_width` / `transformer_mlp_width` unless 4 * width, and `vision_layout`
// ("timm_vit"), `text_layout` ("custom_text"), `vision_ln_eps` / `text_ln_eps`, `text_causal`,
// `text_pool` ("last", "first", "eos"), `text_eos_id`, `text_proj_bias`, `logit_bias`,
// `vision_ln_pre`, `vision_pool` ("avg"), `vision_final_ln_after_pool` unless openai/CLIP's.
nlohmann::json to_json(const CLIPConfig& config);

// The inverse of to_json (also accepts a 1-element array for a ViT's `vision_layers`; absent
// optional fields take openai/CLIP's rules). Throws Error naming a missing or mistyped field, and
// RegistryError for an unknown activation name. The result is validated.
CLIPConfig config_from_json(const nlohmann::json& json);

}  // namespace clipbench
