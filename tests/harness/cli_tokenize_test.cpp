// Tests for `clipbench tokenize` as a user runs it: stdin lines in, JSON arrays of ids out.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"

using Catch::Contains;
using clipbench::test::clipbench_exe;
using clipbench::test::run_command;

namespace {

std::string vocab() {
  return clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
}

// Writes `text` to a file under the build tree and returns its path (stdin for the command).
std::string input_file(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(CLIPBENCH_BINARY_DIR) / "test_tmp" / "cli_tokenize";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string tokenize_cmd(const std::string& args, const std::string& stdin_path) {
  return "env -u CLIPBENCH_VOCAB " + clipbench_exe() + " tokenize " + args + " < " + stdin_path;
}

}  // namespace

TEST_CASE("clipbench tokenize prints one JSON array of ids per stdin line", "[unit]") {
  const auto in = input_file("lines.txt", "a photo of a cat.\n\nA Photo Of A CAT!!\n");
  const auto r = run_command(tokenize_cmd("--vocab " + vocab(), in));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "[49406,320,1125,539,320,2368,269,49407]\n"
        "[49406,49407]\n"
        "[49406,320,1125,539,320,2368,748,49407]\n");
}

TEST_CASE("clipbench tokenize: a too-long line exits 2 naming it, --truncate cuts it", "[unit]") {
  std::string long_line;
  for (int i = 0; i < 10; ++i) long_line += "cat ";
  const auto in = input_file("long.txt", "a cat\n" + long_line + "\n");
  const auto fail =
      run_command(tokenize_cmd("--vocab " + vocab() + " --context-length 8", in) + " 2>&1");
  CHECK(fail.exit_code == 2);
  CHECK_THAT(fail.out, Contains("[49406,320,2368,49407]"));
  CHECK_THAT(fail.out,
             Contains("stdin line 2") && Contains("12 tokens") && Contains("context length 8"));

  const auto cut =
      run_command(tokenize_cmd("--vocab " + vocab() + " --context-length 8 --truncate", in));
  REQUIRE(cut.exit_code == 0);
  CHECK(cut.out == "[49406,320,2368,49407]\n[49406,2368,2368,2368,2368,2368,2368,49407]\n");
}

TEST_CASE("clipbench tokenize: a missing vocabulary exits 2; none given is the built-in one",
          "[unit]") {
  const auto in = input_file("one.txt", "a cat\n");
  const auto missing = run_command(tokenize_cmd("--vocab /nonexistent/bpe.txt.gz", in) + " 2>&1");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.out, Contains("/nonexistent/bpe.txt.gz"));
  // No --vocab and no $CLIPBENCH_VOCAB: the vocabulary that ships with clipbench, the same ids as
  // openai/CLIP's file.
  const auto none = run_command(tokenize_cmd("", in));
  const auto logged = run_command(tokenize_cmd("", in) + " 2>&1 >/dev/null");
  CHECK_THAT(logged.out, Contains("vocabulary: builtin:bpe_simple_vocab_16e6.txt.gz"));
  const auto given = run_command(tokenize_cmd("--vocab " + vocab(), in));
  CHECK(none.exit_code == 0);
  REQUIRE(given.exit_code == 0);
  CHECK(none.out == given.out);
  CHECK(none.out.rfind("[49406,320,2368,49407", 0) == 0);
  const auto bad =
      run_command(tokenize_cmd("--vocab " + vocab() + " --context-length 0", in) + " 2>&1");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("clipbench tokenize --help describes its options", "[unit]") {
  const auto r = run_command(clipbench_exe() + " tokenize --help");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("--vocab") && Contains("--context-length") && Contains("--truncate") &&
                        Contains("stdin"));
}
