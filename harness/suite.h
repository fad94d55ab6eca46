// Suites: a JSON file naming checkpoints, datasets (with their roots) and tasks; expanded into an
// ordered list of jobs that `clipbench run` executes, skipping finished ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipbench::harness {

struct SuiteCheckpoint {
  std::string path;   // relative paths are relative to the suite file's folder
  std::string name;   // optional model name for the paper comparison ("ViT-B/32")
  std::string vocab;  // optional vocabulary path
  // optional open_clip model config and pretrained tag (`--model` / `--pretrained` of eval)
  std::string model, pretrained;
};

struct SuiteDataset {
  std::string id;
  std::string data_root;  // default: the suite's data_root
  std::string split;      // default: the catalogue's eval_split
};

struct Suite {
  int schema_version = 1;
  std::string name;
  std::string out = "results";  // results folder (relative to the suite file's folder)
  std::string data_root;
  std::string device = "cpu";
  int64_t batch_size = 64;
  int64_t threads = 0;
  int64_t limit = 0;
  std::string precision = "fp32";  // of the encoders (clip/precision.h); zero_shot tasks only
  std::vector<std::string> prompts = {"raw", "single", "ensemble"};
  std::vector<std::string> tasks = {"zero_shot"};  // names in harness::suite_tasks()
  // few_shot: examples per class (the paper's Figure 6) and draws per k (seeds 0 .. seeds - 1).
  std::vector<int> shots = {1, 2, 4, 8, 16};
  int64_t seeds = 3;
  std::vector<SuiteCheckpoint> checkpoints;
  std::vector<SuiteDataset> datasets;
};

// One (checkpoint, dataset, task) job; prompt modes are handled inside a zero-shot job.
struct SuiteJob {
  size_t checkpoint = 0;  // index into Suite::checkpoints
  size_t dataset = 0;     // index into Suite::datasets
  std::string task;
};

// Reads and validates a suite file (schema in docs/suites.md): unknown keys, unknown dataset ids
// (near matches), unknown tasks or prompt modes, a missing checkpoint file, an empty list: Error
// naming the file and the field.
Suite load_suite(const std::string& path);

// Jobs in a deterministic order: checkpoint-major, then dataset, then task.
std::vector<SuiteJob> suite_jobs(const Suite& suite);

}  // namespace clipbench::harness
