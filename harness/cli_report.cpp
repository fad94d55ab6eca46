// `clipbench report`: report.md (with gain.svg) and report.json from a results folder.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <sstream>

#include "harness/cli_commands.h"
#include "harness/cli_common.h"
#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/paper_reference.h"
#include "reports/summary.h"
#include "reports/svg_chart.h"

namespace clipbench::cli {
namespace {

struct ReportOptions {
  std::string results;
  std::string formats = "md,json";
  std::string out;  // the Markdown file; default <results>/report.md
  std::string paper = reports::kBuiltinPaperReference;
};

void run_report(const ReportOptions& o) {
  bool md = false, json = false;
  std::stringstream list(o.formats);
  for (std::string f; std::getline(list, f, ',');) {
    if (f == "md") {
      md = true;
    } else if (f == "json") {
      json = true;
    } else {
      throw Error(fmt::format("--format '{}': unknown format '{}', expected md, json or md,json",
                              o.formats, f));
    }
  }
  if (!md && !json) throw Error("--format: give md, json or md,json");
  const auto records = read_result_records(o.results);
  if (records.empty())
    throw reports::ResultsError(
        fmt::format("results folder {} holds no result records", o.results));
  const auto paper = reports::load_paper_reference(o.paper);
  namespace fs = std::filesystem;
  const fs::path md_path = o.out.empty() ? fs::path(o.results) / "report.md" : fs::path(o.out);
  const fs::path dir = md_path.has_parent_path() ? md_path.parent_path() : fs::path(".");
  if (md) {
    const auto svg = reports::svg_bar_chart(reports::gain_bars(reports::summarize(records, paper)),
                                            "Prompt ensembling gain: ensemble − raw (points)");
    write_output((dir / "gain.svg").string(), svg);
    reports::MarkdownOptions mo;
    mo.results_dir = o.results;
    write_output(md_path.string(), reports::markdown_report(records, paper, mo));
    spdlog::info("wrote {} and {}", md_path.string(), (dir / "gain.svg").string());
  }
  if (json) {
    write_output((dir / "report.json").string(),
                 reports::json_report(records, paper, o.results).dump(2));
    spdlog::info("wrote {}", (dir / "report.json").string());
  }
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report", "Write report.md (+ gain.svg) and report.json from a results folder");
  cmd->add_option("--results", o->results, "Results folder (one JSON record per job)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--format", o->formats, "Comma-separated: md, json")->capture_default_str();
  cmd->add_option("--out", o->out,
                  "The Markdown file (default <results>/report.md); gain.svg and report.json go "
                  "beside it");
  cmd->add_option("--paper", o->paper,
                  "The paper's reference numbers: the copy built into clipbench, or a file in the "
                  "schema of baselines/paper_reference.json")
      ->capture_default_str()
      ->check(CLI::ExistingFile | CLI::IsMember({std::string(reports::kBuiltinPaperReference)}));
  cmd->callback([o] { run_report(*o); });
}

}  // namespace clipbench::cli
