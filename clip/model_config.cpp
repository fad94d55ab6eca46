// Architecture inference from checkpoint keys (openai/CLIP `build_model` rules) and the config's
// JSON form.
#include "clip/model_config.h"

#include <ATen/core/Tensor.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <set>

#include "clip/errors.h"

namespace clipbench {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The tensor stored under `key`, which must have `rank` dimensions.
const at::Tensor& require(const StateDict& sd, const std::string& key, int64_t rank,
                          const std::string& why) {
  auto it = sd.find(key);
  if (it == sd.end() || !it->second.defined()) {
    throw CheckpointError(fmt::format("checkpoint has no '{}' (needed for {})", key, why));
  }
  if (it->second.dim() != rank) {
    throw ShapeMismatchError(
        fmt::format("checkpoint key '{}' has shape {}, expected a {}-d tensor ({})", key,
                    shape_string(it->second.sizes()), rank, why));
  }
  return it->second;
}

// Number of distinct `<i>` in keys `<prefix><i>.<rest>`.
int64_t count_blocks(const StateDict& sd, const std::string& prefix) {
  std::set<std::string> indices;
  for (const auto& kv : sd) {
    if (!starts_with(kv.first, prefix)) continue;
    const auto dot = kv.first.find('.', prefix.size());
    indices.insert(
        kv.first.substr(prefix.size(), dot == std::string::npos ? dot : dot - prefix.size()));
  }
  return static_cast<int64_t>(indices.size());
}

// g such that rows == g * g + 1 (a grid of tokens plus the class / mean token).
int64_t grid_side(const at::Tensor& pos, const std::string& key) {
  const int64_t rows = pos.size(0);
  const auto g = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(rows - 1))));
  if (rows < 2 || g * g + 1 != rows) {
    throw ShapeMismatchError(
        fmt::format("checkpoint key '{}' has shape {}: its row count is not a square grid plus one",
                    key, shape_string(pos.sizes())));
  }
  return g;
}

int64_t json_int(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || !j.at(field).is_number_integer()) {
    throw Error(fmt::format("CLIP config: field '{}' is missing or not an integer", field));
  }
  return j.at(field).get<int64_t>();
}

// Rows of `key` (a [rows, cols] weight), or 0 when the key is absent.
int64_t rows_of(const StateDict& sd, const std::string& key) {
  auto it = sd.find(key);
  return it == sd.end() || !it->second.defined() || it->second.dim() != 2 ? 0 : it->second.size(0);
}

}  // namespace

int64_t CLIPConfig::vision_heads() const {
  if (vision_head_width <= 0) return 0;
  return (is_vit() ? vision_width : vision_width * 32) / vision_head_width;
}

bool CLIPConfig::operator==(const CLIPConfig& o) const {
  return embed_dim == o.embed_dim && image_resolution == o.image_resolution &&
         vision_layers == o.vision_layers && vision_width == o.vision_width &&
         vision_patch_size == o.vision_patch_size && context_length == o.context_length &&
         vocab_size == o.vocab_size && transformer_width == o.transformer_width &&
         transformer_heads == o.transformer_heads && transformer_layers == o.transformer_layers &&
         vision_act == o.vision_act && text_act == o.text_act &&
         vision_head_width == o.vision_head_width &&
         effective_vision_mlp_width() == o.effective_vision_mlp_width() &&
         effective_transformer_mlp_width() == o.effective_transformer_mlp_width() &&
         vision_layout == o.vision_layout && text_layout == o.text_layout &&
         vision_ln_eps == o.vision_ln_eps && text_ln_eps == o.text_ln_eps &&
         text_causal == o.text_causal && text_pool == o.text_pool &&
         text_proj_bias == o.text_proj_bias && logit_bias == o.logit_bias &&
         (text_pool != TextPool::kEos || text_eos_id == o.text_eos_id) &&
         vision_ln_pre == o.vision_ln_pre && vision_pool == o.vision_pool &&
         vision_final_ln_after_pool == o.vision_final_ln_after_pool &&
         vision_layer_scale == o.vision_layer_scale && text_layer_scale == o.text_layer_scale;
}

const std::string& vision_pool_name(VisionPool pool) {
  static const std::string names[] = {"tok", "avg"};
  return names[static_cast<int>(pool)];
}

const std::string& text_pool_name(TextPool pool) {
  static const std::string names[] = {"argmax", "last", "first", "eos"};
  return names[static_cast<int>(pool)];
}

TextPool text_pool_named(const std::string& name) {
  for (TextPool p : {TextPool::kArgmax, TextPool::kLast, TextPool::kFirst, TextPool::kEos})
    if (text_pool_name(p) == name) return p;
  throw Error(
      fmt::format("text pooling '{}': clipbench implements argmax, last, first and eos", name));
}

