// Tests of harness/distributed: the context from torchrun / Slurm variables, shard ranges, and the
// Gloo process group over loopback (two ranks as two threads of this process).
#include "harness/distributed.h"

#include <torch/torch.h>

#include <exception>
#include <map>
#include <thread>

#include "harness/encode_split.h"
#include "tests/support/catch.h"
#include "tests/support/free_port.h"
#include "tests/support/synthetic_dataset.h"

using clipbench::harness::DistributedContext;
using clipbench::harness::DistributedError;
using clipbench::harness::EnvLookup;
using clipbench::harness::ProcessGroup;
using clipbench::harness::shard_range;

namespace {

EnvLookup env_of(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

DistributedContext loopback(int rank, int size, int port) {
  DistributedContext ctx;
  ctx.rank = rank;
  ctx.world_size = size;
  ctx.local_rank = rank;
  ctx.master_addr = "127.0.0.1";
  ctx.master_port = port;
  ctx.source = "test";
  return ctx;
}

// Runs `body(group)` on ranks 0..size-1, one thread each; rethrows the first failure.
template <typename Body>
void on_ranks(int size, std::chrono::milliseconds timeout, Body body) {
  const int port = clipbench::test::free_port();
  std::vector<std::exception_ptr> errors(size);
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r)
    threads.emplace_back([&, r] {
      try {
        ProcessGroup group(loopback(r, size, port), timeout);
        body(group);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace

TEST_CASE("distributed context comes from torchrun's variables first, then Slurm's", "[unit]") {
  using clipbench::harness::distributed_context_from_env;
  SECTION("no variables: a single process") {
    const auto ctx = distributed_context_from_env(env_of({}));
    CHECK(ctx.world_size == 1);
    CHECK(ctx.rank == 0);
    CHECK_FALSE(ctx.distributed());
    CHECK(ctx.source == "single");
  }
  SECTION("torchrun") {
    const auto ctx = distributed_context_from_env(env_of({{"RANK", "3"},
                                                          {"WORLD_SIZE", "4"},
                                                          {"LOCAL_RANK", "1"},
                                                          {"MASTER_ADDR", "node7"},
                                                          {"MASTER_PORT", "29511"},
                                                          {"SLURM_PROCID", "0"},
                                                          {"SLURM_NTASKS", "8"}}));
    CHECK(ctx.source == "torchrun");
    CHECK(ctx.rank == 3);
    CHECK(ctx.world_size == 4);
    CHECK(ctx.local_rank == 1);
    CHECK(ctx.master_addr == "node7");
    CHECK(ctx.master_port == 29511);
    CHECK_FALSE(ctx.is_root());
  }
  SECTION("Slurm") {
    const auto ctx = distributed_context_from_env(env_of({{"SLURM_PROCID", "5"},
                                                          {"SLURM_NTASKS", "8"},
                                                          {"SLURM_LOCALID", "1"},
                                                          {"MASTER_ADDR", "10.0.0.1"},
                                                          {"MASTER_PORT", "29500"}}));
    CHECK(ctx.source == "slurm");
    CHECK(ctx.rank == 5);
    CHECK(ctx.world_size == 8);
    CHECK(ctx.local_rank == 1);
  }
  SECTION("one Slurm task is a single process and needs no MASTER_*") {
    const auto ctx =
        distributed_context_from_env(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}));
    CHECK_FALSE(ctx.distributed());
  }
  SECTION("errors name the variable") {
    CHECK_THROWS_WITH(distributed_context_from_env(env_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}})),
                      Catch::Contains("MASTER_ADDR"));
    CHECK_THROWS_WITH(
        distributed_context_from_env(env_of(
            {{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}})),
        Catch::Contains("RANK=2"));
    CHECK_THROWS_WITH(distributed_context_from_env(env_of({{"RANK", "x1"}, {"WORLD_SIZE", "2"}})),
                      Catch::Contains("RANK='x1'"));
    CHECK_THROWS_WITH(
        distributed_context_from_env(env_of(
            {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}})),
        Catch::Contains("MASTER_PORT=70000"));
    CHECK_THROWS_AS(distributed_context_from_env(env_of({{"WORLD_SIZE", "2"}})), DistributedError);
  }
}

