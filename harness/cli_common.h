// Shared pieces of the `clipbench` command line: the command table, JSON output, version facts.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace clipbench {
struct ArchitectureRequest;
}
namespace clipbench::reports {
struct ResultRecord;
}

namespace clipbench::cli {

// Adds one subcommand (its options, --help text and callback) to the application.
using AddCommand = std::function<void(CLI::App&)>;

// Every subcommand of `clipbench`, in the order `--help` lists them.
const std::vector<AddCommand>& commands();

// Writes `text` (plus a newline) to `path` atomically (temp file + rename), or to stdout when path
// is empty or "-". Throws FileError naming the path on failure.
void write_output(const std::string& path, const std::string& text);

// `--model NAME` and `--pretrained TAG` (open_clip's config and pretrained tag, built in; see
// `clipbench models`), stored into `request`.
void add_model_options(CLI::App* cmd, ArchitectureRequest& request);

// The records of a results folder (reports::read_results, same errors), with a warning naming the
// other `.json` files there (a record renamed or written by hand is not read; report.json aside).
std::vector<reports::ResultRecord> read_result_records(const std::string& dir);

// A 1-D or 2-D tensor as (nested) JSON arrays of doubles.
nlohmann::json tensor_to_json(const at::Tensor& t);

// Exit codes shared by every command.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;   // the command ran and reports a failure (e.g. a regression)
constexpr int kExitBadInput = 2;  // bad input or use: a clipbench::Error, a parse error
constexpr int kExitInternal = 3;  // an unexpected exception

// Thrown by a command that ran to the end but must exit non-zero (a regression found, a suite job
// that failed); main() returns `code` after the command has printed its own summary.
struct CommandExit {
  int code = kExitFailure;
};

}  // namespace clipbench::cli
