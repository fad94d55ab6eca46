// Maps Hugging Face `CLIPModel` tensor names to OpenAI names through a name table.
#include "clip/hf_clip_mapping.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <regex>
#include <vector>

#include "clip/errors.h"

namespace clipbench {
namespace {

enum class Transform { kCopy, kTranspose, kDrop };

struct NameRule {
  const char* hf;      // regex over the whole HF key
  const char* openai;  // replacement ($1 = layer index)
  Transform transform;
};

// The name table: HF key pattern -> OpenAI key. q/k/v are handled separately (they merge).
const std::vector<NameRule>& name_table() {
  static const std::vector<NameRule> table = {
      {R"(logit_scale)", "logit_scale", Transform::kCopy},
      {R"(text_model\.embeddings\.token_embedding\.weight)", "token_embedding.weight",
       Transform::kCopy},
      {R"(text_model\.embeddings\.position_embedding\.weight)", "positional_embedding",
       Transform::kCopy},
      {R"((text|vision)_model\.embeddings\.position_ids)", "", Transform::kDrop},
      {R"(text_model\.final_layer_norm\.(weight|bias))", "ln_final.$1", Transform::kCopy},
      {R"(text_projection\.weight)", "text_projection", Transform::kTranspose},
      {R"(text_model\.encoder\.layers\.(\d+)\.self_attn\.out_proj\.(weight|bias))",
       "transformer.resblocks.$1.attn.out_proj.$2", Transform::kCopy},
      {R"(text_model\.encoder\.layers\.(\d+)\.layer_norm1\.(weight|bias))",
       "transformer.resblocks.$1.ln_1.$2", Transform::kCopy},
      {R"(text_model\.encoder\.layers\.(\d+)\.layer_norm2\.(weight|bias))",
       "transformer.resblocks.$1.ln_2.$2", Transform::kCopy},
      {R"(text_model\.encoder\.layers\.(\d+)\.mlp\.fc1\.(weight|bias))",
       "transformer.resblocks.$1.mlp.c_fc.$2", Transform::kCopy},
      {R"(text_model\.encoder\.layers\.(\d+)\.mlp\.fc2\.(weight|bias))",
       "transformer.resblocks.$1.mlp.c_proj.$2", Transform::kCopy},
      {R"(vision_model\.embeddings\.class_embedding)", "visual.class_embedding", Transform::kCopy},
      {R"(vision_model\.embeddings\.patch_embedding\.weight)", "visual.conv1.weight",
       Transform::kCopy},
      {R"(vision_model\.embeddings\.position_embedding\.weight)", "visual.positional_embedding",
       Transform::kCopy},
      {R"(vision_model\.pre_layrnorm\.(weight|bias))", "visual.ln_pre.$1", Transform::kCopy},
      {R"(vision_model\.post_layernorm\.(weight|bias))", "visual.ln_post.$1", Transform::kCopy},
      {R"(visual_projection\.weight)", "visual.proj", Transform::kTranspose},
      {R"(vision_model\.encoder\.layers\.(\d+)\.self_attn\.out_proj\.(weight|bias))",
       "visual.transformer.resblocks.$1.attn.out_proj.$2", Transform::kCopy},
      {R"(vision_model\.encoder\.layers\.(\d+)\.layer_norm1\.(weight|bias))",
       "visual.transformer.resblocks.$1.ln_1.$2", Transform::kCopy},
      {R"(vision_model\.encoder\.layers\.(\d+)\.layer_norm2\.(weight|bias))",
       "visual.transformer.resblocks.$1.ln_2.$2", Transform::kCopy},
      {R"(vision_model\.encoder\.layers\.(\d+)\.mlp\.fc1\.(weight|bias))",
       "visual.transformer.resblocks.$1.mlp.c_fc.$2", Transform::kCopy},
      {R"(vision_model\.encoder\.layers\.(\d+)\.mlp\.fc2\.(weight|bias))",
       "visual.transformer.resblocks.$1.mlp.c_proj.$2", Transform::kCopy},
  };
  return table;
}

// `text_model.encoder.layers.3.self_attn.q_proj.weight` -> (OpenAI prefix, part, kind).
const std::regex& qkv_pattern() {
  static const std::regex re(
      R"((text|vision)_model\.encoder\.layers\.(\d+)\.self_attn\.([qkv])_proj\.(weight|bias))");
  return re;
}

}  // namespace

bool is_hf_clip_layout(const StateDict& sd) {
  for (const auto& kv : sd)
    if (kv.first.rfind("text_model.", 0) == 0 || kv.first.rfind("vision_model.", 0) == 0)
      return true;
  return false;
}

StateDict hf_clip_to_openai(const StateDict& sd, const std::string& source) {
  std::vector<std::pair<std::regex, const NameRule*>> rules;
  for (const auto& r : name_table()) rules.emplace_back(std::regex(r.hf), &r);

  StateDict out;
  // (openai attention prefix, weight|bias) -> q, k, v parts
  std::map<std::pair<std::string, std::string>, std::array<at::Tensor, 3>> qkv;
  std::vector<std::string> unknown;
  for (const auto& [key, tensor] : sd) {
    std::smatch m;
    if (std::regex_match(key, m, qkv_pattern())) {
      const std::string prefix =
          (m[1] == "text" ? std::string("transformer") : std::string("visual.transformer")) +
          ".resblocks." + m[2].str() + ".attn.";
      const int part = m[3] == "q" ? 0 : (m[3] == "k" ? 1 : 2);
      qkv[{prefix, m[4].str()}][part] = tensor;
      continue;
    }
    bool matched = false;
    for (const auto& [re, rule] : rules) {
      if (!std::regex_match(key, m, re)) continue;
      matched = true;
      if (rule->transform == Transform::kDrop) break;
      const std::string name = std::regex_replace(key, re, rule->openai);
      out[name] = rule->transform == Transform::kTranspose ? tensor.t().contiguous() : tensor;
      break;
    }
    if (!matched) unknown.push_back(key);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& k : unknown) list += "\n  " + k;
    throw CheckpointError(fmt::format("{}: {} Hugging Face key(s) with no OpenAI CLIP name:{}",
                                      source, unknown.size(), list));
  }
  for (const auto& [where, parts] : qkv) {
    for (int i = 0; i < 3; ++i)
      if (!parts[i].defined())
        throw CheckpointError(
            fmt::format("{}: attention {}{} has no {}_proj.{} (q, k and v are all needed)", source,
                        where.first, where.second, "qkv"[i], where.second));
    out[where.first + "in_proj_" + where.second] = torch::cat({parts[0], parts[1], parts[2]}, 0);
  }
  return out;
}

}  // namespace clipbench
