// The zero-shot evaluation of one dataset: batches -> image features -> logits per prompt mode ->
// metrics -> result records.
#include "harness/zero_shot_eval.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "clip/text_clean.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "datasets/prompts.h"
#include "harness/distributed.h"
#include "harness/encode_split.h"
#include "harness/metrics.h"
#include "harness/provenance.h"
#include "harness/zero_shot.h"

namespace clipbench::harness {
namespace {

// The class embeddings of one prompt mode, from the cache folder when present and well-formed
// (shape [D, C], float32), else computed and stored there atomically (only by rank 0 of a
// data-parallel run: the ranks would race on the temp file).
at::Tensor cached_classifier(LoadedModel& m, const std::vector<std::vector<std::string>>& names,
                             const std::vector<std::string>& templates, const std::string& hash,
                             const ZeroShotOptions& o) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(o.out_dir) / "cache" / "text";
  // fp32 entries keep their name; another precision's text features are its own entry.
  const std::string suffix = m.precision == "fp32" ? "" : "-" + m.precision;
  const std::string file =
      (dir / fmt::format("{}_{}{}.safetensors", m.checkpoint_hash.substr(7, 16), hash.substr(7, 16),
                         suffix))
          .string();
  const int64_t dim = m.model->config().embed_dim, classes = static_cast<int64_t>(names.size());
  std::error_code ec;
  if (fs::exists(file, ec)) {
    try {
      const auto cache = read_safetensors(file);
      const auto& tensors = cache.tensors;
      const auto it = tensors.find("classifier");
      // The entry's name holds only prefixes of the hashes: its metadata must name all of it.
      auto meta = [&](const std::string& key) {
        const auto f = cache.metadata.find(key);
        return f == cache.metadata.end() ? std::string("unrecorded") : f->second;
      };
      const std::map<std::string, std::string> identity = {{"checkpoint_hash", m.checkpoint_hash},
                                                           {"template_set_hash", hash},
                                                           {"precision", m.precision},
                                                           {"text_cleaner", kTextCleanerVersion}};
      std::string differs;
      for (const auto& [key, want] : identity)
        if (meta(key) != want)
          differs +=
              fmt::format("{}{} {} (now {})", differs.empty() ? "" : ", ", key, meta(key), want);
      const bool shape_ok = it != tensors.end() && it->second.dim() == 2 &&
                            it->second.size(0) == dim && it->second.size(1) == classes &&
                            it->second.scalar_type() == torch::kFloat32;
      if (!differs.empty()) {
        spdlog::warn("{}: cached class embeddings made for another job ({}); recomputing", file,
                     differs);
      } else if (shape_ok && !torch::isfinite(it->second).all().item<bool>()) {
        spdlog::warn("{}: cached class embeddings hold NaN or infinite values; recomputing", file);
      } else if (shape_ok) {
        return it->second.to(m.model->parameters().front().device());
      } else {
        spdlog::warn("{}: cached class embeddings do not match [{}, {}] float32; recomputing", file,
                     dim, classes);
      }
    } catch (const Error& e) {
      spdlog::warn("{}: unreadable cache entry ({}); recomputing", file, e.what());
    }
  }
  if (!m.tokenizer) throw Error(m.tokenizer_refusal);
  at::Tensor w = zero_shot_classifier(m.model, *m.tokenizer, names, templates, o.truncate);
  if (o.group && !o.group->context().is_root()) return w;
  fs::create_directories(dir, ec);
  write_safetensors(file, {{"classifier", w.cpu().contiguous()}},
                    {{"checkpoint_hash", m.checkpoint_hash},
                     {"template_set_hash", hash},
                     {"precision", m.precision},
                     {"text_cleaner", kTextCleanerVersion}});
  return w;
}

// One prompt mode's job: its templates, record (identity filled in), classifier and scores.
struct ModeJob {
  std::string mode;
  std::vector<std::string> templates;
  std::string hash;
  reports::ResultRecord record;
  at::Tensor classifier;
  std::vector<float> scores;  // [N, C] row-major
};

// The modes of o.modes whose record must be (re)computed; the record files of the others (they
// exist and !o.force) go to `skipped`. Under a process group rank 0's results folder decides.
std::vector<ModeJob> pending_modes(const LoadedModel& m, const std::string& dataset_id,
                                   const std::string& split_label, const ZeroShotOptions& o,
                                   std::vector<std::string>& skipped) {
  const datasets::DatasetInfo& info = datasets::dataset_info(dataset_id);
  const datasets::PromptSet& prompts = datasets::prompt_set(dataset_id);
  std::vector<ModeJob> jobs;
  std::vector<ModeJob> candidates;
  std::vector<int8_t> needed;  // 1: the mode's record must be (re)computed
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
    r.dataset_version = info.version;
    r.split = split_label;
    r.task = "zero_shot";
    r.prompt_mode = job.mode;
    r.metric = info.metric;
    r.template_set_hash = job.hash;
    r.num_templates = static_cast<int64_t>(job.templates.size());
    r.device = m.device;
    r.precision = m.precision;
    std::string stale;
    needed.push_back(o.force || !reports::record_exists(o.out_dir, r, &stale));
    if (!o.force && !stale.empty()) spdlog::warn("{}: re-running", stale);
    candidates.push_back(std::move(job));
  }
  if (o.group) {
    // Rank 0's results folder decides (the ranks may not share one); all ranks follow it.
    const auto all = o.group->all_gather(
        torch::tensor(std::vector<int64_t>(needed.begin(), needed.end()), torch::kLong),
        fmt::format("{} {} modes to run", m.name, dataset_id));
    for (size_t i = 0; i < needed.size(); ++i) needed[i] = all[0][i].item<int64_t>() != 0;
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!needed[i]) {
      const std::string file = reports::record_file_name(candidates[i].record);
      spdlog::info("{} {} {}: {} exists, skipping (use --force to re-run)", m.name, dataset_id,
                   candidates[i].mode, file);
      skipped.push_back(file);
    } else {
      jobs.push_back(std::move(candidates[i]));
    }
  }
  return jobs;
}