TEST_CASE("shard ranges deal whole batches out contiguously and partition the split", "[unit]") {
  SECTION("uneven batches: the first ranks take one more") {
    // 10 samples, batches of 3: [0,3) [3,6) [6,9) [9,10) over 3 ranks -> 2, 1, 1 batches.
    CHECK(shard_range(10, 3, 0, 3).begin == 0);
    CHECK(shard_range(10, 3, 0, 3).end == 6);
    CHECK(shard_range(10, 3, 1, 3).begin == 6);
    CHECK(shard_range(10, 3, 1, 3).end == 9);
    CHECK(shard_range(10, 3, 2, 3).begin == 9);
    CHECK(shard_range(10, 3, 2, 3).end == 10);
  }
  SECTION("every (n, batch, world) partitions [0, n) in rank order on batch boundaries") {
    for (int64_t n : {0, 1, 7, 64, 100, 1001})
      for (int64_t b : {1, 3, 64})
        for (int w : {1, 2, 3, 5}) {
          int64_t next = 0;
          for (int r = 0; r < w; ++r) {
            const auto s = shard_range(n, b, r, w);
            INFO("n=" << n << " b=" << b << " w=" << w << " r=" << r);
            CHECK(s.begin == next);
            CHECK(s.end >= s.begin);
            CHECK((s.begin % b == 0 || s.begin == n));
            next = s.end;
          }
          CHECK(next == n);
        }
  }
  SECTION("more ranks than batches leaves the last ranks empty") {
    CHECK(shard_range(5, 4, 1, 3).size() == 1);
    CHECK(shard_range(5, 4, 2, 3).size() == 0);
  }
  CHECK_THROWS(shard_range(10, 0, 0, 1));
  CHECK_THROWS(shard_range(10, 2, 2, 2));
}

#ifdef CLIPBENCH_WITH_C10D

TEST_CASE("Gloo gathers variable-length tensors on rank 0 over loopback", "[unit]") {
  REQUIRE(clipbench::harness::distributed_available());
  const auto timeout = std::chrono::seconds(30);
  std::vector<at::Tensor> got;
  std::vector<size_t> others_got(3, 99);
  on_ranks(3, timeout, [&](ProcessGroup& g) {
    const int r = g.context().rank;
    // Rank r sends r*2 floats (rank 0 sends none): r*10, r*10+1, ...
    const at::Tensor mine = torch::arange(r * 10, r * 10 + r * 2, torch::kFloat);
    auto parts = g.gather_to_root(mine, "test floats");
    const auto labels = g.gather_to_root(torch::full({r + 1}, r, torch::kLong), "test labels");
    const auto all = g.all_gather(torch::tensor({int64_t{r}, int64_t{7}}), "test pairs");
    REQUIRE(all.size() == 3);
    for (int k = 0; k < 3; ++k) CHECK(all[k][0].item<int64_t>() == k);
    g.barrier("test end");
    if (r == 0) {
      got = parts;
      REQUIRE(labels.size() == 3);
      CHECK(labels[2].numel() == 3);
      CHECK(labels[2].scalar_type() == torch::kLong);
    } else {
      others_got[r] = parts.size() + labels.size();
    }
  });
  REQUIRE(got.size() == 3);
  CHECK(got[0].numel() == 0);
  CHECK(got[1].numel() == 2);
  CHECK(got[2].numel() == 4);
  CHECK(torch::equal(got[2], torch::tensor({20.f, 21.f, 22.f, 23.f})));
  CHECK(torch::equal(got[1], torch::tensor({10.f, 11.f})));
  CHECK(others_got[1] == 0);
  CHECK(others_got[2] == 0);
}

