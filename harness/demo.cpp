// The demo pipeline: captions from Fashion-MNIST labels -> contrastive training -> zero-shot
// evaluation -> linear probes (CLIP features, raw pixels) -> report.
#include "harness/demo.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "baselines/probe_sweep.h"
#include "clip/errors.h"
#include "clip/safetensors.h"
#include "clip/tokenizer.h"
#include "common/atomic_file.h"
#include "datasets/catalogue.h"
#include "datasets/prompts.h"
#include "harness/encode_split.h"
#include "harness/loaded_model.h"
#include "harness/provenance.h"
#include "harness/sha256.h"
#include "harness/zero_shot_eval.h"
#include "reports/markdown_report.h"
#include "reports/paper_reference.h"
#include "reports/result_record.h"
#include "reports/summary.h"
#include "reports/svg_chart.h"
#include "train/demo_data.h"
#include "train/train_configs.h"
#include "train/trainer.h"

namespace clipbench::harness {
namespace {

namespace fs = std::filesystem;
constexpr const char* kDataset = "fashion_mnist";

// The first `limit` samples of a split as L-mode images and labels (limit 0: all).
train::LabelledImages read_split(const std::string& root, const std::string& split, int64_t limit) {
  const auto ds = datasets::open_dataset(kDataset, root, split);
  const size_t n =
      limit > 0 ? std::min<size_t>(ds->size(), static_cast<size_t>(limit)) : ds->size();
  train::LabelledImages out;
  out.images.reserve(n);
  out.labels.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const datasets::Sample s = ds->get(i);
    out.images.push_back(datasets::load_sample_image(s));
    out.labels.push_back(s.label);
  }
  return out;
}

// Trains the demo model unless its checkpoint exists; returns the checkpoint path.
std::string train_demo_model(const DemoOptions& o, const std::string& vocab) {
  const fs::path dir = fs::path(o.out) / "model";
  const std::string checkpoint = (dir / "checkpoint.safetensors").string();
  std::error_code ec;
  if (!o.force && fs::exists(checkpoint, ec) && fs::exists(dir / "config.json", ec)) {
    spdlog::info("demo: reusing the trained model {} (--force retrains)", checkpoint);
    return checkpoint;
  }
  const train::TrainConfig& tc = train::train_config(train::demo_config_name());
  train::TrainOptions options = tc.options;
  if (o.steps > 0) options.steps = o.steps;
  options.seed = o.seed;
  const auto& prompts = datasets::prompt_set(kDataset);
  std::vector<std::string> names;
  for (const auto& c : prompts.classes) names.push_back(c.front());
  const train::LabelledImages data = read_split(o.data_root, "train", 0);
  const train::InMemoryPairs pairs =
      train::caption_images(data, names, train::demo_caption_templates(), o.seed);
  const Tokenizer tokenizer = Tokenizer::from_file(vocab);
  spdlog::info(
      "demo: training config '{}' on {} Fashion-MNIST train images: {} steps of {} "
      "pairs, seed {}, {} threads",
      tc.name, pairs.size(), options.steps, options.batch_size, o.seed, at::get_num_threads());
  torch::manual_seed(o.seed);
  CLIP model(tc.model);
  nlohmann::json log = nlohmann::json::array();
  const auto steps =
      train::train_clip(model, pairs, tokenizer, options, [&](const train::TrainStep& s) {
        log.push_back({{"step", s.step},
                       {"loss", s.loss},
                       {"lr", s.lr},
                       {"scale", s.scale},
                       {"seconds", s.seconds}});
        if (s.step % 100 == 0 || s.step == options.steps)
          spdlog::info("demo: step {}/{} loss {:.4f} scale {:.1f} ({:.0f} s)", s.step,
                       options.steps, s.loss, s.scale, s.seconds);
      });
  fs::create_directories(dir, ec);
  write_safetensors(checkpoint, train::checkpoint_state_dict(model),
                    {{"format", "pt"},
                     {"clipbench_train_config", tc.name},
                     {"clipbench_train_steps", std::to_string(options.steps)},
                     {"clipbench_train_seed", std::to_string(o.seed)}});
  // The architecture beside the weights (clip/architecture.h reads it).
  write_file_atomically((dir / "config.json").string(),
                        nlohmann::json{{"config", to_json(model->config())}}.dump(1) + "\n");
  write_file_atomically((dir / "train_log.json").string(), log.dump() + "\n");
  write_vocabulary_files(vocab, dir.string());
  spdlog::info("demo: trained in {:.1f} s, final loss {:.4f} -> {}", steps.back().seconds,
               steps.back().loss, checkpoint);
  return checkpoint;
}

// Image features [N, D] (float32, un-normalised, as CLIP's linear probes use them) and labels of
// the first `limit` images of a split.
std::pair<at::Tensor, at::Tensor> split_features(LoadedModel& m, const DemoOptions& o,
                                                 const std::string& split, int64_t limit) {
  const auto ds = datasets::open_dataset(kDataset, o.data_root, split);
  EncodeOptions eo;
  eo.loader.batch_size = o.batch_size;
  eo.loader.preprocess = m.preprocess;
  eo.loader.limit = limit;
  eo.device = m.model->device();
  const EncodedSplit encoded = encode_split(
      [&m](const at::Tensor& images) { return m.model->encode_image(images); }, *ds, eo);
  return {encoded.rows, encoded.labels};
}

// Pixels / 255 as [N, 784] float32 (the probe fixture's features) and labels.
std::pair<at::Tensor, at::Tensor> pixel_split(const DemoOptions& o, const std::string& split,
                                              int64_t limit) {
  const train::LabelledImages data = read_split(o.data_root, split, limit);
  const int64_t n = static_cast<int64_t>(data.images.size());
  at::Tensor x = torch::empty({n, 28 * 28}, torch::kFloat32);
  for (int64_t i = 0; i < n; ++i) {
    const Image& img = data.images[static_cast<size_t>(i)];
    if (img.width * img.height != 28 * 28 || img.mode != ImageMode::kL)
      throw Error(fmt::format("demo: Fashion-MNIST image {} of {} is not 28 x 28 gray", i, split));
    for (int64_t p = 0; p < 28 * 28; ++p) x[i][p] = img.data[static_cast<size_t>(p)] / 255.0f;
  }
  return {x, torch::tensor(data.labels, torch::kLong)};
}

// Fits the paper's probe (C sweep on val, refit on train + val, score test) and writes a record.
void probe_record(const std::string& model_name, const std::string& checkpoint,
                  const std::string& hash, const std::string& features_kind,
                  const std::pair<at::Tensor, at::Tensor>& trainval,
                  const std::pair<at::Tensor, at::Tensor>& test, const DemoOptions& o,
                  int64_t test_n) {
  reports::ResultRecord r;
  r.model = model_name;
  r.checkpoint = checkpoint;
  r.checkpoint_hash = hash;
  r.dataset = kDataset;
  r.dataset_version = datasets::dataset_info(kDataset).version;
  r.split = o.test_limit > 0 ? fmt::format("test-first-{}", o.test_limit) : "test";
  r.task = "linear_probe";
  r.precision = "fp64";  // part of the record's name, so set before the resume check
  r.seed = static_cast<int64_t>(o.seed);
  const std::string results = (fs::path(o.out) / "results").string();
  std::string stale;
  if (!o.force && reports::record_exists(results, r, &stale)) {
    spdlog::info("demo: {} probe record exists, skipping", model_name);
    return;
  }
  if (!o.force && !stale.empty()) spdlog::warn("demo: {}: re-running", stale);
  const std::string started = reports::utc_timestamp(std::chrono::system_clock::now());
  const int64_t classes = 10;
  const auto& [x, y] = trainval;
  using baselines::ProbeDataset;
  const ProbeDataset train(x.slice(0, 0, o.probe_train), y.slice(0, 0, o.probe_train), classes,
                           "train");
  const ProbeDataset val(x.slice(0, o.probe_train, o.probe_train + o.probe_val),
                         y.slice(0, o.probe_train, o.probe_train + o.probe_val), classes, "val");
  const ProbeDataset te(test.first, test.second, classes, "test");
  spdlog::info("demo: linear probe on {} ({} train, {} val, {} test, {} features)", features_kind,
               train.size(), val.size(), te.size(), train.num_features());
  const auto result = baselines::sweep_and_refit(train, val, te);
  r.metric = "accuracy";
  r.value = 100.0 * result.test_accuracy;
  r.metrics["top1"] = r.value;
  r.n = test_n;
  r.num_classes = classes;
  r.seconds = result.seconds;
  r.images_per_second = 0.0;
  r.device = "cpu";
  r.versions = version_info();
  r.started_at = started;
  r.finished_at = reports::utc_timestamp(std::chrono::system_clock::now());
  r.extra = {{"features", features_kind},
             {"log10_C", result.choice.best_log10_C},
             {"val_accuracy", 100.0 * result.choice.best_val_accuracy},
             {"train", o.probe_train},
             {"val", o.probe_val},
             {"fits", result.choice.evaluated.size() + 1},
             {"refit_iterations", result.refit.iterations}};
  const std::string path = reports::write_record(results, r);
  spdlog::info("demo: {} probe: test accuracy {:.2f} (log10 C = {}) -> {}", features_kind, r.value,
               result.choice.best_log10_C, path);
}

// report.md and gain.svg in the demo folder, from its results folder.
std::string write_demo_report(const DemoOptions& o) {
  const std::string results = (fs::path(o.out) / "results").string();
  const auto records = reports::read_results(results);
  const auto& paper = reports::builtin_paper_reference();
  const auto svg = reports::svg_bar_chart(reports::gain_bars(reports::summarize(records, paper)),
                                          "Prompt ensembling gain: ensemble − raw (points)");
  write_file_atomically((fs::path(o.out) / "gain.svg").string(), svg + "\n");
  reports::MarkdownOptions mo;
  mo.results_dir = results;
  mo.svg_link = "gain.svg";
  const std::string md = (fs::path(o.out) / "report.md").string();
  write_file_atomically(md, reports::markdown_report(records, paper, mo) + "\n");
  return md;
}

}  // namespace