CLIPConfig infer_config(const StateDict& sd) {
  CLIPConfig c;
  if (sd.count("visual.trunk.patch_embed.proj.weight")) {
    // timm VisionTransformer (open_clip TimmModel, timm_proj "none"): no class token.
    c.vision_layout = VisionLayout::kTimmViT;
    const auto& proj =
        require(sd, "visual.trunk.patch_embed.proj.weight", 4, "the timm ViT width and patch size");
    c.vision_width = proj.size(0);
    c.vision_patch_size = proj.size(-1);
    c.vision_layers = {count_blocks(sd, "visual.trunk.blocks.")};
    if (c.vision_layers[0] == 0)
      throw CheckpointError(
          "checkpoint has 'visual.trunk.patch_embed' but no "
          "'visual.trunk.blocks.<i>.*' keys");
    c.vision_mlp_width = rows_of(sd, "visual.trunk.blocks.0.mlp.fc1.weight");
    const auto& pos = require(sd, "visual.trunk.pos_embed", 3, "the timm ViT input resolution");
    const int64_t rows = pos.size(1);
    const auto g = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(rows))));
    if (pos.size(0) != 1 || g * g != rows)
      throw ShapeMismatchError(fmt::format(
          "checkpoint key 'visual.trunk.pos_embed' has shape {}: expected [1, g * g, width] (a "
          "timm ViT without class token)",
          shape_string(pos.sizes())));
    c.image_resolution = c.vision_patch_size * g;
  } else if (sd.count("visual.proj")) {
    const auto& conv1 = require(sd, "visual.conv1.weight", 4, "the ViT width and patch size");
    c.vision_width = conv1.size(0);
    c.vision_patch_size = conv1.size(-1);
    int64_t layers = 0;
    for (const auto& kv : sd) {
      if (starts_with(kv.first, "visual.") && ends_with(kv.first, ".attn.in_proj_weight")) ++layers;
    }
    if (layers == 0) {
      throw CheckpointError(
          "checkpoint has 'visual.proj' (a ViT image tower) but no "
          "'visual.transformer.resblocks.<i>.attn.in_proj_weight' keys");
    }
    c.vision_layers = {layers};
    c.vision_mlp_width = rows_of(sd, "visual.transformer.resblocks.0.mlp.c_fc.weight");
    c.vision_ln_pre = sd.count("visual.ln_pre.weight") > 0;
    c.vision_layer_scale = sd.count("visual.transformer.resblocks.0.ls_1.gamma") > 0;
    const auto& pos = require(sd, "visual.positional_embedding", 2, "the ViT input resolution");
    c.image_resolution = c.vision_patch_size * grid_side(pos, "visual.positional_embedding");
  } else {
    if (!sd.count("visual.layer1.0.conv1.weight")) {
      throw CheckpointError(
          "checkpoint has neither 'visual.proj' (ViT image tower) nor "
          "'visual.layer1.0.conv1.weight' (ModifiedResNet image tower)");
    }
    for (int b = 1; b <= 4; ++b) {
      const std::string prefix = fmt::format("visual.layer{}.", b);
      const int64_t n = count_blocks(sd, prefix);
      if (n == 0) {
        throw CheckpointError(
            fmt::format("checkpoint has no '{}<i>.*' keys (ModifiedResNet stage {})", prefix, b));
      }
      c.vision_layers.push_back(n);
    }
    c.vision_width =
        require(sd, "visual.layer1.0.conv1.weight", 4, "the ModifiedResNet width").size(0);
    c.vision_patch_size = 0;
    const auto& pos = require(sd, "visual.attnpool.positional_embedding", 2,
                              "the ModifiedResNet input resolution");
    c.image_resolution = 32 * grid_side(pos, "visual.attnpool.positional_embedding");
  }
  const std::string t = sd.count("text.token_embedding.weight") ? "text." : "";
  if (!t.empty()) {
    c.text_layout = TextLayout::kCustomText;
    c.text_proj_bias = sd.count("text.text_projection.bias") > 0;
    const auto& proj =
        require(sd, "text.text_projection" + std::string(c.text_proj_bias ? ".weight" : ""), 2,
                "the embedding width");
    c.embed_dim = c.text_proj_bias ? proj.size(0) : proj.size(1);
  } else {
    c.embed_dim = require(sd, "text_projection", 2, "the embedding width").size(1);
  }
  if (c.vision_layout == VisionLayout::kTimmViT && c.embed_dim != c.vision_width)
    throw ShapeMismatchError(fmt::format(
        "the timm image tower is {} wide but the text projection gives a {}-wide embedding: "
        "clipbench implements open_clip's timm_proj \"none\" only (no image projection)",
        c.vision_width, c.embed_dim));
  c.context_length = require(sd, t + "positional_embedding", 2, "the context length").size(0);
  c.vocab_size = require(sd, t + "token_embedding.weight", 2, "the vocabulary size").size(0);
  c.transformer_width = require(sd, t + "ln_final.weight", 1, "the text width").size(0);
  c.transformer_heads = c.transformer_width / 64;
  c.transformer_layers = count_blocks(sd, t + "transformer.resblocks.");
  c.transformer_mlp_width = rows_of(sd, t + "transformer.resblocks.0.mlp.c_fc.weight");
  c.logit_bias = sd.count("logit_bias") > 0;
  c.text_layer_scale = sd.count(t + "transformer.resblocks.0.ls_1.gamma") > 0;
  if (c.transformer_layers == 0) {
    throw CheckpointError(fmt::format(
        "checkpoint has no '{}transformer.resblocks.<i>.*' keys (text transformer)", t));
  }
  try {
    validate(c);
  } catch (const Error& e) {
    throw CheckpointError(std::string("checkpoint sizes do not make a CLIP model: ") + e.what());
  }
  return c;
}