// Scores mode `k`'s logits (columns [k C, (k + 1) C) of encoded.rows, C = num_classes) with the
// dataset's metric and writes its record atomically; returns the record.
reports::ResultRecord write_mode_record(ModeJob& job, size_t k, const EncodedSplit& encoded,
                                        const datasets::Dataset& dataset, const std::string& metric,
                                        int64_t num_classes, const LoadedModel& m,
                                        const std::string& split_label, const EncodeOptions& eo,
                                        const ZeroShotOptions& o, double seconds,
                                        const std::string& started,
                                        const nlohmann::json& versions) {
  const int64_t n = encoded.rows.size(0);
  const at::Tensor logits =
      encoded.rows.narrow(1, static_cast<int64_t>(k) * num_classes, num_classes).contiguous();
  job.scores.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
  const Scores scores(job.scores, n, num_classes);
  MetricValues result;
  if (dataset.multi_label()) {
    MultiLabelTargets t;
    t.rows = n;
    t.cols = num_classes;
    const int8_t* v = encoded.targets.data_ptr<int8_t>();
    t.values.assign(v, v + encoded.targets.numel());
    result = compute_metrics(metric, scores, t);
  } else {
    const std::vector<int64_t> labels(encoded.labels.data_ptr<int64_t>(),
                                      encoded.labels.data_ptr<int64_t>() + n);
    result = compute_metrics(metric, scores, labels);
  }
  auto& r = job.record;
  r.value = result.value;
  r.metrics = result.metrics;
  r.n = n;
  r.num_classes = num_classes;
  r.skipped = encoded.skipped;
  r.seconds = seconds;
  r.images_per_second = seconds > 0 ? n / seconds : 0.0;
  r.versions = versions;
  r.started_at = started;
  r.finished_at = reports::utc_timestamp(std::chrono::system_clock::now());
  r.extra["source"] = dataset.source();
  r.extra["batch_size"] = eo.loader.batch_size;
  r.extra["preprocessing"] = eo.loader.preprocess.key();
  r.extra["pipeline"] = encoded.pipeline;
  if (o.group) r.extra["world_size"] = o.group->context().world_size;
  const std::string path = reports::write_record(o.out_dir, r);
  spdlog::info("{} {} {} {}: {} = {:.2f} (n = {}) -> {}", m.name, r.dataset, split_label, job.mode,
               r.metric, r.value, n, path);
  return r;
}

}  // namespace

ZeroShotOutcome evaluate_zero_shot(LoadedModel& m, const std::string& dataset_id,
                                   const ZeroShotOptions& o) {
  const datasets::DatasetInfo& info = datasets::dataset_info(dataset_id);
  const datasets::PromptSet& prompts = datasets::prompt_set(dataset_id);
  const std::string split = o.split.empty() ? info.eval_split : o.split;
  const std::string split_label =
      o.loader.limit > 0 ? fmt::format("{}-first-{}", split, o.loader.limit) : split;

  ZeroShotOutcome outcome;
  std::vector<ModeJob> jobs = pending_modes(m, dataset_id, split_label, o, outcome.skipped);
  if (jobs.empty()) return outcome;

  const std::string started = reports::utc_timestamp(std::chrono::system_clock::now());
  const auto t0 = std::chrono::steady_clock::now();
  auto dataset = datasets::open_dataset(dataset_id, o.data_root, split);
  const int64_t num_classes = static_cast<int64_t>(prompts.classes.size());
  for (auto& job : jobs)
    job.classifier = cached_classifier(m, prompts.classes, job.templates, job.hash, o);

  EncodeOptions eo;
  eo.loader = o.loader;
  eo.loader.preprocess = m.preprocess;
  eo.device = m.model->device();
  eo.gpu_decode = o.gpu_decode;
  eo.group = o.group;
  if (o.progress) eo.progress_label = fmt::format("{} {} {}", m.name, dataset_id, split_label);
  // Each batch's features are scored against every mode's classifier on the device; the rows are
  // the modes' logits side by side ([B, modes x C]).
  const EncodedSplit encoded = encode_split(
      [&](const at::Tensor& images) {
        const at::Tensor features = m.model->encode_image(images);
        std::vector<at::Tensor> logits;
        for (const auto& job : jobs) logits.push_back(zero_shot_logits(features, job.classifier));
        return torch::cat(logits, 1);
      },
      *dataset, eo);
  if (o.group && !o.group->context().is_root()) return outcome;  // rank 0 writes the records
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (encoded.rows.size(1) != num_classes * static_cast<int64_t>(jobs.size()))
    throw Error(fmt::format("{} {}: {} logits per image for {} modes of {} classes", dataset_id,
                            split_label, encoded.rows.size(1), jobs.size(), num_classes));
  if (dataset->multi_label() && encoded.targets.size(1) != num_classes)
    throw datasets::DatasetError(
        fmt::format("{} {}: a sample has {} targets, expected one per class ({})", dataset_id,
                    split_label, encoded.targets.size(1), num_classes));
  const nlohmann::json versions = version_info();
  for (size_t k = 0; k < jobs.size(); ++k)
    outcome.records.push_back(write_mode_record(jobs[k], k, encoded, *dataset, info.metric,
                                                num_classes, m, split_label, eo, o, seconds,
                                                started, versions));
  return outcome;
}

}  // namespace clipbench::harness
