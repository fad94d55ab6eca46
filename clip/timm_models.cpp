// The built-in table of timm ViT towers (embedded JSON) and what clipbench implements of them.
#include "clip/timm_models.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "clip/embedded_data.h"
#include "clip/registry.h"

namespace clipbench {
namespace {

struct Table {
  std::string source;
  Registry<nlohmann::json> models{"timm VisionTransformer model"};
};

const Table& table() {
  static const Table t = [] {
    const auto j = nlohmann::json::parse(
        std::string(embedded::kTimmModelsJson, embedded::kTimmModelsJsonSize));
    Table out;
    out.source = j.at("source").get<std::string>();
    for (const auto& item : j.at("models").items()) out.models.add(item.key(), item.value());
    return out;
  }();
  return t;
}

}  // namespace

const nlohmann::json& timm_model(const std::string& name) { return table().models.at(name); }

const std::string& timm_models_source() { return table().source; }

std::string timm_vit_unsupported(const nlohmann::json& e) {
  using nlohmann::json;
  const std::vector<std::pair<std::string, json>> required = {{"patch_embed_type", "PatchEmbed"},
                                                              {"patch_embed_norm", false},
                                                              {"patch_embed_bias", true},
                                                              {"class_token", false},
                                                              {"reg_tokens", 0},
                                                              {"global_pool", "map"},
                                                              {"pre_norm", false},
                                                              {"final_norm", true},
                                                              {"fc_norm", false},
                                                              {"layer_scale", false},
                                                              {"qk_norm", false},
                                                              {"qkv_bias", true},
                                                              {"dynamic_img_size", false},
                                                              {"mlp_type", "Mlp"},
                                                              {"norm_type", "LayerNorm"}};
  for (const auto& [key, value] : required)
    if (!e.contains(key) || e.at(key) != value)
      return fmt::format("{} = {} (clipbench implements {})", key,
                         e.contains(key) ? e.at(key).dump() : "absent", value.dump());
  if (e.at("act") != "gelu" && e.at("act") != "gelu_tanh")
    return fmt::format("act = {} (clipbench implements gelu, gelu_tanh)", e.at("act").dump());
  if (!e.contains("attn_pool")) return "attn_pool = absent (clipbench implements the MAP head)";
  const json& p = e.at("attn_pool");
  const std::vector<std::pair<std::string, json>> pool = {{"type", "AttentionPoolLatent"},
                                                          {"latent_len", 1},
                                                          {"pos_embed", false},
                                                          {"qk_norm", false},
                                                          {"pool", "token"},
                                                          {"mlp_type", "Mlp"},
                                                          {"num_heads", e.at("num_heads")},
                                                          {"mlp_hidden", e.at("mlp_hidden")},
                                                          {"act", e.at("act")},
                                                          {"norm_eps", e.at("norm_eps")}};
  for (const auto& [key, value] : pool)
    if (!p.contains(key) || p.at(key) != value)
      return fmt::format("attn_pool.{} = {} (clipbench implements {})", key,
                         p.contains(key) ? p.at(key).dump() : "absent", value.dump());
  return "";
}

}  // namespace clipbench
