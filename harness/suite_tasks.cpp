// The registry of suite tasks: each entry turns a suite job into the evaluator's options and call.
#include "harness/suite_tasks.h"

#include <cstdint>
#include <vector>

#include "harness/loaded_model.h"
#include "harness/probe_eval.h"
#include "harness/suite.h"
#include "harness/zero_shot_eval.h"

namespace clipbench::harness {
namespace {

LoaderOptions suite_loader(const Suite& suite) {
  LoaderOptions loader;
  loader.batch_size = suite.batch_size;
  loader.threads = suite.threads;
  loader.limit = suite.limit;
  return loader;
}

ProbeOptions probe_options(const SuiteTaskJob& job) {
  ProbeOptions o;
  o.data_root = job.dataset.data_root;
  o.out_dir = job.out;
  o.force = job.force;
  o.model = job.model.name;
  o.checkpoint = job.model.checkpoint;
  o.device = job.model.device;
  o.loader = suite_loader(job.suite);
  o.group = job.group;
  return o;
}

FeatureExtractor probe_features(const LoadedModel& model) {
  return clip_feature_extractor(model.model, model.name, model.checkpoint_hash, model.preprocess);
}

SuiteTaskOutcome run_zero_shot(const SuiteTaskJob& job) {
  ZeroShotOptions o;
  o.data_root = job.dataset.data_root;
  o.split = job.dataset.split;
  o.modes = job.suite.prompts;
  o.loader = suite_loader(job.suite);
  o.out_dir = job.out;
  o.force = job.force;
  o.group = job.group;
  const auto outcome = evaluate_zero_shot(job.model, job.dataset.id, o);
  return {outcome.records.size(), outcome.skipped.size()};
}

SuiteTaskOutcome run_linear_probe(const SuiteTaskJob& job) {
  const auto probe =
      evaluate_linear_probe(probe_features(job.model), job.dataset.id, probe_options(job));
  return probe.skipped ? SuiteTaskOutcome{0, 1} : SuiteTaskOutcome{1, 0};
}

SuiteTaskOutcome run_few_shot(const SuiteTaskJob& job) {
  std::vector<uint64_t> seeds;
  for (int64_t i = 0; i < job.suite.seeds; ++i) seeds.push_back(static_cast<uint64_t>(i));
  const auto outcome = evaluate_few_shot(probe_features(job.model), job.dataset.id,
                                         probe_options(job), job.suite.shots, seeds);
  const size_t jobs = job.suite.shots.size() * seeds.size();
  return {outcome.written, jobs - outcome.written};
}

Registry<SuiteTask> make_tasks() {
  Registry<SuiteTask> tasks("suite task");
  const auto add = [&tasks](SuiteTask t) {
    const std::string name = t.name;
    tasks.add(name, std::move(t));
  };
  add({"zero_shot", "zero-shot classification with the suite's prompt modes", false,
       run_zero_shot});
  add({"linear_probe", "the paper's logistic-regression probe on image features", true,
       run_linear_probe});
  add({"few_shot", "few-shot probes: the suite's shots per class, seeds 0 .. seeds - 1", true,
       run_few_shot});
  return tasks;
}

}  // namespace

const Registry<SuiteTask>& suite_tasks() {
  static const Registry<SuiteTask> tasks = make_tasks();
  return tasks;
}

}  // namespace clipbench::harness
