// The zero-shot evaluation of one dataset: batches -> image features -> logits per prompt mode ->
// metrics -> result records.
#include "harness/zero_shot_eval.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "datasets/prompts.h"
#include "harness/cli_common.h"
#include "harness/metrics.h"
#include "harness/progress.h"
#include "harness/zero_shot.h"

namespace clipbench::harness {
namespace {

// The class embeddings of one prompt mode, from the cache folder when present and well-formed
// (shape [D, C], float32), else computed and stored there atomically.
at::Tensor cached_classifier(LoadedModel& m, const std::vector<std::vector<std::string>>& names,
                             const std::vector<std::string>& templates, const std::string& hash,
                             const ZeroShotOptions& o) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(o.out_dir) / "cache" / "text";
  const std::string file =
      (dir / fmt::format("{}_{}.safetensors", m.checkpoint_hash.substr(7, 16), hash.substr(7, 16)))
          .string();
  const int64_t dim = m.model->config().embed_dim, classes = static_cast<int64_t>(names.size());
  std::error_code ec;
  if (fs::exists(file, ec)) {
    try {
      const auto tensors = read_safetensors(file).tensors;
      const auto it = tensors.find("classifier");
      if (it != tensors.end() && it->second.dim() == 2 && it->second.size(0) == dim &&
          it->second.size(1) == classes && it->second.scalar_type() == torch::kFloat32)
        return it->second.to(m.model->parameters().front().device());
      spdlog::warn("{}: cached class embeddings do not match [{}, {}] float32; recomputing", file,
                   dim, classes);
    } catch (const Error& e) {
      spdlog::warn("{}: unreadable cache entry ({}); recomputing", file, e.what());
    }
  }
  at::Tensor w = zero_shot_classifier(m.model, *m.tokenizer, names, templates, o.truncate);
  fs::create_directories(dir, ec);
  write_safetensors(file, {{"classifier", w.cpu().contiguous()}},
                    {{"checkpoint_hash", m.checkpoint_hash}, {"template_set_hash", hash}});
  return w;
}

}  // namespace

ZeroShotOutcome evaluate_zero_shot(LoadedModel& m, const std::string& dataset_id,
                                   const ZeroShotOptions& o) {
  const datasets::DatasetInfo& info = datasets::dataset_info(dataset_id);
  const datasets::PromptSet& prompts = datasets::prompt_set(dataset_id);
  const std::string split = o.split.empty() ? info.eval_split : o.split;
  const std::string split_label =
      o.loader.limit > 0 ? fmt::format("{}-first-{}", split, o.loader.limit) : split;

  // Which modes still need a record?
  struct ModeJob {
    std::string mode;
    std::vector<std::string> templates;
    std::string hash;
    reports::ResultRecord record;
    at::Tensor classifier;
    std::vector<float> scores;  // [N, C] row-major
  };
  ZeroShotOutcome outcome;
  std::vector<ModeJob> jobs;
  for (const auto& mode_name : o.modes) {
    ModeJob job;
    job.mode = prompt_mode(mode_name).name;
    job.templates = prompt_mode(mode_name).templates(prompts);
    job.hash = template_set_hash(prompts.classes, job.templates);
    auto& r = job.record;
    r.model = m.name;
    r.checkpoint = m.checkpoint;
    r.checkpoint_hash = m.checkpoint_hash;
    r.dataset = dataset_id;
    r.split = split_label;
    r.task = "zero_shot";
    r.prompt_mode = job.mode;
    r.metric = info.metric;
    r.template_set_hash = job.hash;
    r.num_templates = static_cast<int64_t>(job.templates.size());
    r.device = m.device;
    r.precision = "fp32";
    const std::string file = reports::record_file_name(r);
    if (!o.force && reports::record_exists(o.out_dir, file)) {
      spdlog::info("{} {} {}: {} exists, skipping (use --force to re-run)", m.name, dataset_id,
                   job.mode, file);
      outcome.skipped.push_back(file);
      continue;
    }
    jobs.push_back(std::move(job));
  }
  if (jobs.empty()) return outcome;

  const std::string started = reports::utc_timestamp(std::chrono::system_clock::now());
  const auto t0 = std::chrono::steady_clock::now();
  auto dataset = datasets::open_dataset(dataset_id, o.data_root, split);
  const int64_t num_classes = static_cast<int64_t>(prompts.classes.size());
  for (auto& job : jobs)
    job.classifier = cached_classifier(m, prompts.classes, job.templates, job.hash, o);

  LoaderOptions lo = o.loader;
  lo.resolution = m.model->config().image_resolution;
  BatchLoader loader(*dataset, lo);
  std::vector<int64_t> labels;
  std::vector<std::vector<int8_t>> targets;
  int64_t skipped = 0, done = 0;
  Progress progress(fmt::format("{} {} {}", m.name, dataset_id, split_label), loader.num_samples());
  torch::NoGradGuard no_grad;
  while (auto batch = loader.next()) {
    skipped += batch->skipped;
    for (const auto& name : batch->skipped_names)
      spdlog::warn("skipped unreadable image: {}", name);
    if (batch->images.size(0) > 0) {
      const at::Tensor features = m.model->encode_image(batch->images);
      for (auto& job : jobs) {
        const at::Tensor logits = zero_shot_logits(features, job.classifier).cpu().contiguous();
        const float* p = logits.data_ptr<float>();
        job.scores.insert(job.scores.end(), p, p + logits.numel());
      }
      labels.insert(labels.end(), batch->labels.begin(), batch->labels.end());
      for (auto& t : batch->targets) targets.push_back(std::move(t));
    }
    done += batch->images.size(0) + batch->skipped;
    if (o.progress) progress.update(done);
  }
  if (o.progress) progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int64_t n = static_cast<int64_t>(labels.size());
  if (n == 0)
    throw datasets::DatasetError(
        fmt::format("{} {}: no image could be scored", dataset_id, split_label));

  const nlohmann::json versions = cli::version_info();
  for (auto& job : jobs) {
    auto& r = job.record;
    const Scores scores(job.scores, n, num_classes);
    MetricValues result;
    if (dataset->multi_label()) {
      MultiLabelTargets t;
      t.rows = n;
      t.cols = num_classes;
      for (const auto& row : targets) {
        if (static_cast<int64_t>(row.size()) != num_classes)
          throw datasets::DatasetError(
              fmt::format("{} {}: a sample has {} targets, expected one per class ({})", dataset_id,
                          split_label, row.size(), num_classes));
        t.values.insert(t.values.end(), row.begin(), row.end());
      }
      result = compute_metrics(info.metric, scores, t);
    } else {
      result = compute_metrics(info.metric, scores, labels);
    }
    r.value = result.value;
    r.metrics = result.metrics;
    r.n = n;
    r.num_classes = num_classes;
    r.skipped = skipped;
    r.seconds = seconds;
    r.images_per_second = seconds > 0 ? n / seconds : 0.0;
    r.versions = versions;
    r.started_at = started;
    r.finished_at = reports::utc_timestamp(std::chrono::system_clock::now());
    r.extra["source"] = dataset->source();
    r.extra["batch_size"] = lo.batch_size;
    const std::string path = reports::write_record(o.out_dir, r);
    spdlog::info("{} {} {} {}: {} = {:.2f} (n = {}) -> {}", m.name, dataset_id, split_label,
                 job.mode, r.metric, r.value, n, path);
    outcome.records.push_back(r);
  }
  return outcome;
}

}  // namespace clipbench::harness
