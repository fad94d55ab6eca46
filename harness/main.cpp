// The `clipbench` executable: parses the command line and maps errors to exit codes.
#include <exception>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "clip/errors.h"
#include "harness/cli_common.h"

int main(int argc, char** argv) {
  namespace cli = clipbench::cli;
  CLI::App app{
      "clipbench: evaluate CLIP checkpoints (zero-shot, linear probes) and compare with the paper"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  for (const auto& add : cli::commands()) add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitBadInput;
  } catch (const clipbench::Error& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const std::exception& e) {
    spdlog::critical("unexpected error: {}", e.what());
    return cli::kExitInternal;
  }
  return cli::kExitOk;
}
