// `clipbench probe`: the paper's linear probe of CLIP image features or of the supervised
// ResNet-50 baseline on catalogued datasets, one record per dataset.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>

#include "baselines/resnet50.h"
#include "clip/checkpoint.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "harness/distributed.h"
#include "harness/eval_options.h"
#include "harness/loaded_model.h"
#include "harness/probe_eval.h"
#include "harness/sha256.h"

namespace clipbench::cli {
namespace {

struct ProbeCommand {
  std::string checkpoint, resnet50, name, device = "cpu";
  ArchitectureRequest architecture;
  std::vector<std::string> datasets;
  std::vector<int> shots;  // empty: the full probe
  int seeds = 3;
  double dist_timeout = harness::kDefaultDistributedTimeout.count();  // seconds
  harness::ProbeOptions options;
};

void run_probe(ProbeCommand& c) {
  if (c.checkpoint.empty() == c.resnet50.empty())
    throw Error(
        "probe: give exactly one of --checkpoint (CLIP) or --resnet50 (torchvision weights)");
  const auto ids = harness::parse_dataset_ids(c.datasets);
  // Data parallel (torchrun / srun): each rank encodes its shard, rank 0 fits and writes.
  const auto ctx = harness::distributed_context_from_env();
  const auto group = harness::join_process_group(
      ctx, std::chrono::milliseconds(static_cast<int64_t>(c.dist_timeout * 1000)));
  c.options.group = group.get();
  // Each rank on its own GPU (LOCAL_RANK) under torchrun; the record names the device.
  const at::Device device = harness::parse_device(harness::rank_device(c.device, ctx));
  c.options.device = device.is_cuda() ? fmt::format("cuda:{}", device.index()) : "cpu";
  harness::FeatureExtractor fx;
  if (!c.checkpoint.empty()) {
    const Checkpoint ck = read_checkpoint(c.checkpoint);
    ResolvedArchitecture architecture;
    CLIP model = build_model(ck, &architecture, c.architecture);
    if (!architecture.note.empty()) spdlog::info("{}", architecture.note);
    model->to(device);
    const std::string name = harness::model_name(architecture, c.name);
    fx = harness::clip_feature_extractor(
        model, name, harness::model_identity_hash(harness::sha256_path(c.checkpoint), architecture),
        architecture.preprocess);
    c.options.checkpoint = c.checkpoint;
  } else {
    baselines::ResNet50 net = baselines::load_resnet50(c.resnet50);
    net->to(device);
    fx.name = c.name.empty() ? "ResNet-50" : c.name;
    fx.hash = harness::sha256_path(c.resnet50);
    fx.preprocess = baselines::resnet50_preprocess();
    fx.preprocessing = fmt::format("imagenet-bicubic-{}", fx.preprocess.size);
    fx.encode = [net, device](const at::Tensor& images) mutable {
      torch::NoGradGuard no_grad;
      return net->features(images.to(device));
    };
    fx.device = device;
    c.options.checkpoint = c.resnet50;
  }
  c.options.model = fx.name;
  std::vector<uint64_t> seeds;
  for (int i = 0; i < c.seeds; ++i) seeds.push_back(static_cast<uint64_t>(i));
  for (const auto& id : ids) {
    if (c.shots.empty()) {
      const auto r = harness::evaluate_linear_probe(fx, id, c.options).record;
      if (!ctx.is_root()) continue;
      fmt::print("{:<16} {:<18} linear_probe  accuracy {:7.2f}  n={}  log10 C={}\n", r.dataset,
                 r.split, r.value, r.n, r.extra.value("log10_C", 0.0));
      continue;
    }
    const auto records = harness::evaluate_few_shot(fx, id, c.options, c.shots, seeds).records;
    if (!ctx.is_root()) continue;
    for (size_t i = 0; i < c.shots.size(); ++i) {
      double sum = 0;
      for (size_t j = 0; j < seeds.size(); ++j) sum += records[i * seeds.size() + j].value;
      const auto& r = records[i * seeds.size()];
      fmt::print("{:<16} {:<18} few_shot k={:<3} accuracy {:7.2f}  (mean of {} seed(s))  n={}\n",
                 r.dataset, r.split, c.shots[i], sum / static_cast<double>(seeds.size()),
                 seeds.size(), r.n);
    }
  }
}

}  // namespace

void add_probe_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "probe",
      "Linear probe (the paper's protocol: C chosen on validation, refit on train + val, test "
      "accuracy) on CLIP image features or a supervised ResNet-50's pooled features");
  auto c = std::make_shared<ProbeCommand>();
  cmd->add_option("--checkpoint", c->checkpoint, "A CLIP checkpoint (any supported format)");
  add_model_options(cmd, c->architecture);
  cmd->add_option("--resnet50", c->resnet50,
                  "torchvision ResNet-50 weights (.pth state dict or safetensors)");
  cmd->add_option("--dataset", c->datasets, "Catalogue ids, comma-separated or repeated")
      ->required()
      ->delimiter(',');
  cmd->add_option("--data-root", c->options.data_root, "Folder holding the datasets")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--limit", c->options.loader.limit,
                  "Use only the first N images of every split (for smoke tests)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--batch-size", c->options.loader.batch_size, "Images per batch")
      ->check(CLI::Range(int64_t{1}, int64_t{65536}))
      ->capture_default_str();
  cmd->add_option("--threads", c->options.loader.threads, "Decode threads (0: one per core)")
      ->check(CLI::Range(int64_t{0}, int64_t{1024}));
  cmd->add_option("--shots", c->shots,
                  "Few-shot probes instead of the full one: examples per class, comma-separated "
                  "(the paper: 1,2,4,8,16); C chosen on validation, no refit")
      ->delimiter(',')
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seeds", c->seeds, "Few-shot draws per k (seeds 0..N-1), averaged")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--dist-timeout", c->dist_timeout,
                  "Data-parallel runs (RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS, see "
                  "docs/cluster.md): seconds a rank waits for the others at each exchange")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  cmd->add_option("--device", c->device,
                  "cpu or cuda; with cuda, JPEGs are decoded by nvJPEG and preprocessed on the GPU")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--model-name", c->name, "Name of the model in the records and the report");
  cmd->add_option("--out", c->options.out_dir,
                  "Results folder (features are cached in <out>/cache/features)")
      ->capture_default_str();
  cmd->add_flag("--force", c->options.force, "Re-run probes whose record exists");
  cmd->callback([c] { run_probe(*c); });
}

}  // namespace clipbench::cli
