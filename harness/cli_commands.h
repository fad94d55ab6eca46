// Declarations of each `clipbench` subcommand's registration function (one .cpp per command).
#pragma once

namespace CLI {
class App;
}

namespace clipbench::cli {

void add_embed_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_version_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
// `preprocess --image FILE --size N --out FILE.png` (harness/cli_preprocess.cpp).
void add_preprocess_command(CLI::App& app);
// `datasets [--data-root DIR] [--catalogue-dir DIR] [--json]` (harness/cli_datasets.cpp).
void add_datasets_command(CLI::App& app);

// `eval --checkpoint FILE --dataset IDS --data-root DIR ...` (harness/cli_eval.cpp).
void add_eval_command(CLI::App& app);
// `run --suite FILE.json` (harness/cli_run.cpp).
void add_run_command(CLI::App& app);
// `train --pairs SOURCE --config SIZE ...` (harness/cli_train.cpp).
void add_train_command(CLI::App& app);
// `demo [--out DIR]` (harness/cli_demo.cpp).
void add_demo_command(CLI::App& app);
// `report --results DIR [--format md,json] [--out FILE]` (harness/cli_report.cpp).
void add_report_command(CLI::App& app);
// `check --results DIR --baseline DIR|FILE [--tolerance POINTS]` (harness/cli_check.cpp).
void add_check_command(CLI::App& app);
// `probe-fit --train FILE --val FILE --test FILE [--C VALUE]` (harness/cli_probe_fit.cpp).
void add_probe_fit_command(CLI::App& app);
// `probe --checkpoint FILE | --resnet50 FILE --dataset IDS --data-root DIR [--shots K,..] [--seeds
// N]` (harness/cli_probe.cpp).
void add_probe_command(CLI::App& app);

}  // namespace clipbench::cli
