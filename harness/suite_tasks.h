// The tasks a suite runs (its "tasks" field, docs/suites.md): a registry of name -> how one
// (checkpoint, dataset) job of the task runs. load_suite checks names against it; run uses it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "clip/registry.h"

namespace clipbench::harness {

struct Suite;
struct SuiteDataset;
struct LoadedModel;
class ProcessGroup;

// One job: a loaded checkpoint on one dataset entry of the suite.
struct SuiteTaskJob {
  const Suite& suite;
  const SuiteDataset& dataset;
  LoadedModel& model;
  std::string out;  // results folder
  bool force = false;
  ProcessGroup* group = nullptr;  // data-parallel ranks (nullptr: one process)
};

// Records the job wrote now and records it found finished (resume).
struct SuiteTaskOutcome {
  size_t written = 0;
  size_t skipped = 0;
};

struct SuiteTask {
  std::string name;     // the suite's name of the task ("zero_shot")
  std::string summary;  // one line for error messages and docs
  // The task fits on fp32 image features (probes): a suite with it must use precision fp32.
  bool fp32_features = false;
  // Runs the job; throws clipbench::Error (the suite reports it and goes on, or stops).
  std::function<SuiteTaskOutcome(const SuiteTaskJob&)> run;
};

// zero_shot (harness::evaluate_zero_shot over the suite's prompt modes on the dataset's split),
// linear_probe (harness::evaluate_linear_probe) and few_shot (harness::evaluate_few_shot with the
// suite's shots and seeds 0 .. seeds - 1), in that order. Unknown names: RegistryError with near
// matches.
const Registry<SuiteTask>& suite_tasks();

}  // namespace clipbench::harness
