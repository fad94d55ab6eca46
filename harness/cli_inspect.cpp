// `clipbench inspect`: a checkpoint's format, architecture, inferred config, storage dtype,
// parameter count.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "clip/checkpoint.h"
#include "clip/load_state_dict.h"
#include "clip/model_config.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"

namespace clipbench::cli {

nlohmann::json inspect_checkpoint(const std::string& path) {
  const Checkpoint ck = read_checkpoint(path);
  const CLIPConfig config = infer_config(ck.state_dict);
  // Strict: every tensor must fit the inferred architecture (names each missing / mis-shaped key).
  build_model(ck.state_dict, ck.path);
  nlohmann::json j;
  j["checkpoint"] = ck.path;
  j["format"] = ck.format;
  j["layout"] = ck.layout;
  j["architecture"] = config.is_vit() ? "vit" : "resnet";
  j["config"] = to_json(config);
  j["storage_dtype"] = ck.storage_dtype;
  j["parameter_count"] = ck.parameter_count;
  j["tensor_count"] = ck.state_dict.size();
  return j;
}

void add_inspect_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect",
                                 "Print a checkpoint's format, architecture (vit / resnet), "
                                 "inferred config, storage dtype and parameter "
                                 "count as JSON");
  auto checkpoint = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--checkpoint", *checkpoint,
                  "OpenAI .pt, torch.save .pt/.bin, .safetensors, or a Hugging Face model folder")
      ->required();
  cmd->add_option("--out", *out, "Write the JSON here instead of stdout");
  cmd->callback([=] { write_output(*out, inspect_checkpoint(*checkpoint).dump(2)); });
}

}  // namespace clipbench::cli