void validate(const CLIPConfig& c) {
  auto fail = [](const std::string& what) { throw Error("CLIP config: " + what); };
  if (c.embed_dim <= 0) fail(fmt::format("embed_dim {} must be positive", c.embed_dim));
  if (c.context_length <= 0)
    fail(fmt::format("context_length {} must be positive", c.context_length));
  if (c.vocab_size <= 0) fail(fmt::format("vocab_size {} must be positive", c.vocab_size));
  if (c.transformer_layers <= 0) {
    fail(fmt::format("transformer_layers {} must be positive", c.transformer_layers));
  }
  if (c.transformer_heads <= 0 || c.transformer_width % c.transformer_heads != 0) {
    fail(fmt::format("transformer_width {} is not divisible by transformer_heads {}",
                     c.transformer_width, c.transformer_heads));
  }
  if (c.vision_width <= 0) fail(fmt::format("vision_width {} must be positive", c.vision_width));
  if (c.vision_head_width <= 0)
    fail(fmt::format("vision_head_width {} must be positive", c.vision_head_width));
  if (c.vision_mlp_width < 0 || c.transformer_mlp_width < 0)
    fail("MLP widths must not be negative");
  if (c.vision_patch_size < 0) fail("vision_patch_size must not be negative");
  if (c.vision_head_width > 0 &&
      (c.is_vit() ? c.vision_width : c.vision_width * 32) % c.vision_head_width != 0)
    fail(fmt::format("vision_head_width {} does not divide the image tower width {}",
                     c.vision_head_width, c.is_vit() ? c.vision_width : c.vision_width * 32));
  const int64_t heads = c.vision_heads();
  const int64_t tower_width = c.is_vit() ? c.vision_width : c.vision_width * 32;
  if (heads <= 0 || tower_width % heads != 0) {
    fail(fmt::format("image tower width {} is not divisible by its {} heads", tower_width, heads));
  }
  for (int64_t n : c.vision_layers) {
    if (n <= 0) fail("vision_layers entries must be positive");
  }
  for (double eps : {c.vision_ln_eps, c.text_ln_eps})
    if (!(eps > 0 && eps < 1)) fail(fmt::format("LayerNorm eps {} must lie in (0, 1)", eps));
  if (c.vision_layout == VisionLayout::kTimmViT && !c.is_vit())
    fail("a timm image tower is a ViT (vision_patch_size > 0)");
  if (c.text_proj_bias && c.text_layout != TextLayout::kCustomText)
    fail("text_proj_bias needs text_layout custom_text");
  if (c.vision_layer_scale && (c.vision_layout != VisionLayout::kOpenAI || !c.is_vit()))
    fail("vision_layer_scale is an option of open_clip's own ViT");
  if ((!c.vision_ln_pre || c.vision_pool != VisionPool::kToken || c.vision_final_ln_after_pool) &&
      (c.vision_layout != VisionLayout::kOpenAI || !c.is_vit()))
    fail(
        "vision_ln_pre / vision_pool / vision_final_ln_after_pool are options of open_clip's own "
        "ViT");
  if (c.vision_ln_eps != 1e-5 && !c.is_vit())
    fail("vision_ln_eps: a ModifiedResNet has no LayerNorm");
  if (c.is_vit()) {
    if (c.vision_layers.size() != 1) fail("a ViT has one vision_layers entry");
    if (c.image_resolution <= 0 || c.image_resolution % c.vision_patch_size != 0) {
      fail(fmt::format("image_resolution {} is not a positive multiple of vision_patch_size {}",
                       c.image_resolution, c.vision_patch_size));
    }
  } else {
    if (c.vision_layers.size() != 4) fail("a ModifiedResNet has four vision_layers entries");
    if (c.vision_width % 2 != 0) fail("a ModifiedResNet vision_width must be even");
    if (c.image_resolution <= 0 || c.image_resolution % 32 != 0) {
      fail(fmt::format("image_resolution {} is not a positive multiple of 32 (ModifiedResNet)",
                       c.image_resolution));
    }
  }
}

