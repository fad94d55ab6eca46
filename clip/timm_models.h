// The timm image towers that open_clip's configs name, built in (clip/data/timm_models.json,
// read from timm 1.0.31 by scripts/gen_timm_models.py): the facts their weights cannot tell.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace clipbench {

// The table's entry of timm model `name` (a VisionTransformer): patch_size, img_size, embed_dim,
// depth, num_heads, mlp_hidden, act ("gelu", "gelu_tanh"), norm_eps, and the options checked by
// timm_vit_unsupported. Throws RegistryError naming `name` and the nearest known models (a name
// not in the table is not a timm VisionTransformer open_clip uses: ConvNeXt, EVA, ...).
const nlohmann::json& timm_model(const std::string& name);

// "" when clipbench's TimmVisionTransformer (clip/timm_vision_transformer.h) computes exactly
// this timm model: a PatchEmbed with bias and no norm, no class or register tokens, global_pool
// "map" with one latent query and the trunk's heads and MLP width, LayerNorm, timm Mlp, no
// pre-norm / fc-norm / layer scale / qk-norm, qkv bias, a fixed image size. Otherwise the first
// option that differs, as "key = value".
std::string timm_vit_unsupported(const nlohmann::json& entry);

// The source line of the table ("timm 1.0.31 ...").
const std::string& timm_models_source();

}  // namespace clipbench
