// Tests for the `clipbench` command line as a user runs it.
#include <nlohmann/json.hpp>

#include "tests/support/catch.h"
#include "tests/support/run_command.h"

using clipbench::test::clipbench_exe;
using clipbench::test::run_command;

TEST_CASE("clipbench version prints the versions recorded in results", "[unit]") {
  const auto r = run_command(clipbench_exe() + " version");
  REQUIRE(r.exit_code == 0);
  const auto v = nlohmann::json::parse(r.out);
  const auto torch = v.at("libtorch").get<std::string>();
  CHECK((torch.rfind("1.", 0) == 0 || torch.rfind("2.", 0) == 0));
  CHECK(v.contains("clipbench"));
  CHECK(v.contains("compiler"));
}

TEST_CASE("clipbench without a command or with an unknown one exits 2", "[unit]") {
  CHECK(run_command(clipbench_exe() + " 2>&1").exit_code == 2);
  CHECK(run_command(clipbench_exe() + " no-such-command 2>&1").exit_code == 2);
  CHECK(run_command(clipbench_exe() + " --help").exit_code == 0);
}
