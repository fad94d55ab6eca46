// The `clipbench tokenize` command: BPE token ids of stdin lines, one JSON array per line.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "clip/errors.h"
#include "clip/tokenizer.h"
#include "harness/cli_commands.h"

namespace clipbench::cli {
namespace {

struct TokenizeOptions {
  std::string vocab;
  std::int64_t context_length = 77;
  bool truncate = false;
};

void run_tokenize(const TokenizeOptions& opt) {
  const std::string vocab = find_vocabulary(opt.vocab, "");
  spdlog::info("vocabulary: {}", vocab);  // stderr: stdout holds only the ids
  const Tokenizer tokenizer = Tokenizer::from_file(vocab);
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    std::vector<std::int64_t> ids;
    try {
      ids = tokenizer.token_ids(line, opt.context_length, opt.truncate);
    } catch (const TokenizerError& e) {
      throw TokenizerError(fmt::format("stdin line {}: {}", line_number, e.what()));
    }
    std::cout << nlohmann::json(ids).dump() << '\n';
  }
  std::cout.flush();
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto opt = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand(
      "tokenize",
      "Print CLIP BPE token ids for each line of stdin (UTF-8), one JSON array per line: start "
      "token "
      "(49406), the text's ids, end token (49407), unpadded (clip.tokenize before padding)");
  cmd->add_option("--vocab", opt->vocab,
                  "Vocabulary: OpenAI's bpe_simple_vocab_16e6.txt.gz, a Hugging Face vocab.json "
                  "(merges.txt beside it), or a folder holding either; default: $CLIPBENCH_VOCAB, "
                  "else the CLIP BPE vocabulary that ships with clipbench")
      ->type_name("FILE");
  cmd->add_option("--context-length", opt->context_length,
                  "Most ids per line, start and end tokens included; a longer line is an error "
                  "(exit 2, naming the line) unless --truncate is given")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--truncate", opt->truncate,
                "Cut lines longer than --context-length, keeping the end token as the last id");
  cmd->callback([opt] { run_tokenize(*opt); });
}

}  // namespace clipbench::cli
