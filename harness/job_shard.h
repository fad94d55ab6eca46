// Job sharding across evaluations: `clipbench run --shard I/N` (or a Slurm job array's
// SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) runs a deterministic slice of a suite's jobs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/distributed.h"

namespace clipbench::harness {

// Shard `index` of `count` (0 <= index < count).
struct JobShard {
  size_t index = 0;
  size_t count = 1;
  std::string source = "none";  // "--shard", "slurm-array" or "none"
};

// Parses "I/N" (0-based I, N >= 1, I < N). Throws Error naming the text and what was expected.
JobShard parse_job_shard(const std::string& text);

// The shard of this process: `option` ("I/N") when non-empty; else a Slurm job array's
// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (the index counted from SLURM_ARRAY_TASK_MIN,
// default 0, so --array=1-4 gives shards 0..3 of 4); else the whole suite (0 of 1). Throws Error
// naming the variable for a non-integer value, a task id outside [min, min + count), or a task id
// without a count.
JobShard job_shard_from(const std::string& option, const EnvLookup& env = process_env());

// The positions (into a job list of `num_jobs`) that shard `shard` runs: j with j % count == index,
// in increasing order (round-robin, so a checkpoint-major list spreads each checkpoint's jobs over
// the shards). The shards of one count partition [0, num_jobs).
std::vector<size_t> shard_jobs(size_t num_jobs, const JobShard& shard);

}  // namespace clipbench::harness
