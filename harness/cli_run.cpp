// `clipbench run --suite FILE.json`: every (checkpoint, dataset, task) job of a suite, resumable.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "clip/errors.h"
#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "harness/distributed.h"
#include "harness/job_shard.h"
#include "harness/loaded_model.h"
#include "harness/suite.h"
#include "harness/suite_tasks.h"

namespace clipbench::cli {
namespace {

struct RunCommand {
  std::string suite;
  bool force = false;
  bool fail_fast = false;
  std::string out;
  std::string shard;  // "I/N"; default: SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, else all
  double dist_timeout = harness::kDefaultDistributedTimeout.count();  // seconds
};

void run_suite(const RunCommand& c) {
  const harness::Suite suite = harness::load_suite(c.suite);
  const auto all_jobs = harness::suite_jobs(suite);
  const harness::JobShard shard = harness::job_shard_from(c.shard);
  std::vector<harness::SuiteJob> jobs;
  for (size_t j : harness::shard_jobs(all_jobs.size(), shard)) jobs.push_back(all_jobs[j]);
  const std::string out = c.out.empty() ? suite.out : c.out;
  spdlog::info("suite {}: {} checkpoint(s) x {} dataset(s) x {} task(s) = {} jobs -> {}",
               suite.name, suite.checkpoints.size(), suite.datasets.size(), suite.tasks.size(),
               all_jobs.size(), out);
  if (shard.count > 1)
    spdlog::info("shard {}/{} (from {}): {} of the {} jobs", shard.index, shard.count, shard.source,
                 jobs.size(), all_jobs.size());
  // Data parallel inside each job (torchrun / srun): a failing job stops every rank, since the
  // ranks must stay in step.
  const auto ctx = harness::distributed_context_from_env();
  const auto group = harness::join_process_group(
      ctx, std::chrono::milliseconds(static_cast<int64_t>(c.dist_timeout * 1000)));
  std::vector<std::string> failed;
  size_t written = 0, skipped = 0;
  size_t loaded_index = static_cast<size_t>(-1);
  harness::LoadedModel model;
  for (const auto& job : jobs) {
    const auto& ck = suite.checkpoints[job.checkpoint];
    const auto& ds = suite.datasets[job.dataset];
    const std::string what = fmt::format("{} / {} / {}", ck.path, ds.id, job.task);
    try {
      if (loaded_index != job.checkpoint) {
        model = harness::LoadedModel{};
        model = harness::load_model(ck.path, ck.vocab, harness::rank_device(suite.device, ctx),
                                    ck.name, {ck.model, ck.pretrained});
        harness::set_precision(model, suite.precision);
        loaded_index = job.checkpoint;
      }
      const harness::SuiteTaskOutcome done =
          harness::suite_tasks().at(job.task).run({suite, ds, model, out, c.force, group.get()});
      written += done.written;
      skipped += done.skipped;
    } catch (const Error& e) {
      if (c.fail_fast || group) throw;
      spdlog::error("{}: {}", what, e.what());
      failed.push_back(fmt::format("{}: {}", what, e.what()));
      if (loaded_index != job.checkpoint) loaded_index = static_cast<size_t>(-1);
    }
  }
  if (!ctx.is_root()) return;
  const std::string shard_note = shard.count > 1
                                     ? fmt::format(" (shard {}/{}: {} of {} jobs)", shard.index,
                                                   shard.count, jobs.size(), all_jobs.size())
                                     : "";
  fmt::print("suite {}{}: {} record(s) written, {} already done, {} job(s) failed; results in {}\n",
             suite.name, shard_note, written, skipped, failed.size(), out);
  for (const auto& f : failed) fmt::print("  failed: {}\n", f);
  if (!failed.empty()) throw CommandExit{kExitFailure};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run",
      "Run a suite (checkpoints x datasets x tasks, docs/suites.md); finished records are skipped, "
      "so an interrupted run resumes where it stopped");
  auto c = std::make_shared<RunCommand>();
  cmd->add_option("--suite", c->suite, "Suite JSON file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", c->out, "Results folder (default: the suite's \"out\")");
  cmd->add_flag("--force", c->force, "Re-run jobs whose record already exists");
  cmd->add_flag("--fail-fast", c->fail_fast,
                "Stop at the first failing job (default: run the others, list failures, exit 1)");
  cmd->add_option("--shard", c->shard,
                  "Run only shard I of N (0-based \"I/N\": jobs j with j % N == I); default: a "
                  "Slurm job array's SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, else all jobs");
  cmd->add_option("--dist-timeout", c->dist_timeout,
                  "Data-parallel runs (RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS, see "
                  "docs/cluster.md): seconds a rank waits for the others at each exchange")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  cmd->callback([c] { run_suite(*c); });
}

}  // namespace clipbench::cli
