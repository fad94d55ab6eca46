// Shared pieces of the `clipbench` command line: command table, version facts, atomic output.
#include "harness/cli_common.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "clip/architecture.h"
#include "clip/build_info.h"
#include "clip/errors.h"
#include "clip/state_dict.h"
#include "clip/torch_compat.h"
#include "common/atomic_file.h"
#include "harness/build_commit.h"
#include "harness/cli_commands.h"
#include "harness/provenance.h"
#include "reports/result_record.h"

namespace clipbench::cli {

const std::vector<AddCommand>& commands() {
  static const std::vector<AddCommand> table = {
      add_demo_command,  add_eval_command,      add_run_command,        add_report_command,
      add_check_command, add_datasets_command,  add_inspect_command,    add_models_command,
      add_embed_command, add_tokenize_command,  add_preprocess_command, add_version_command,
      add_train_command, add_probe_fit_command, add_probe_command,
  };
  return table;
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << '\n';
    return;
  }
  write_file_atomically(path, [&](std::ostream& out) { out << text << '\n'; });
}

std::vector<reports::ResultRecord> read_result_records(const std::string& dir) {
  std::vector<std::string> others;
  auto records = reports::read_results(dir, &others);
  if (!others.empty())
    spdlog::warn(
        "results folder {}: {} .json file(s) not named as result records "
        "(DATASET__SPLIT__TASK__MODE__HASH.json, as clipbench writes them) were not read: {}",
        dir, others.size(), fmt::join(others, ", "));
  return records;
}

nlohmann::json tensor_to_json(const at::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  if (c.dim() == 0) return c.item<double>();
  if (c.dim() == 1)
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  if (c.dim() != 2)
    throw Error("tensor_to_json: expected a 0-D, 1-D or 2-D tensor, got " +
                shape_string(c.sizes()));
  nlohmann::json rows = nlohmann::json::array();
  for (int64_t i = 0; i < c.size(0); ++i) rows.push_back(tensor_to_json(c[i]));
  return rows;
}

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the versions recorded in results (JSON)");
  cmd->callback([] { std::cout << harness::version_info().dump(2) << '\n'; });
}

void add_model_options(CLI::App* cmd, ArchitectureRequest& request) {
  const auto not_empty = [](const std::string& s) {
    return s.empty() ? std::string("must not be empty") : std::string();
  };
  cmd->add_option("--model", request.model,
                  "open_clip model config (ViT-B-32, ViT-H-14, RN50, ...; `clipbench models`): its "
                  "activation and head counts, for weights without a config beside them (one "
                  "beside them must agree)")
      ->check(not_empty);
  cmd->add_option("--pretrained", request.pretrained,
                  "open_clip pretrained tag of --model (openai, laion2b_s34b_b79k, ...): its "
                  "quick_gelu decides the activation")
      ->check(not_empty);
}

}  // namespace clipbench::cli
