// `clipbench demo`: the whole method on real data with no download (train a small CLIP on
// Fashion-MNIST, evaluate it zero-shot, probe it, write the report).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli_commands.h"
#include "harness/demo.h"

namespace clipbench::cli {

void add_demo_command(CLI::App& app) {
  auto o = std::make_shared<harness::DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Train a small CLIP on Fashion-MNIST (Debian's dataset-fashion-mnist), then evaluate it "
      "zero-shot (raw / single / ensemble), probe it and write report.md");
  cmd->add_option("--out", o->out, "Folder for the model, the results and the report")
      ->capture_default_str();
  cmd->add_option("--data-root", o->data_root, "Folder holding fashion-mnist/")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  cmd->add_option(
      "--vocab", o->vocab,
      "BPE vocabulary bpe_simple_vocab_16e6.txt.gz (default: $CLIPBENCH_VOCAB, else the "
      "one that ships with clipbench)");
  cmd->add_option("--seed", o->seed, "Seed of initialization, captions and data order")
      ->capture_default_str();
  cmd->add_option("--steps", o->steps, "Training steps (default: the demo config's)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  cmd->add_option("--test-limit", o->test_limit,
                  "Evaluate on the first N test images only (default: all 10,000)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000}));
  cmd->add_option("--probe-train", o->probe_train, "Probe training images: train[0:N]")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{50000}));
  cmd->add_option("--probe-val", o->probe_val, "Probe validation images after those")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{10000}));
  cmd->add_flag("--force", o->force, "Retrain and re-run everything");
  cmd->callback([o] {
    const std::string report = harness::run_demo(*o);
    fmt::print("report: {}\n", report);
  });
}

}  // namespace clipbench::cli
