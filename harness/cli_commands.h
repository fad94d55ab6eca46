// Declarations of each `clipbench` subcommand's registration function (one .cpp per command).
#pragma once

namespace CLI {
class App;
}

namespace clipbench::cli {

void add_embed_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_version_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
// `preprocess --image FILE --size N --out FILE.png` (harness/cli_preprocess.cpp).
void add_preprocess_command(CLI::App& app);
// `probe-fit --train FILE --val FILE --test FILE [--C VALUE]` (harness/cli_probe_fit.cpp).
void add_probe_fit_command(CLI::App& app);

}  // namespace clipbench::cli
