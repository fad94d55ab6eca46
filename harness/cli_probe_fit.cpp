// `clipbench probe-fit`: the logistic-regression linear probe on features stored as safetensors
// (the C sweep on val, refit on train + val, test accuracy), as JSON.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <exception>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "baselines/logistic_regression.h"
#include "baselines/multinomial_loss.h"
#include "baselines/probe_sweep.h"
#include "clip/errors.h"
#include "clip/safetensors.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"

namespace clipbench::cli {
namespace {

struct ProbeFitOptions {
  std::string train, val, test;
  double C_value = 0.0;
  std::optional<double> C;  // C_value when given
  bool no_warm_start = false;
  bool float64 = false;
  int max_iter = 1000;
  double tol = 1e-4;
  int threads = 0;  // 0: LibTorch's default
  std::string out;
};

struct Split {
  torch::Tensor features, labels;
};

// `features` float [N, D] and `labels` integer [N] from a safetensors file.
Split read_split(const std::string& path, const std::string& role) {
  auto tensors = read_safetensors(path).tensors;
  Split s;
  for (const char* key : {"features", "labels"}) {
    auto it = tensors.find(key);
    if (it == tensors.end()) {
      std::string keys;
      for (const auto& kv : tensors) keys += (keys.empty() ? "" : ", ") + kv.first;
      throw Error(
          fmt::format("--{} {}: no tensor '{}' (it has: {}); expected 'features' [N, D] "
                      "float and 'labels' [N] int64",
                      role, path, key, keys.empty() ? "none" : keys));
    }
  }
  s.features = tensors.at("features");
  s.labels = tensors.at("labels");
  if (!s.features.is_floating_point() || s.features.dim() != 2)
    throw Error(
        fmt::format("--{} {}: 'features' has dtype {} and {} dimensions, expected a "
                    "floating-point [N, D] tensor",
                    role, path, c10::toString(s.features.scalar_type()), s.features.dim()));
  if (s.labels.is_floating_point() || s.labels.scalar_type() == torch::kBool || s.labels.dim() != 1)
    throw Error(fmt::format("--{} {}: 'labels' has dtype {} and {} dimensions, expected int64 [N]",
                            role, path, c10::toString(s.labels.scalar_type()), s.labels.dim()));
  if (s.labels.size(0) != s.features.size(0))
    throw Error(fmt::format("--{} {}: {} feature rows but {} labels", role, path,
                            s.features.size(0), s.labels.size(0)));
  if (s.labels.numel() > 0 && s.labels.min().item<int64_t>() < 0)
    throw Error(
        fmt::format("--{} {}: negative label {}", role, path, s.labels.min().item<int64_t>()));
  return s;
}

// The most --threads accepted: torch::set_num_threads starts every thread it is given.
constexpr int kMaxThreads = 1024;

// A finite number >= 0 (CLI::NonNegativeNumber lets NaN through and prints its bound as 300
// digits).
const CLI::Validator kFiniteNonNegative(
    [](std::string& text) -> std::string {
      double v = 0.0;
      try {
        size_t used = 0;
        v = std::stod(text, &used);
        if (used != text.size()) return fmt::format("expected a number >= 0, got '{}'", text);
      } catch (const std::exception&) {
        return fmt::format("expected a number >= 0, got '{}'", text);
      }
      if (!std::isfinite(v) || v < 0.0)
        return fmt::format("expected a finite number >= 0, got {}", text);
      return "";
    },
    "NUMBER >= 0");

nlohmann::json point_json(const baselines::SweepPoint& p) {
  return {{"log10_C", p.log10_C},
          {"val_accuracy", p.val_accuracy},
          {"iterations", p.iterations},
          {"evaluations", p.evaluations},
          {"float32_evaluations", p.fast_evaluations},
          {"objective", p.objective},
          {"stop", baselines::to_string(p.stop)},
          {"seconds", p.seconds}};
}

void run_probe_fit(const ProbeFitOptions& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  if (!o.C && o.val.empty()) throw Error("probe-fit: give --val (to choose C) or a fixed --C");
  if (o.C && !(*o.C > 0.0 && std::isfinite(*o.C)))
    throw Error(fmt::format("probe-fit: --C must be a positive number, got {}", *o.C));
  const Split tr = read_split(o.train, "train");
  const Split te = read_split(o.test, "test");
  std::optional<Split> va;
  if (!o.val.empty()) va = read_split(o.val, "val");
  const std::pair<const Split*, std::pair<const char*, const std::string*>> others[] = {
      {va ? &*va : nullptr, {"val", &o.val}}, {&te, {"test", &o.test}}};
  // Every split must have train's feature width (checked before any fit, naming the files).
  for (const auto& [split, role] : others)
    if (split && split->features.size(1) != tr.features.size(1))
      throw Error(fmt::format("--{} {}: features have {} dimensions, --train {} has {}", role.first,
                              *role.second, split->features.size(1), o.train, tr.features.size(1)));
  // Classes: 0 .. the largest train label. A val / test label outside them is named with its
  // file and row (counting it as a class would blame train for a class it "lacks").
  const int64_t K = tr.labels.numel() > 0 ? tr.labels.max().item<int64_t>() + 1 : 0;
  for (const auto& [split, role] : others) {
    if (K == 0 || !split || split->labels.numel() == 0) continue;  // empty train: reported below
    const torch::Tensor outside = (split->labels >= K).nonzero();
    if (outside.numel() > 0) {
      const int64_t row = outside[0][0].item<int64_t>();
      throw Error(fmt::format(
          "--{} {}: label {} (row {}) is not a class of --train {}, whose labels span 0..{}; "
          "every val / test class must have training examples",
          role.first, *role.second, split->labels[row].item<int64_t>(), row, o.train, K - 1));
    }
  }
  const baselines::ProbeDataset train(tr.features, tr.labels, K, "train (" + o.train + ")");
  const baselines::ProbeDataset test(te.features, te.labels, K, "test (" + o.test + ")");
  std::optional<baselines::ProbeDataset> val;
  if (va) val.emplace(va->features, va->labels, K, "val (" + o.val + ")");
  spdlog::info("probe-fit: {} train, {} val, {} test rows; D = {}, {} classes", train.size(),
               val ? val->size() : 0, test.size(), train.num_features(), K);

  baselines::SweepOptions so;
  so.warm_start = !o.no_warm_start;
  so.lbfgs.max_iterations = o.max_iter;
  so.lbfgs.pgtol = o.tol;
  so.lbfgs.mixed_precision = !o.float64;
  nlohmann::json j;
  j["num_classes"] = K;
  j["num_features"] = train.num_features();
  j["train_size"] = train.size();
  j["val_size"] = val ? val->size() : 0;
  j["test_size"] = test.size();
  bool mixed = false;  // the final fit's arithmetic, as iterations / float32_evaluations
  if (o.C) {
    const auto fit = baselines::fit_logistic_regression(train, *o.C, so.lbfgs);
    j["mode"] = "fixed_C";
    j["C"] = *o.C;
    j["log10_C"] = std::log10(*o.C);
    j["val_accuracy"] =
        val ? nlohmann::json(baselines::accuracy(fit.model, *val)) : nlohmann::json();
    j["test_accuracy"] = baselines::accuracy(fit.model, test);
    j["iterations"] = fit.iterations;
    j["evaluations"] = fit.evaluations;
    j["float32_evaluations"] = fit.fast_evaluations;
    mixed = fit.mixed_precision;
    j["objective"] = fit.objective;
    j["stop"] = baselines::to_string(fit.stop);
    j["fit_seconds"] = fit.seconds;
  } else {
    const auto r = baselines::sweep_and_refit(train, *val, test, so);
    j["mode"] = "sweep";
    j["log10_C"] = r.choice.best_log10_C;
    j["C"] = std::pow(10.0, r.choice.best_log10_C);
    j["val_accuracy"] = r.choice.best_val_accuracy;
    j["test_accuracy"] = r.test_accuracy;
    j["iterations"] = r.refit.iterations;  // of the refit on train + val
    j["evaluations"] = r.refit.evaluations;
    j["float32_evaluations"] = r.refit.fast_evaluations;
    mixed = r.refit.mixed_precision;  // float64 when train or val is (they are stacked)
    j["objective"] = r.refit.objective;
    j["stop"] = baselines::to_string(r.refit.stop);
    j["evaluated"] = nlohmann::json::array();
    for (const auto& p : r.choice.evaluated) j["evaluated"].push_back(point_json(p));
    j["sweep_seconds"] = r.choice.seconds;
    j["fit_seconds"] = r.refit.seconds;
  }
  // scikit-learn's ConvergenceWarning: a fit that stopped on the iteration limit.
  std::vector<std::string> unconverged;
  if (j.contains("evaluated"))
    for (const auto& p : j["evaluated"])
      if (p["stop"] == baselines::to_string(baselines::LbfgsStop::kMaxIterations))
        unconverged.push_back(fmt::format("log10 C = {}", p["log10_C"].get<double>()));
  if (j["stop"] == baselines::to_string(baselines::LbfgsStop::kMaxIterations))
    unconverged.push_back(o.C ? "the fit" : "the refit on train + val");
  if (!unconverged.empty())
    spdlog::warn(
        "probe-fit: {} stopped at the iteration limit ({}) before converging (as scikit-learn "
        "does; raise --max-iter to fit further): {}",
        unconverged.size() == 1 ? "1 fit" : fmt::format("{} fits", unconverged.size()), o.max_iter,
        fmt::join(unconverged, ", "));
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  j["threads"] = torch::get_num_threads();
  j["kernel"] = baselines::multinomial_loss_isa();
  j["arithmetic"] = mixed ? "mixed" : "float64";
  spdlog::info("probe-fit: log10 C = {}, test accuracy {:.4f}, {:.2f} s",
               j["log10_C"].get<double>(), j["test_accuracy"].get<double>(),
               j["seconds"].get<double>());
  write_output(o.out, j.dump());
}

}  // namespace

void add_probe_fit_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "probe-fit",
      "Fit the logistic-regression linear probe (scikit-learn's objective, L-BFGS) on features "
      "stored as safetensors ('features' float [N, D], 'labels' int64 [N]): choose C on --val by "
      "the paper's search (log10 C in {-6,-4,...,6}, then halving to 1/8 decade), refit on "
      "train + val, score --test; or fit at a fixed --C. Prints JSON");
  auto o = std::make_shared<ProbeFitOptions>();
  cmd->add_option("--train", o->train, "Training split (.safetensors)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--val", o->val, "Validation split (.safetensors); needed unless --C is given")
      ->check(CLI::ExistingFile);
  cmd->add_option("--test", o->test, "Test split (.safetensors)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--C", o->C_value,
                  "Fit at this C (inverse regularization strength) on --train only, no sweep");
  cmd->add_flag("--no-warm-start", o->no_warm_start,
                "Start every fit of the sweep from zeros (as scikit-learn does)");
  cmd->add_flag("--float64", o->float64,
                "float64 arithmetic throughout (default for float32 features: float32 while far "
                "from the optimum, float64 for the rest and every stopping test)");
  cmd->add_option("--max-iter", o->max_iter, "L-BFGS iterations per fit (scikit-learn's max_iter)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--tol", o->tol, "Gradient tolerance (max |g|, scikit-learn's tol)")
      ->check(kFiniteNonNegative);
  cmd->add_option("--threads", o->threads,
                  "Threads for the objective's pass over the data (default: LibTorch's intra-op "
                  "default, the number of physical cores)")
      ->check(CLI::Range(1, kMaxThreads));
  cmd->add_option("--out", o->out, "Write the JSON here instead of stdout");
  cmd->callback([o, cmd] {
    if (cmd->count("--C") > 0) o->C = o->C_value;
    run_probe_fit(*o);
  });
}

}  // namespace clipbench::cli