nlohmann::json to_json(const CLIPConfig& c) {
  nlohmann::json j;
  j["embed_dim"] = c.embed_dim;
  j["image_resolution"] = c.image_resolution;
  if (c.is_vit() && c.vision_layers.size() == 1) {
    j["vision_layers"] = c.vision_layers[0];
  } else {
    j["vision_layers"] = c.vision_layers;
  }
  j["vision_width"] = c.vision_width;
  if (c.is_vit()) {
    j["vision_patch_size"] = c.vision_patch_size;
  } else {
    j["vision_patch_size"] = nullptr;
  }
  j["context_length"] = c.context_length;
  j["vocab_size"] = c.vocab_size;
  j["transformer_width"] = c.transformer_width;
  j["transformer_heads"] = c.transformer_heads;
  j["transformer_layers"] = c.transformer_layers;
  if (c.vision_act != Activation::kQuickGelu) j["vision_act"] = activation_name(c.vision_act);
  if (c.text_act != Activation::kQuickGelu) j["text_act"] = activation_name(c.text_act);
  if (c.vision_head_width != 64) j["vision_head_width"] = c.vision_head_width;
  if (c.vision_mlp_width != 0 && c.vision_mlp_width != 4 * c.vision_width)
    j["vision_mlp_width"] = c.vision_mlp_width;
  if (c.transformer_mlp_width != 0 && c.transformer_mlp_width != 4 * c.transformer_width)
    j["transformer_mlp_width"] = c.transformer_mlp_width;
  if (c.vision_layout == VisionLayout::kTimmViT) j["vision_layout"] = "timm_vit";
  if (c.text_layout == TextLayout::kCustomText) j["text_layout"] = "custom_text";
  if (c.vision_ln_eps != 1e-5) j["vision_ln_eps"] = c.vision_ln_eps;
  if (c.text_ln_eps != 1e-5) j["text_ln_eps"] = c.text_ln_eps;
  if (!c.text_causal) j["text_causal"] = false;
  if (c.text_pool != TextPool::kArgmax) j["text_pool"] = text_pool_name(c.text_pool);
  if (c.text_proj_bias) j["text_proj_bias"] = true;
  if (c.logit_bias) j["logit_bias"] = true;
  if (c.text_pool == TextPool::kEos) j["text_eos_id"] = c.text_eos_id;
  if (!c.vision_ln_pre) j["vision_ln_pre"] = false;
  if (c.vision_pool != VisionPool::kToken) j["vision_pool"] = vision_pool_name(c.vision_pool);
  if (c.vision_final_ln_after_pool) j["vision_final_ln_after_pool"] = true;
  if (c.vision_layer_scale) j["vision_layer_scale"] = true;
  if (c.text_layer_scale) j["text_layer_scale"] = true;
  return j;
}

