// The distributed context from the environment, shard ranges, and the c10d Gloo process group
// (compiled only when LibTorch's c10d headers and gloo's were found: CLIPBENCH_WITH_C10D).
#include "harness/distributed.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <exception>

#ifdef CLIPBENCH_WITH_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace clipbench::harness {
namespace {

int parse_int(const std::string& name, const std::string& value) {
  size_t used = 0;
  long v = 0;
  try {
    v = std::stol(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || v < 0 || v > 1'000'000'000)
    throw DistributedError(
        fmt::format("environment variable {}='{}': expected a non-negative integer", name, value));
  return static_cast<int>(v);
}

std::optional<int> env_int(const EnvLookup& env, const std::string& name) {
  const auto v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return parse_int(name, *v);
}

// FNV-1a: the same value in every process of a run (std::hash makes no such promise).
int64_t fingerprint(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h >> 1);
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

DistributedContext distributed_context_from_env(const EnvLookup& env) {
  DistributedContext ctx;
  const char* rank_var = nullptr;
  const char* size_var = nullptr;
  const char* local_var = nullptr;
  if (env("RANK") || env("WORLD_SIZE")) {
    ctx.source = "torchrun";
    rank_var = "RANK";
    size_var = "WORLD_SIZE";
    local_var = "LOCAL_RANK";
  } else if (env("SLURM_PROCID") && env("SLURM_NTASKS")) {
    ctx.source = "slurm";
    rank_var = "SLURM_PROCID";
    size_var = "SLURM_NTASKS";
    local_var = "SLURM_LOCALID";
  } else {
    return ctx;
  }
  const auto rank = env_int(env, rank_var);
  const auto size = env_int(env, size_var);
  if (!rank || !size)
    throw DistributedError(
        fmt::format("{} environment: {} and {} must both be set (got {}={}, {}={})", ctx.source,
                    rank_var, size_var, rank_var, env(rank_var).value_or("<unset>"), size_var,
                    env(size_var).value_or("<unset>")));
  if (*size < 1)
    throw DistributedError(
        fmt::format("{}={}: the world size must be at least 1", size_var, *size));
  if (*rank >= *size)
    throw DistributedError(
        fmt::format("{}={} is outside [0, {}={})", rank_var, *rank, size_var, *size));
  ctx.rank = *rank;
  ctx.world_size = *size;
  ctx.local_rank = env_int(env, local_var).value_or(ctx.rank);
  if (ctx.world_size == 1) {
    ctx.source = "single";
    return ctx;
  }
  const auto addr = env("MASTER_ADDR");
  const auto port = env_int(env, "MASTER_PORT");
  if (!addr || addr->empty() || !port)
    throw DistributedError(fmt::format(
        "{} environment with {}={}: MASTER_ADDR and MASTER_PORT must name rank 0's host and a free "
        "port (got MASTER_ADDR={}, MASTER_PORT={})",
        ctx.source, size_var, ctx.world_size, addr.value_or("<unset>"),
        env("MASTER_PORT").value_or("<unset>")));
  if (*port < 1 || *port > 65535)
    throw DistributedError(fmt::format("MASTER_PORT={}: expected a port in [1, 65535]", *port));
  ctx.master_addr = *addr;
  ctx.master_port = *port;
  return ctx;
}

ShardRange shard_range(int64_t num_samples, int64_t batch_size, int rank, int world_size) {
  if (batch_size < 1) throw Error(fmt::format("shard_range: batch size {} < 1", batch_size));
  if (world_size < 1) throw Error(fmt::format("shard_range: world size {} < 1", world_size));
  if (rank < 0 || rank >= world_size)
    throw Error(fmt::format("shard_range: rank {} outside [0, {})", rank, world_size));
  if (num_samples <= 0) return {0, 0};
  const int64_t batches = (num_samples + batch_size - 1) / batch_size;
  const int64_t base = batches / world_size, extra = batches % world_size;
  const int64_t first_batch = rank * base + std::min<int64_t>(rank, extra);
  const int64_t count = base + (rank < extra ? 1 : 0);
  ShardRange r;
  r.begin = std::min(num_samples, first_batch * batch_size);
  r.end = std::min(num_samples, (first_batch + count) * batch_size);
  return r;
}

std::unique_ptr<ProcessGroup> join_process_group(const DistributedContext& ctx,
                                                 std::chrono::milliseconds timeout) {
  if (!ctx.distributed()) return nullptr;
  auto group = std::make_unique<ProcessGroup>(ctx, timeout);
  spdlog::info("data parallel: rank {} of {} (local rank {}, {} environment), store {}:{}, Gloo",
               ctx.rank, ctx.world_size, ctx.local_rank, ctx.source, ctx.master_addr,
               ctx.master_port);
  return group;
}

std::string rank_device(const std::string& device, const DistributedContext& ctx) {
  if (device == "cuda" && ctx.distributed()) return fmt::format("cuda:{}", ctx.local_rank);
  return device;
}

#ifdef CLIPBENCH_WITH_C10D

bool distributed_available() { return true; }

struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

std::string where(const DistributedContext& ctx) {
  return fmt::format("rank {} of {} (store {}:{})", ctx.rank, ctx.world_size, ctx.master_addr,
                     ctx.master_port);
}

// Runs a collective and waits for it; any failure becomes a DistributedError naming it.
template <typename Start>
void run_collective(const DistributedContext& ctx, std::chrono::milliseconds timeout,
                    const std::string& op, const std::string& what, Start start) {
  try {
    auto work = start();
    work->wait(timeout);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    throw DistributedError(fmt::format(
        "distributed {} of {} failed on {}: another rank exited, failed or did not answer within "
        "the timeout of {} s ({})",
        op, what, where(ctx), timeout.count() / 1000.0, msg));
  }
}

}  // namespace

ProcessGroup::ProcessGroup(const DistributedContext& ctx, std::chrono::milliseconds timeout)
    : ctx_(ctx), timeout_(timeout), impl_(std::make_unique<Impl>()) {
  if (!ctx.distributed()) throw DistributedError("a process group needs a world size above 1");
  if (timeout.count() <= 0)
    throw DistributedError(
        fmt::format("distributed timeout must be positive (got {} ms)", timeout.count()));
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(ctx.master_port);
    so.isServer = ctx.is_root();
    so.numWorkers = static_cast<std::size_t>(ctx.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(ctx.master_addr, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    } else if (ctx.master_addr == "127.0.0.1" || ctx.master_addr == "localhost") {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    options->threads = 2;
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, ctx.rank,
                                                               ctx.world_size, options);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    throw DistributedError(fmt::format(
        "cannot set up the Gloo process group as {} within {} s: {} (are all {} ranks started, "
        "MASTER_ADDR reachable and MASTER_PORT free?)",
        where(ctx), timeout.count() / 1000.0, msg, ctx.world_size));
  }
}

ProcessGroup::~ProcessGroup() = default;

std::vector<at::Tensor> ProcessGroup::all_gather(const at::Tensor& local, const std::string& what) {
  const at::Tensor in = local.reshape({-1}).cpu().contiguous();
  std::vector<at::Tensor> outs;
  for (int r = 0; r < ctx_.world_size; ++r) outs.push_back(torch::empty_like(in));
  std::vector<std::vector<at::Tensor>> outputs{outs};
  std::vector<at::Tensor> inputs{in};
  run_collective(ctx_, timeout_, "all-gather", what, [&] {
    c10d::AllgatherOptions o;
    o.timeout = timeout_;
    return impl_->group->allgather(outputs, inputs, o);
  });
  return outputs[0];
}

std::vector<at::Tensor> ProcessGroup::gather_to_root(const at::Tensor& local,
                                                     const std::string& what) {
  if (const char* r = std::getenv("CLIPBENCH_TEST_EXIT_RANK");
      r && std::atoi(r) == ctx_.rank && *r != '\0')
    std::_Exit(3);
  const at::Tensor in = local.reshape({-1}).cpu().contiguous();
  const int64_t fp = fingerprint(what + "/" + std::string(c10::toString(in.scalar_type())));
  const auto heads = all_gather(torch::tensor({in.numel(), fp}, torch::kLong), what + " (lengths)");
  int64_t longest = 0;
  std::vector<int64_t> lengths;
  for (int r = 0; r < ctx_.world_size; ++r) {
    const int64_t n = heads[r][0].item<int64_t>(), f = heads[r][1].item<int64_t>();
    if (f != fp)
      throw DistributedError(fmt::format(
          "distributed gather of {} ({}): rank {} sends different data (another job or dtype); "
          "the ranks are out of step (on {})",
          what, c10::toString(in.scalar_type()), r, where(ctx_)));
    lengths.push_back(n);
    longest = std::max(longest, n);
  }
  const int64_t padded = std::max<int64_t>(longest, 1);
  at::Tensor send = torch::zeros({padded}, in.options());
  if (in.numel() > 0) send.narrow(0, 0, in.numel()).copy_(in);
  std::vector<std::vector<at::Tensor>> outputs;
  if (ctx_.is_root()) {
    outputs.emplace_back();
    for (int r = 0; r < ctx_.world_size; ++r) outputs[0].push_back(torch::empty_like(send));
  }
  std::vector<at::Tensor> inputs{send};
  run_collective(ctx_, timeout_, "gather", what, [&] {
    c10d::GatherOptions o;
    o.rootRank = 0;
    o.timeout = timeout_;
    return impl_->group->gather(outputs, inputs, o);
  });
  std::vector<at::Tensor> result;
  if (!ctx_.is_root()) return result;
  for (int r = 0; r < ctx_.world_size; ++r)
    result.push_back(outputs[0][r].narrow(0, 0, lengths[r]));
  return result;
}

void ProcessGroup::barrier(const std::string& what) {
  run_collective(ctx_, timeout_, "barrier", what, [&] {
    c10d::BarrierOptions o;
    o.timeout = timeout_;
    return impl_->group->barrier(o);
  });
}

#else  // !CLIPBENCH_WITH_C10D

#ifndef CLIPBENCH_C10D_OFF_REASON
#define CLIPBENCH_C10D_OFF_REASON "c10d/Gloo was not configured"
#endif
// Why configure left c10d out (harness/CMakeLists.txt), for the error a data-parallel run gets.
constexpr const char* kC10dOffReason = CLIPBENCH_C10D_OFF_REASON;

bool distributed_available() { return false; }

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const DistributedContext& ctx, std::chrono::milliseconds timeout)
    : ctx_(ctx), timeout_(timeout) {
  throw DistributedError(fmt::format(
      "world size {} ({} environment) asks for a data-parallel run, but this clipbench was built "
      "without c10d/Gloo: {} (harness/CMakeLists.txt)",
      ctx.world_size, ctx.source, kC10dOffReason));
}

ProcessGroup::~ProcessGroup() = default;

std::vector<at::Tensor> ProcessGroup::all_gather(const at::Tensor&, const std::string&) {
  throw DistributedError("built without c10d/Gloo");
}
std::vector<at::Tensor> ProcessGroup::gather_to_root(const at::Tensor&, const std::string&) {
  throw DistributedError("built without c10d/Gloo");
}
void ProcessGroup::barrier(const std::string&) {
  throw DistributedError("built without c10d/Gloo");
}

#endif

}  // namespace clipbench::harness
