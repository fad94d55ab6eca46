// The `clipbench` executable: parses the command line and maps errors to exit codes.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "clip/errors.h"
#include "harness/allocator.h"
#include "harness/cli_common.h"

int main(int argc, char** argv) {
  namespace cli = clipbench::cli;
  clipbench::configure_allocator_for_inference();
  CLI::App app{
      "clipbench: evaluate CLIP checkpoints (zero-shot, linear probes) and compare with the paper"};
  app.require_subcommand(1);
  // Logs go to stderr so that JSON on stdout stays machine-readable.
  spdlog::set_default_logger(spdlog::stderr_color_mt("clipbench"));
  app.add_option_function<std::string>(
         "--log-level",
         [](const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); },
         "trace, debug, info (default), warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.set_help_all_flag("--help-all", "Help for every command");
  for (const auto& add : cli::commands()) add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitBadInput;
  } catch (const cli::CommandExit& e) {
    return e.code;
  } catch (const clipbench::Error& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const std::exception& e) {
    spdlog::critical("unexpected error: {}", e.what());
    return cli::kExitInternal;
  }
  return cli::kExitOk;
}