TEST_CASE("encode_split over ranks gathers on rank 0 exactly what one process encodes", "[unit]") {
  REQUIRE(clipbench::harness::distributed_available());
  using clipbench::harness::EncodedSplit;
  using clipbench::harness::EncodeOptions;
  const clipbench::test::SyntheticDataset ds(23, /*bad=*/13);
  const auto encoder = [](const at::Tensor& images) { return images.mean({2, 3}); };
  for (int64_t limit : {int64_t{0}, int64_t{19}}) {
    EncodeOptions o;
    o.loader.batch_size = 4;
    o.loader.threads = 1;
    o.loader.limit = limit;
    o.loader.skip_unreadable = true;
    o.loader.preprocess = clipbench::ImagePreprocess::clip(4);
    const EncodedSplit single = clipbench::harness::encode_split(encoder, ds, o);
    for (int world : {2, 3}) {
      std::vector<EncodedSplit> got(static_cast<size_t>(world));
      on_ranks(world, std::chrono::seconds(30), [&](ProcessGroup& g) {
        EncodeOptions mine = o;
        mine.group = &g;
        got[static_cast<size_t>(g.context().rank)] =
            clipbench::harness::encode_split(encoder, ds, mine);
      });
      INFO("world " << world << ", limit " << limit);
      CHECK(torch::equal(got[0].rows, single.rows));
      CHECK(torch::equal(got[0].indices, single.indices));
      CHECK(torch::equal(got[0].labels, single.labels));
      CHECK(got[0].targets.sizes() == single.targets.sizes());
      CHECK(got[0].skipped == 1);  // sample 13, on one rank's shard
      for (int r = 1; r < world; ++r) CHECK_FALSE(got[static_cast<size_t>(r)].rows.defined());
    }
  }
}

TEST_CASE("ranks out of step or missing fail with a DistributedError instead of hanging",
          "[unit]") {
  REQUIRE(clipbench::harness::distributed_available());
  SECTION("different data at the same gather") {
    CHECK_THROWS_WITH(on_ranks(2, std::chrono::seconds(30),
                               [](ProcessGroup& g) {
                                 const std::string what =
                                     g.context().rank == 0 ? "job A scores" : "job B scores";
                                 g.gather_to_root(torch::zeros({4}), what);
                               }),
                      Catch::Contains("out of step"));
  }
  SECTION("a rank that stays silent: the gather times out instead of hanging") {
    bool threw = false;
    // The timeout also bounds the rendezvous, which can take a second or two on a loaded machine.
    on_ranks(2, std::chrono::milliseconds(4000), [&](ProcessGroup& g) {
      if (g.context().rank == 1) {
        std::this_thread::sleep_for(std::chrono::seconds(10));  // alive, but never gathers
        return;
      }
      try {
        g.gather_to_root(torch::zeros({3}), "silent test");
      } catch (const DistributedError& e) {
        threw = true;
        CHECK_THAT(e.what(), Catch::Contains("silent test"));
        CHECK_THAT(e.what(), Catch::Contains("rank 0 of 2"));
        CHECK_THAT(e.what(), Catch::Contains("timeout of 4 s"));
      }
    });
    CHECK(threw);
  }
  SECTION("a rank that never starts: the rendezvous times out naming the rank") {
    const int port = clipbench::test::free_port();
    try {
      ProcessGroup group(loopback(0, 2, port), std::chrono::milliseconds(1500));
      FAIL("the process group formed with one of two ranks");
    } catch (const DistributedError& e) {
      CHECK_THAT(e.what(), Catch::Contains("rank 0 of 2"));
      CHECK_THAT(e.what(), Catch::Contains("1.5 s"));
    }
  }
}

#else  // !CLIPBENCH_WITH_C10D

TEST_CASE("a build without c10d/Gloo refuses a process group, naming why", "[unit]") {
  CHECK_FALSE(clipbench::harness::distributed_available());
  CHECK_THROWS_WITH(ProcessGroup(loopback(0, 2, 29500), std::chrono::seconds(1)),
                    Catch::Contains("built without c10d/Gloo: ") &&
                        Catch::Contains("world size 2 (test environment)"));
}

#endif  // CLIPBENCH_WITH_C10D
