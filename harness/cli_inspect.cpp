// `clipbench inspect`: a checkpoint's format, architecture, resolved config and the source of each
// fact, storage dtype, parameter count.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clip/checkpoint.h"
#include "clip/load_state_dict.h"
#include "clip/model_config.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"

namespace clipbench::cli {

nlohmann::json inspect_checkpoint(const std::string& path, const ArchitectureRequest& request) {
  const Checkpoint ck = read_checkpoint(path);
  // Strict: every tensor must fit the resolved architecture (names each missing / mis-shaped key);
  // facts that no config gives are refused, never guessed.
  ResolvedArchitecture architecture;
  build_model(ck, &architecture, request);
  const CLIPConfig& config = architecture.config;
  nlohmann::json j;
  j["checkpoint"] = ck.path;
  j["format"] = ck.format;
  j["layout"] = ck.layout;
  j["architecture"] = config.vision_layout == VisionLayout::kTimmViT ? "timm_vit"
                      : config.is_vit()                              ? "vit"
                                                                     : "resnet";
  j["config"] = to_json(config);
  j["architecture_source"] = architecture.source;
  if (!architecture.open_clip_name.empty()) j["open_clip_model"] = architecture.open_clip_name;
  if (!architecture.source_path.empty()) j["architecture_source_path"] = architecture.source_path;
  if (!architecture.note.empty()) j["architecture_note"] = architecture.note;
  nlohmann::json facts = nlohmann::json::object();
  for (const auto& f : architecture.facts)
    facts[f.fact] = {{"value", f.value}, {"source", f.source}};
  j["facts"] = facts;
  j["storage_dtype"] = ck.storage_dtype;
  j["parameter_count"] = ck.parameter_count;
  j["tensor_count"] = ck.state_dict.size();
  return j;
}

void add_inspect_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect",
                                 "Print a checkpoint's format, architecture (vit / resnet), "
                                 "resolved config with where each fact came from (facts), "
                                 "storage dtype and parameter count as JSON");
  auto checkpoint = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto request = std::make_shared<ArchitectureRequest>();
  cmd->add_option(
         "--checkpoint", *checkpoint,
         "OpenAI .pt, torch.save .pt/.bin, .safetensors, a Hugging Face model folder or an "
         "open_clip hub folder")
      ->required();
  add_model_options(cmd, *request);
  cmd->add_option("--out", *out, "Write the JSON here instead of stdout");
  cmd->callback([=] { write_output(*out, inspect_checkpoint(*checkpoint, *request).dump(2)); });
}

}  // namespace clipbench::cli
