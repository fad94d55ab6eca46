// `clipbench eval`: zero-shot evaluation of one checkpoint on one or more datasets, in every prompt
// mode, written as result records.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "clip/errors.h"
#include "clip/precision.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "harness/distributed.h"
#include "harness/eval_options.h"
#include "harness/loaded_model.h"
#include "harness/zero_shot_eval.h"

namespace clipbench::cli {
namespace {

struct EvalCommand {
  std::string checkpoint, vocab, device = "cpu", name, precision = "fp32";
  ArchitectureRequest architecture;
  std::vector<std::string> datasets;
  harness::ZeroShotOptions options;
  std::vector<std::string> modes = {"raw", "single", "ensemble"};
  double dist_timeout = harness::kDefaultDistributedTimeout.count();  // seconds
  bool cpu_decode = false;  // with --device cuda: the CPU loader instead of nvJPEG + GPU kernels
};

void run_eval(EvalCommand& c) {
  c.options.modes = harness::parse_prompt_modes(c.modes);
  c.options.gpu_decode = !c.cpu_decode;
  const auto ids = harness::parse_dataset_ids(c.datasets);
  // An unknown name, or fp16 on the CPU, fails before the checkpoint is read and hashed.
  if (c.device == "cpu" && !precision_named(c.precision).cpu_supported)
    throw Error(fmt::format(
        "--precision {}: LibTorch has no CPU matmul/convolution kernels for it; use --device "
        "cuda, or fp32 / bf16 on the CPU",
        c.precision));
  // Data parallel under torchrun / srun (harness/distributed.h): rank 0 prints and writes.
  const auto ctx = harness::distributed_context_from_env();
  const auto group = harness::join_process_group(
      ctx, std::chrono::milliseconds(static_cast<int64_t>(c.dist_timeout * 1000)));
  c.options.group = group.get();
  harness::LoadedModel model = harness::load_model(
      c.checkpoint, c.vocab, harness::rank_device(c.device, ctx), c.name, c.architecture);
  harness::set_precision(model, c.precision);
  for (const auto& id : ids) {
    const auto outcome = harness::evaluate_zero_shot(model, id, c.options);
    if (!ctx.is_root()) continue;
    for (const auto& r : outcome.records)
      fmt::print("{:<16} {:<10} {:<9} {:<22} {:7.2f}  n={}{}\n", r.dataset, r.split, r.prompt_mode,
                 r.metric, r.value, r.n, r.precision == "fp32" ? "" : "  " + r.precision);
    for (const auto& f : outcome.skipped) fmt::print("{:<16} already done: {}\n", id, f);
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval",
      "Zero-shot evaluation of a checkpoint on datasets (raw class names, \"a photo of a {}.\", "
      "and the dataset's prompt ensemble); one result record per dataset and prompt mode in "
      "--out");
  auto c = std::make_shared<EvalCommand>();
  cmd->add_option(
         "--checkpoint", c->checkpoint,
         "OpenAI .pt, torch.save .pt/.bin, .safetensors, a Hugging Face model folder or an "
         "open_clip hub folder")
      ->required();
  add_model_options(cmd, c->architecture);
  cmd->add_option("--dataset", c->datasets,
                  "Catalogue ids, comma-separated or repeated (see `clipbench datasets`)")
      ->required()
      ->delimiter(',');
  cmd->add_option("--data-root", c->options.data_root,
                  "Folder holding the datasets in their catalogued layouts")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", c->options.split,
                  "Split to evaluate (default: the split the paper's number uses, usually test)");
  cmd->add_option("--prompts", c->modes, "Prompt modes: raw, single, ensemble (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--batch-size", c->options.loader.batch_size, "Images per batch")
      ->check(CLI::Range(int64_t{1}, int64_t{65536}))
      ->capture_default_str();
  cmd->add_option("--threads", c->options.loader.threads,
                  "Decode/preprocess threads (0: one per hardware thread)")
      ->check(CLI::Range(int64_t{0}, int64_t{1024}))
      ->capture_default_str();
  cmd->add_option("--device", c->device, "cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_flag(
      "--cpu-decode", c->cpu_decode,
      "With --device cuda: decode and preprocess on the CPU (the batch loader) instead of "
      "nvJPEG + GPU kernels");
  cmd->add_option("--precision", c->precision,
                  "Encoder weights and activations: fp32, fp16 (CUDA only) or bf16; LayerNorm, "
                  "softmax and the returned features / logits stay fp32. A precision other than "
                  "fp32 is part of the record's name (\"ensemble-bf16\"), beside fp32's")
      ->capture_default_str();
  cmd->add_option("--limit", c->options.loader.limit,
                  "Evaluate only the first N images (recorded as split \"test-first-N\")")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--out", c->options.out_dir, "Results folder (one JSON record per job)")
      ->capture_default_str();
  cmd->add_option("--vocab", c->vocab,
                  "BPE vocabulary (default: beside the checkpoint, else $CLIPBENCH_VOCAB, else the "
                  "CLIP BPE vocabulary that ships with clipbench)");
  cmd->add_option("--model-name", c->name,
                  "Name the model for the paper comparison (default: recognised from its "
                  "architecture, e.g. ViT-B/32)");
  cmd->add_flag("--force", c->options.force, "Re-run jobs whose record already exists");
  cmd->add_option("--dist-timeout", c->dist_timeout,
                  "Data-parallel runs (RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS, see "
                  "docs/cluster.md): seconds a rank waits for the others at each exchange")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  cmd->add_flag("--skip-unreadable", c->options.loader.skip_unreadable,
                "Skip images that cannot be read or decoded (counted in the record) instead of "
                "stopping");
  cmd->add_flag("--truncate", c->options.truncate,
                "Truncate prompts longer than the context length instead of failing");
  cmd->callback([c] { run_eval(*c); });
}

}  // namespace clipbench::cli
