// Parsing job shards ("I/N", Slurm job-array variables) and selecting a shard's jobs.
#include "harness/job_shard.h"

#include <fmt/format.h>

#include <exception>

#include "clip/errors.h"

namespace clipbench::harness {
namespace {

// A non-negative integer from the whole of `text`, or nullopt.
std::optional<size_t> to_size(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return static_cast<size_t>(std::stoul(text));
}

size_t env_size(const EnvLookup& env, const std::string& name) {
  const auto v = env(name);
  const auto n = v ? to_size(*v) : std::nullopt;
  if (!n)
    throw Error(fmt::format("environment variable {}='{}': expected a non-negative integer", name,
                            v.value_or("")));
  return *n;
}

}  // namespace

JobShard parse_job_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : to_size(text.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : to_size(text.substr(slash + 1));
  if (!index || !count || *count < 1 || *index >= *count)
    throw Error(fmt::format(
        "--shard '{}': expected I/N with 0 <= I < N (0-based shard index I of N shards, e.g. 0/4)",
        text));
  return {*index, *count, "--shard"};
}

JobShard job_shard_from(const std::string& option, const EnvLookup& env) {
  if (!option.empty()) return parse_job_shard(option);
  const auto id = env("SLURM_ARRAY_TASK_ID");
  if (!id || id->empty()) return {};
  if (!env("SLURM_ARRAY_TASK_COUNT"))
    throw Error(
        fmt::format("SLURM_ARRAY_TASK_ID={} is set but SLURM_ARRAY_TASK_COUNT is not: cannot tell "
                    "the number of "
                    "shards (pass --shard I/N)",
                    *id));
  const size_t task = env_size(env, "SLURM_ARRAY_TASK_ID");
  const size_t count = env_size(env, "SLURM_ARRAY_TASK_COUNT");
  const size_t min = env("SLURM_ARRAY_TASK_MIN") ? env_size(env, "SLURM_ARRAY_TASK_MIN") : 0;
  if (count < 1 || task < min || task - min >= count)
    throw Error(fmt::format(
        "SLURM_ARRAY_TASK_ID={} is outside [SLURM_ARRAY_TASK_MIN={}, +SLURM_ARRAY_TASK_COUNT={}): "
        "use a contiguous array (--array=0-{}) or pass --shard I/N",
        task, min, count, count > 0 ? count - 1 : 0));
  return {task - min, count, "slurm-array"};
}

std::vector<size_t> shard_jobs(size_t num_jobs, const JobShard& shard) {
  if (shard.count < 1 || shard.index >= shard.count)
    throw Error(fmt::format("shard {}/{}: expected 0 <= index < count", shard.index, shard.count));
  std::vector<size_t> out;
  for (size_t j = shard.index; j < num_jobs; j += shard.count) out.push_back(j);
  return out;
}

}  // namespace clipbench::harness
