// Data parallelism inside one evaluation: rank and world size from torchrun's or Slurm's
// environment, each rank's shard of a split, and gathering per-rank results on rank 0 through
// LibTorch's c10d process group (Gloo, over TCP).
#pragma once

#include <ATen/core/Tensor.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clip/errors.h"

namespace clipbench::harness {

// A distributed setup or collective failed: bad environment, a rank that exited or did not
// answer within the timeout, ranks that disagree on the job. The message names the rank, the
// world size, the operation and the timeout.
class DistributedError : public Error {
 public:
  using Error::Error;
};

// Where this process sits in a data-parallel run.
struct DistributedContext {
  int rank = 0;             // 0 .. world_size-1; rank 0 computes metrics and writes results
  int world_size = 1;       // 1: a single-process run (no process group)
  int local_rank = 0;       // rank on this machine: the CUDA device index of this rank
  std::string master_addr;  // rank 0's host (TCPStore server), e.g. "127.0.0.1"
  int master_port = 0;      // its port
  std::string source =
      "single";  // "torchrun" (RANK/WORLD_SIZE), "slurm" (SLURM_PROCID/...), "single"

  bool distributed() const { return world_size > 1; }
  bool is_root() const { return rank == 0; }
};

// Looks an environment variable up (nullopt when unset). Tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// The process environment (std::getenv).
EnvLookup process_env();

// Reads the context: torchrun's RANK, WORLD_SIZE, LOCAL_RANK first; else Slurm's SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID; else a single process. MASTER_ADDR and MASTER_PORT (both required
// when world_size > 1, also under Slurm: set them in the batch script) name rank 0's TCPStore.
// LOCAL_RANK defaults to RANK when unset. Throws DistributedError naming the variable for a
// non-integer value, world_size < 1, rank outside [0, world_size), a port outside [1, 65535] or a
// missing MASTER_ADDR / MASTER_PORT.
DistributedContext distributed_context_from_env(const EnvLookup& env = process_env());

// The samples [begin, end) of a split that one rank encodes.
struct ShardRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};

// Rank `rank`'s deterministic contiguous shard of `num_samples` samples, in whole batches of
// `batch_size` (so every rank encodes exactly the batches a single process would, and the
// concatenation in rank order is the split's order): batches are dealt out as evenly as
// possible, the first (num_batches % world_size) ranks taking one more. A rank may get an empty
// range when there are fewer batches than ranks. Throws Error for batch_size < 1, world_size < 1
// or a rank outside [0, world_size).
ShardRange shard_range(int64_t num_samples, int64_t batch_size, int rank, int world_size);

// True when this build has the c10d / Gloo process group (LibTorch's c10d headers and gloo's were
// found at configure time).
bool distributed_available();

// The default timeout of every collective (and of the rendezvous): 300 s.
constexpr std::chrono::seconds kDefaultDistributedTimeout{300};

// A Gloo process group over a c10d TCPStore served by rank 0 at MASTER_ADDR:MASTER_PORT. Tensors
// are CPU tensors (results are gathered on the CPU, also for CUDA runs). Every collective is
// called by every rank in the same order; each one waits at most `timeout`, then throws
// DistributedError naming the operation, the rank and the timeout (a rank that exits makes the
// others fail as soon as Gloo sees the closed connection, or at the timeout).
class ProcessGroup {
 public:
  // Connects (rank 0 serves the store). Throws DistributedError when the build has no c10d/Gloo
  // ("built without c10d/Gloo"), when ctx is not distributed, or when the rendezvous fails.
  ProcessGroup(const DistributedContext& ctx,
               std::chrono::milliseconds timeout = kDefaultDistributedTimeout);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  const DistributedContext& context() const { return ctx_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Every rank's 1-D tensor of `local.numel()` elements (the same on every rank, the same dtype),
  // in rank order, on every rank. `what` names the data in errors.
  std::vector<at::Tensor> all_gather(const at::Tensor& local, const std::string& what);

  // Variable-length gather of 1-D tensors (any length, the same dtype on every rank) to rank 0:
  // rank 0 gets world_size tensors in rank order, other ranks an empty vector. Lengths are
  // exchanged first, then the tensors padded to the longest. `what` names the data in errors and
  // must be the same on every rank (a mismatch means the ranks are out of step: DistributedError).
  // Test hook: when CLIPBENCH_TEST_EXIT_RANK equals this rank, the process exits at once here
  // (exit code 3), as a crashed rank would.
  std::vector<at::Tensor> gather_to_root(const at::Tensor& local, const std::string& what);

  // Waits until every rank arrives.
  void barrier(const std::string& what);

 private:
  struct Impl;
  DistributedContext ctx_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
};

// The process group of a data-parallel run, or nullptr for a single process (world_size 1).
// Throws as ProcessGroup's constructor.
std::unique_ptr<ProcessGroup> join_process_group(
    const DistributedContext& ctx, std::chrono::milliseconds timeout = kDefaultDistributedTimeout);

// The device a rank evaluates on: "cuda" becomes "cuda:<local_rank>" in a data-parallel run (one
// GPU per rank on each machine); "cpu" and single-process runs are unchanged.
std::string rank_device(const std::string& device, const DistributedContext& ctx);

}  // namespace clipbench::harness