CLIPConfig config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("CLIP config: expected a JSON object");
  static const std::set<std::string> known = {
      "embed_dim",          "image_resolution",  "vision_layers",
      "vision_width",       "vision_patch_size", "context_length",
      "vocab_size",         "transformer_width", "transformer_heads",
      "transformer_layers", "vision_act",        "text_act",
      "vision_head_width",  "vision_mlp_width",  "transformer_mlp_width",
      "vision_layout",      "text_layout",       "vision_ln_eps",
      "text_ln_eps",        "text_causal",       "text_pool",
      "text_proj_bias",     "logit_bias",        "text_eos_id",
      "vision_ln_pre",      "vision_pool",       "vision_final_ln_after_pool",
      "vision_layer_scale", "text_layer_scale"};
  for (const auto& item : j.items())
    if (!known.count(item.key()))
      throw Error(fmt::format("CLIP config: unknown field '{}' (known: {})", item.key(),
                              fmt::join(known, ", ")));
  CLIPConfig c;
  c.embed_dim = json_int(j, "embed_dim");
  c.image_resolution = json_int(j, "image_resolution");
  c.vision_width = json_int(j, "vision_width");
  c.context_length = json_int(j, "context_length");
  c.vocab_size = json_int(j, "vocab_size");
  c.transformer_width = json_int(j, "transformer_width");
  c.transformer_heads = json_int(j, "transformer_heads");
  c.transformer_layers = json_int(j, "transformer_layers");
  if (!j.contains("vision_patch_size") || j.at("vision_patch_size").is_null()) {
    c.vision_patch_size = 0;
  } else {
    c.vision_patch_size = json_int(j, "vision_patch_size");
    if (c.vision_patch_size <= 0) throw Error("CLIP config: vision_patch_size must be positive");
  }
  if (!j.contains("vision_layers")) throw Error("CLIP config: field 'vision_layers' is missing");
  const auto& layers = j.at("vision_layers");
  if (layers.is_number_integer()) {
    c.vision_layers = {layers.get<int64_t>()};
  } else if (layers.is_array()) {
    for (const auto& n : layers) {
      if (!n.is_number_integer()) throw Error("CLIP config: 'vision_layers' holds a non-integer");
      c.vision_layers.push_back(n.get<int64_t>());
    }
  } else {
    throw Error("CLIP config: 'vision_layers' must be an integer or an array of integers");
  }
  auto activation = [&](const char* field) {
    if (!j.contains(field)) return Activation::kQuickGelu;
    if (!j.at(field).is_string())
      throw Error(fmt::format("CLIP config: field '{}' must be an activation name", field));
    return activation_named(j.at(field).get<std::string>());
  };
  c.vision_act = activation("vision_act");
  c.text_act = activation("text_act");
  if (j.contains("vision_head_width")) c.vision_head_width = json_int(j, "vision_head_width");
  c.vision_mlp_width = j.contains("vision_mlp_width") ? json_int(j, "vision_mlp_width")
                       : c.is_vit()                   ? 4 * c.vision_width
                                                      : 0;
  c.transformer_mlp_width = j.contains("transformer_mlp_width")
                                ? json_int(j, "transformer_mlp_width")
                                : 4 * c.transformer_width;
  auto string_field = [&](const char* field, std::initializer_list<const char*> allowed) {
    const auto& v = j.at(field);
    for (const char* a : allowed)
      if (v == a) return std::string(a);
    throw Error(fmt::format("CLIP config: field '{}' is {}; expected one of {}", field, v.dump(),
                            fmt::join(allowed, ", ")));
  };
  auto bool_field = [&](const char* field) {
    if (!j.at(field).is_boolean())
      throw Error(fmt::format("CLIP config: field '{}' must be true or false", field));
    return j.at(field).get<bool>();
  };
  auto number_field = [&](const char* field) {
    if (!j.at(field).is_number())
      throw Error(fmt::format("CLIP config: field '{}' must be a number", field));
    return j.at(field).get<double>();
  };
  if (j.contains("vision_layout") &&
      string_field("vision_layout", {"openai", "timm_vit"}) == "timm_vit")
    c.vision_layout = VisionLayout::kTimmViT;
  if (j.contains("text_layout") &&
      string_field("text_layout", {"openai", "custom_text"}) == "custom_text")
    c.text_layout = TextLayout::kCustomText;
  if (j.contains("vision_ln_eps")) c.vision_ln_eps = number_field("vision_ln_eps");
  if (j.contains("text_ln_eps")) c.text_ln_eps = number_field("text_ln_eps");
  if (j.contains("text_causal")) c.text_causal = bool_field("text_causal");
  if (j.contains("text_pool"))
    c.text_pool = text_pool_named(string_field("text_pool", {"argmax", "last", "first", "eos"}));
  if (j.contains("text_eos_id")) c.text_eos_id = json_int(j, "text_eos_id");
  if (j.contains("vision_ln_pre")) c.vision_ln_pre = bool_field("vision_ln_pre");
  if (j.contains("vision_pool") && string_field("vision_pool", {"tok", "avg"}) == "avg")
    c.vision_pool = VisionPool::kAvg;
  if (j.contains("vision_final_ln_after_pool"))
    c.vision_final_ln_after_pool = bool_field("vision_final_ln_after_pool");
  if (j.contains("text_proj_bias")) c.text_proj_bias = bool_field("text_proj_bias");
  if (j.contains("logit_bias")) c.logit_bias = bool_field("logit_bias");
  if (j.contains("vision_layer_scale")) c.vision_layer_scale = bool_field("vision_layer_scale");
  if (j.contains("text_layer_scale")) c.text_layer_scale = bool_field("text_layer_scale");
  validate(c);
  return c;
}

}  // namespace clipbench
