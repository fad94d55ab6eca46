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
  // The commit of the tree the binary was built from, read at build time: an incremental build
  // after new commits must not keep the commit of the first configure. (The build folder sits in
  // the source tree, as scripts/build puts it; elsewhere git finds no repository and this is not
  // checked.)
  const auto head = run_command("git -C \"$(dirname " + clipbench_exe() +
                                ")\" rev-parse --short=12 HEAD 2>/dev/null");
  if (head.exit_code == 0 && head.out.size() >= 12) {
    INFO("HEAD " << head.out);
    CHECK(v.at("clipbench").get<std::string>().rfind(head.out.substr(0, 12), 0) == 0);
  }
}

TEST_CASE("clipbench without a command or with an unknown one exits 2", "[unit]") {
  CHECK(run_command(clipbench_exe() + " 2>&1").exit_code == 2);
  CHECK(run_command(clipbench_exe() + " no-such-command 2>&1").exit_code == 2);
  CHECK(run_command(clipbench_exe() + " --help").exit_code == 0);
}
