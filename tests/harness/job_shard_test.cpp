// Tests of harness/job_shard: "I/N" parsing, Slurm job-array variables, and the shards' jobs.
#include "harness/job_shard.h"

#include <map>
#include <set>

#include "tests/support/catch.h"

using clipbench::harness::job_shard_from;
using clipbench::harness::JobShard;
using clipbench::harness::parse_job_shard;
using clipbench::harness::shard_jobs;

namespace {

clipbench::harness::EnvLookup env_of(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("--shard I/N parses a 0-based shard and rejects the rest", "[unit]") {
  const JobShard s = parse_job_shard("2/5");
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(s.source == "--shard");
  for (const char* bad : {"5/5", "1/0", "a/2", "1-2", "", "/2", "1/", "-1/2", "1/2/3"})
    CHECK_THROWS_WITH(parse_job_shard(bad), Catch::Contains("expected I/N"));
}

TEST_CASE("a Slurm job array's task id and count pick the shard", "[unit]") {
  SECTION("no option, no array: everything") {
    const JobShard s = job_shard_from("", env_of({}));
    CHECK(s.count == 1);
    CHECK(s.index == 0);
  }
  SECTION("--array=0-3") {
    const JobShard s =
        job_shard_from("", env_of({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    CHECK(s.index == 3);
    CHECK(s.count == 4);
    CHECK(s.source == "slurm-array");
  }
  SECTION("--array=1-4 counts from SLURM_ARRAY_TASK_MIN") {
    const JobShard s = job_shard_from("", env_of({{"SLURM_ARRAY_TASK_ID", "1"},
                                                  {"SLURM_ARRAY_TASK_COUNT", "4"},
                                                  {"SLURM_ARRAY_TASK_MIN", "1"}}));
    CHECK(s.index == 0);
    CHECK(s.count == 4);
  }
  SECTION("the option wins over the array") {
    const JobShard s = job_shard_from(
        "1/2", env_of({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    CHECK(s.index == 1);
    CHECK(s.count == 2);
  }
  SECTION("errors name the variable") {
    CHECK_THROWS_WITH(job_shard_from("", env_of({{"SLURM_ARRAY_TASK_ID", "3"}})),
                      Catch::Contains("SLURM_ARRAY_TASK_COUNT"));
    CHECK_THROWS_WITH(
        job_shard_from("", env_of({{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
        Catch::Contains("SLURM_ARRAY_TASK_ID=7"));
    CHECK_THROWS_WITH(
        job_shard_from("", env_of({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
        Catch::Contains("SLURM_ARRAY_TASK_ID='x'"));
  }
}

TEST_CASE("the shards of one count partition the jobs round-robin", "[unit]") {
  CHECK(shard_jobs(7, {1, 3, "--shard"}) == std::vector<size_t>{1, 4});
  CHECK(shard_jobs(2, {2, 3, "--shard"}).empty());
  for (size_t n : {0u, 1u, 5u, 12u})
    for (size_t count : {1u, 2u, 3u, 7u}) {
      std::multiset<size_t> seen;
      for (size_t i = 0; i < count; ++i)
        for (size_t j : shard_jobs(n, {i, count, "--shard"})) seen.insert(j);
      CHECK(seen.size() == n);
      for (size_t j = 0; j < n; ++j) CHECK(seen.count(j) == 1);
    }
}
