// `clipbench models`: the built-in open_clip model configs and pretrained tags, and whether
// clipbench's encoders and preprocessing implement each.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clip/architecture.h"
#include "clip/open_clip_models.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"

namespace clipbench::cli {
namespace {

nlohmann::json models_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : open_clip_model_names()) {
    const std::string why = open_clip_unsupported(open_clip_model_cfg(name));
    const std::string tokenizer = open_clip_tokenizer(open_clip_model_cfg(name));
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& tag : open_clip_pretrained_tags(name)) {
      const auto& p = open_clip_pretrained(name, tag);
      const std::string tag_why = open_clip_preprocess_unsupported(p);
      nlohmann::json entry = {{"tag", tag},
                              {"quick_gelu", p.at("quick_gelu")},
                              {"supported", why.empty() && tag_why.empty()},
                              {"unsupported", !why.empty() ? "model config: " + why : tag_why}};
      // open_clip's eval transform of the tag (the size is the model's image_size).
      if (tag_why.empty()) {
        const ImagePreprocess pre = open_clip_preprocess(p, 0);
        entry["preprocess"] =
            fmt::format("{} {}, mean [{}], std [{}]", interpolation_name(pre.interpolation),
                        resize_mode_name(pre.resize_mode), fmt::join(pre.normalization.mean, ", "),
                        fmt::join(pre.normalization.std, ", "));
      }
      tags.push_back(entry);
    }
    // A tokenizer other than CLIP's BPE is read from the weights' folder (SentencePiece T5 / Gemma
    // tokenizers, clip/sentencepiece_tokenizer.h); any other goes in as ids.
    out.push_back(
        {{"model", name},
         {"supported", why.empty()},
         {"unsupported", why},
         {"tokenizer", tokenizer.empty() ? "clip-bpe (built in)"
                                         : "from the weights' folder (SentencePiece T5 / Gemma "
                                           "tokenizer files; any other: text as token ids): " +
                                               tokenizer},
         {"pretrained", tags}});
  }
  return out;
}

std::string models_text(const nlohmann::json& models) {
  std::string text =
      fmt::format("open_clip model configs built in ({})\n", open_clip_models_source());
  size_t supported = 0;
  for (const auto& m : models) {
    supported += m.at("supported").get<bool>();
    text += fmt::format("{:<36} {}\n", m.at("model").get<std::string>(),
                        !m.at("supported").get<bool>()
                            ? "not implemented: " + m.at("unsupported").get<std::string>()
                        : m.at("tokenizer").get<std::string>().rfind("clip-bpe", 0) == 0
                            ? "supported"
                            : "supported (tokenizer " + m.at("tokenizer").get<std::string>() + ")");
    for (const auto& t : m.at("pretrained")) {
      if (!m.at("supported").get<bool>()) {
        text += fmt::format("  --pretrained {}\n", t.at("tag").get<std::string>());
        continue;
      }
      text += fmt::format(
          "  --pretrained {:<34} {}{}\n", t.at("tag").get<std::string>(),
          t.at("quick_gelu").get<bool>() ? "QuickGELU" : "nn.GELU",
          t.at("supported").get<bool>()
              ? ", " + t.at("preprocess").get<std::string>()
              : ", preprocessing not implemented: " + t.at("unsupported").get<std::string>());
    }
  }
  text += fmt::format("{} of {} configs supported; use: --model NAME [--pretrained TAG]", supported,
                      models.size());
  return text;
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "models",
      "List the built-in open_clip model configs (for --model) and their pretrained tags (for "
      "--pretrained): activation, and whether clipbench implements the architecture and the "
      "tag's preprocessing");
  auto json = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  cmd->add_flag("--json", *json, "JSON instead of text");
  cmd->add_option("--out", *out, "Write here instead of stdout");
  cmd->callback([=] {
    const auto models = models_json();
    write_output(*out, *json ? models.dump(1) : models_text(models));
  });
}

}  // namespace clipbench::cli