std::string run_demo(const DemoOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string vocab = find_vocabulary(o.vocab, "");
  const std::string checkpoint = train_demo_model(o, vocab);

  LoadedModel m = load_model(checkpoint, vocab, "cpu", "clipbench-demo-tiny");
  ZeroShotOptions zs;
  zs.data_root = o.data_root;
  zs.split = "test";
  zs.loader.batch_size = o.batch_size;
  zs.loader.limit = o.test_limit;
  zs.out_dir = (fs::path(o.out) / "results").string();
  zs.force = o.force;
  evaluate_zero_shot(m, kDataset, zs);

  const int64_t trainval = o.probe_train + o.probe_val;
  const auto test_features = split_features(m, o, "test", o.test_limit);
  probe_record(m.name, checkpoint, m.checkpoint_hash, "CLIP image features",
               split_features(m, o, "train", trainval), test_features, o,
               test_features.first.size(0));
  const auto test_pixels = pixel_split(o, "test", o.test_limit);
  probe_record("pixels", "", sha256_string("fashion_mnist raw pixels / 255"), "raw pixels",
               pixel_split(o, "train", trainval), test_pixels, o, test_pixels.first.size(0));

  const std::string report = write_demo_report(o);
  spdlog::info("demo: finished in {:.1f} s; report {}",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               report);
  return report;
}

}  // namespace clipbench::harness
