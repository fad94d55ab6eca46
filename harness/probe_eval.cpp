// The linear-probe job: cached features -> C sweep -> refit -> test accuracy -> record.
#include "harness/probe_eval.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "baselines/few_shot.h"
#include "baselines/probe_sweep.h"
#include "clip/errors.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "harness/provenance.h"

namespace clipbench::harness {

std::pair<std::vector<int64_t>, std::vector<int64_t>> holdout_split(const at::Tensor& labels,
                                                                    double fraction) {
  const at::Tensor l = labels.to(torch::kLong).contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  std::map<int64_t, std::vector<int64_t>> rows;
  for (int64_t i = 0; i < l.numel(); ++i) rows[p[i]].push_back(i);
  std::vector<int64_t> train, val;
  for (const auto& [label, r] : rows) {
    (void)label;
    const int64_t n = static_cast<int64_t>(r.size());
    int64_t n_val = static_cast<int64_t>(fraction * static_cast<double>(n));
    if (n >= 2 && n_val < 1) n_val = 1;
    train.insert(train.end(), r.begin(), r.end() - n_val);
    val.insert(val.end(), r.end() - n_val, r.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(val.begin(), val.end());
  return {train, val};
}

namespace {

// The three probe splits as ProbeDatasets, features from the cache.
struct ProbeSplits {
  baselines::ProbeDataset train, val, test;
  std::string val_source;
};

bool is_root(const ProbeOptions& o) { return o.group == nullptr || o.group->context().is_root(); }

// Rank 0's flags, on every rank (the ranks' results folders may differ; rank 0 writes).
std::vector<bool> root_decides(const ProbeOptions& o, const std::vector<bool>& flags,
                               const std::string& what) {
  if (o.group == nullptr) return flags;
  const auto all = o.group->all_gather(
      torch::tensor(std::vector<int64_t>(flags.begin(), flags.end()), torch::kLong), what);
  std::vector<bool> out;
  for (size_t i = 0; i < flags.size(); ++i) out.push_back(all[0][i].item<int64_t>() != 0);
  return out;
}

// The splits' features (every rank encodes its shard in a data-parallel run); nullopt on ranks
// other than 0, which hold no features.
std::optional<ProbeSplits> load_probe_splits(const FeatureExtractor& extractor,
                                             const std::string& dataset_id,
                                             const datasets::DatasetInfo& info,
                                             const ProbeOptions& o) {
  namespace fs = std::filesystem;
  const std::string cache = (fs::path(o.out_dir) / "cache" / "features").string();
  const int64_t classes = info.prompt_classes;
  SplitFeatures train = extract_features(extractor, dataset_id, o.data_root, info.probe_train_split,
                                         o.loader, cache, o.group);
  SplitFeatures val, test;
  if (info.probe_val_split != "holdout")
    val = extract_features(extractor, dataset_id, o.data_root, info.probe_val_split, o.loader,
                           cache, o.group);
  test = extract_features(extractor, dataset_id, o.data_root, info.eval_split, o.loader, cache,
                          o.group);
  if (!is_root(o)) return std::nullopt;
  at::Tensor xv, yv, xt = train.features, yt = train.labels;
  std::string val_source = info.probe_val_split;
  if (info.probe_val_split == "holdout") {
    const auto [tr, va] = holdout_split(train.labels);
    const auto ti = torch::tensor(tr, torch::kLong), vi = torch::tensor(va, torch::kLong);
    xt = train.features.index_select(0, ti);
    yt = train.labels.index_select(0, ti);
    xv = train.features.index_select(0, vi);
    yv = train.labels.index_select(0, vi);
    val_source = fmt::format("holdout of {}: {}", info.probe_train_split, info.probe_val_rule);
  } else {
    xv = val.features;
    yv = val.labels;
  }
  using baselines::ProbeDataset;
  ProbeSplits s{ProbeDataset(xt, yt, classes, "train"), ProbeDataset(xv, yv, classes, "val"),
                ProbeDataset(test.features, test.labels, classes, "test"), val_source};
  spdlog::info("{} {} probe splits: {} train, {} val, {} test, {} features", o.model, dataset_id,
               s.train.size(), s.val.size(), s.test.size(), s.train.num_features());
  return s;
}

const datasets::DatasetInfo& probe_info(const std::string& dataset_id) {
  const datasets::DatasetInfo& info = datasets::dataset_info(dataset_id);
  if (info.probe_train_split.empty())
    throw Error(
        fmt::format("{}: the catalogue defines no probe split (zero-shot only)", dataset_id));
  return info;
}

// The fields every probe record shares.
reports::ResultRecord probe_record(const FeatureExtractor& extractor, const std::string& dataset_id,
                                   const datasets::DatasetInfo& info, const ProbeOptions& o) {
  reports::ResultRecord r;
  r.model = o.model;
  r.checkpoint = o.checkpoint;
  r.checkpoint_hash = extractor.hash;
  r.dataset = dataset_id;
  r.dataset_version = info.version;
  r.split = o.loader.limit > 0 ? fmt::format("{}-first-{}", info.eval_split, o.loader.limit)
                               : info.eval_split;
  r.metric = "accuracy";
  r.device = o.device;
  r.precision = "fp64";
  r.num_classes = info.prompt_classes;
  if (info.metric != "accuracy")
    r.extra["note"] = fmt::format(
        "the paper reports {} for this dataset; this probe reports top-1 accuracy", info.metric);
  return r;
}

}  // namespace

ProbeOutcome evaluate_linear_probe(const FeatureExtractor& extractor, const std::string& dataset_id,
                                   const ProbeOptions& o) {
  namespace fs = std::filesystem;
  const datasets::DatasetInfo& info = probe_info(dataset_id);
  reports::ResultRecord r = probe_record(extractor, dataset_id, info, o);
  r.task = "linear_probe";
  const std::string file = reports::record_file_name(r);
  std::string stale;
  const bool exists = root_decides(o, {!o.force && reports::record_exists(o.out_dir, r, &stale)},
                                   fmt::format("{} {} linear probe done", o.model, dataset_id))[0];
  if (!o.force && !stale.empty() && is_root(o)) spdlog::warn("{}: re-running", stale);
  if (exists) {
    if (!is_root(o)) return {r, true};
    spdlog::info("{} {} linear probe: {} exists, skipping (use --force to re-run)", o.model,
                 dataset_id, file);
    return {reports::read_record((fs::path(o.out_dir) / file).string()), true};
  }
  const std::string started = reports::utc_timestamp(std::chrono::system_clock::now());
  const auto t0 = std::chrono::steady_clock::now();
  const auto splits = load_probe_splits(extractor, dataset_id, info, o);
  if (!splits) return {r, false};  // rank 0 fits and writes
  const ProbeSplits& s = *splits;
  const auto result = baselines::sweep_and_refit(s.train, s.val, s.test);
  if (o.group) r.extra["world_size"] = o.group->context().world_size;
  r.value = 100.0 * result.test_accuracy;
  r.metrics["top1"] = r.value;
  r.metrics["accuracy"] = r.value;
  r.n = s.test.size();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.versions = version_info();
  r.started_at = started;
  r.finished_at = reports::utc_timestamp(std::chrono::system_clock::now());
  r.extra["log10_C"] = result.choice.best_log10_C;
  r.extra["val_accuracy"] = 100.0 * result.choice.best_val_accuracy;
  r.extra["train"] = s.train.size();
  r.extra["val"] = s.val.size();
  r.extra["val_source"] = s.val_source;
  r.extra["fits"] = result.choice.evaluated.size() + 1;
  r.extra["preprocessing"] = extractor.preprocessing;
  const std::string path = reports::write_record(o.out_dir, r);
  spdlog::info("{} {} linear probe: accuracy {:.2f} (log10 C = {}) -> {}", o.model, dataset_id,
               r.value, result.choice.best_log10_C, path);
  return {r, false};
}

FewShotOutcome evaluate_few_shot(const FeatureExtractor& extractor, const std::string& dataset_id,
                                 const ProbeOptions& o, const std::vector<int>& shots,
                                 const std::vector<uint64_t>& seeds) {
  namespace fs = std::filesystem;
  const datasets::DatasetInfo& info = probe_info(dataset_id);
  const reports::ResultRecord base = probe_record(extractor, dataset_id, info, o);
  // The jobs still to run; finished ones are read back.
  FewShotOutcome out;
  baselines::FewShotOptions todo;
  todo.shots.clear();
  todo.seeds = seeds;
  std::vector<bool> needed;
  for (int k : shots) {
    bool all_done = !o.force;
    for (uint64_t seed : seeds) {
      reports::ResultRecord r = base;
      r.task = "few_shot";
      r.seed = static_cast<int64_t>(seed);
      r.extra["shots"] = k;
      std::string stale;
      if (!reports::record_exists(o.out_dir, r, &stale)) all_done = false;
      if (!o.force && !stale.empty()) spdlog::warn("{}: re-running", stale);
    }
    needed.push_back(!all_done);
  }
  needed = root_decides(o, needed, fmt::format("{} {} few-shot k to run", o.model, dataset_id));
  for (size_t i = 0; i < shots.size(); ++i)
    if (needed[i]) todo.shots.push_back(shots[i]);
  if (!todo.shots.empty()) {
    const std::string started = reports::utc_timestamp(std::chrono::system_clock::now());
    const auto splits = load_probe_splits(extractor, dataset_id, info, o);
    if (!splits) return out;  // rank 0 fits and writes
    const ProbeSplits& s = *splits;
    const auto result = baselines::few_shot_probe(s.train, s.val, s.test, todo);
    for (const auto& run : result.runs) {
      reports::ResultRecord r = base;
      r.task = "few_shot";
      r.seed = static_cast<int64_t>(run.seed);
      r.value = 100.0 * run.test_accuracy;
      r.metrics["top1"] = r.value;
      r.metrics["accuracy"] = r.value;
      r.n = s.test.size();
      r.seconds = run.seconds;
      r.versions = version_info();
      r.started_at = started;
      r.finished_at = reports::utc_timestamp(std::chrono::system_clock::now());
      r.extra["shots"] = run.k;
      r.extra["log10_C"] = run.log10_C;
      r.extra["val_accuracy"] = 100.0 * run.val_accuracy;
      r.extra["train"] = run.k * info.prompt_classes;
      r.extra["val"] = s.val.size();
      r.extra["val_source"] = s.val_source;
      r.extra["preprocessing"] = extractor.preprocessing;
      if (o.group) r.extra["world_size"] = o.group->context().world_size;
      reports::write_record(o.out_dir, r);
      ++out.written;
    }
    for (const auto& [k, mean] : result.mean_test_accuracy)
      spdlog::info("{} {} {}-shot: mean test accuracy {:.2f} over {} seed(s)", o.model, dataset_id,
                   k, 100.0 * mean, seeds.size());
  }
  if (!is_root(o)) return out;
  for (int k : shots)
    for (uint64_t seed : seeds) {
      reports::ResultRecord r = base;
      r.task = "few_shot";
      r.seed = static_cast<int64_t>(seed);
      r.extra["shots"] = k;
      out.records.push_back(
          reports::read_record((fs::path(o.out_dir) / reports::record_file_name(r)).string()));
    }
  return out;
}

}  // namespace clipbench::harness
