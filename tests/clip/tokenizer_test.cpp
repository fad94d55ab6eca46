// Tests for clip/tokenizer.h and clip/bpe_vocabulary.h: reference parity, files, errors.
#include "clip/tokenizer.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clip/bpe_vocabulary.h"
#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

namespace fs = std::filesystem;
using Catch::Contains;
using clipbench::Tokenizer;
using clipbench::TokenizerError;

namespace {

std::string vocab_path() {
  return clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
}

const Tokenizer& openai_tokenizer() {
  static const Tokenizer t = Tokenizer::from_file(vocab_path());
  return t;
}

std::vector<std::int64_t> with_specials(const Tokenizer& t, const std::string& text) {
  std::vector<std::int64_t> ids{t.sot_token()};
  const auto body = t.encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.push_back(t.eot_token());
  return ids;
}

// Checks every row's "ids"; reports the number of mismatches and the first few, then requires none.
void check_rows(const Tokenizer& t, const std::vector<nlohmann::json>& rows) {
  std::size_t mismatches = 0;
  std::string first;
  for (const auto& row : rows) {
    const std::string text = row.at("text").get<std::string>();
    // Rows where ftfy's unreproduced steps (fix_encoding, unescape_html: clip/ftfy_fix.h) change
    // the ids hold what clipbench gives instead, beside the reference's.
    const auto want =
        row.value("ids_without_unreproduced_ftfy", row.at("ids")).get<std::vector<std::int64_t>>();
    std::vector<std::int64_t> got;
    std::string error;
    try {
      got = with_specials(t, text);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (got != want) {
      if (++mismatches <= 5) {
        first += fmt::format("\n  {}\n    want {}\n    got  {}{}", nlohmann::json(text).dump(),
                             nlohmann::json(want).dump(), nlohmann::json(got).dump(), error);
      }
    }
  }
  INFO(mismatches << " of " << rows.size() << " rows differ; first ones:" << first);
  REQUIRE(mismatches == 0);
}

// A fresh directory under the build tree for one test.
fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::path(CLIPBENCH_BINARY_DIR) / "test_tmp" / "tokenizer" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

void write_gzip(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

std::string read_gzip_text(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) text.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  REQUIRE(n == 0);
  return text;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sets or unsets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("every golden.jsonl line gives the reference ids", "[parity]") {
  const auto rows =
      clipbench::test::read_jsonl_file(clipbench::test::fixture("tokenizer/golden.jsonl"));
  REQUIRE(rows.size() >= 3000);
  check_rows(openai_tokenizer(), rows);
}

TEST_CASE("golden truncated77 rows match tokenize(..., 77, truncate=true)", "[parity]") {
  const auto rows =
      clipbench::test::read_jsonl_file(clipbench::test::fixture("tokenizer/golden.jsonl"));
  std::size_t checked = 0;
  for (const auto& row : rows) {
    if (!row.contains("truncated77")) continue;
    const std::string text = row.at("text").get<std::string>();
    const auto want = row.at("truncated77").get<std::vector<std::int64_t>>();
    const at::Tensor got = openai_tokenizer().tokenize({text}, 77, true);
    REQUIRE(got.sizes() == at::IntArrayRef{1, 77});
    const std::vector<std::int64_t> row_ids(got.data_ptr<std::int64_t>(),
                                            got.data_ptr<std::int64_t>() + 77);
    CHECK(row_ids == want);
    CHECK(row_ids.back() == 49407);
    CHECK_THROWS_AS(openai_tokenizer().tokenize({text}, 77, false), TokenizerError);
    ++checked;
  }
  REQUIRE(checked >= 1);
}

TEST_CASE(
    "edge cases (entities, final sigma, U+0130, U+017F, U+0345, random text) match the reference",
    "[parity]") {
  // Written by scripts/gen_tokenizer_edge_cases.py from a Python re-implementation of
  // SimpleTokenizer that uses the `regex` module and ftfy 6.3.1, and reproduces golden.jsonl (with
  // ftfy as the identity, as the goldens were made).
  const auto rows = clipbench::test::read_jsonl_file(std::string(CLIPBENCH_SOURCE_DIR) +
                                                     "/tests/clip/data/tokenizer_edge_cases.jsonl");
  REQUIRE(rows.size() >= 600);
  check_rows(openai_tokenizer(), rows);
}

TEST_CASE(
    "a Hugging Face vocab.json + merges.txt written from the OpenAI vocabulary gives identical ids",
    "[parity]") {
  const Tokenizer& openai = openai_tokenizer();
  const fs::path dir = temp_dir("hf");
  nlohmann::json vocab = nlohmann::json::object();
  for (std::int64_t id = 0; id < openai.vocab_size(); ++id) vocab[openai.id_to_token(id)] = id;
  write_file(dir / "vocab.json", vocab.dump());
  // merges.txt as Hugging Face ships it: the header and the 48894 merges the reference reads.
  const std::string gz_text = read_gzip_text(vocab_path());
  std::size_t pos = 0;
  for (std::size_t line = 0; line < 1 + clipbench::kReferenceMergeCount; ++line) {
    pos = gz_text.find('\n', pos) + 1;
  }
  write_file(dir / "merges.txt", gz_text.substr(0, pos));

  for (const std::string& path : {(dir / "vocab.json").string(), dir.string()}) {
    const Tokenizer hf = Tokenizer::from_file(path);
    CHECK(hf.vocab_size() == 49408);
    CHECK(hf.sot_token() == 49406);
    CHECK(hf.eot_token() == 49407);
    CHECK(hf.source() != openai.source());
  }
  const Tokenizer hf = Tokenizer::from_file((dir / "vocab.json").string());
  check_rows(hf,
             clipbench::test::read_jsonl_file(clipbench::test::fixture("tokenizer/golden.jsonl")));
  check_rows(hf, clipbench::test::read_jsonl_file(std::string(CLIPBENCH_SOURCE_DIR) +
                                                  "/tests/clip/data/tokenizer_edge_cases.jsonl"));
}

TEST_CASE("tokenize pads with 0 to [N, context_length] int64", "[unit]") {
  const Tokenizer& t = openai_tokenizer();
  const at::Tensor ids = t.tokenize({"a photo of a cat.", ""});
  CHECK(ids.sizes() == at::IntArrayRef{2, 77});
  CHECK(ids.scalar_type() == at::kLong);
  CHECK(ids.device().is_cpu());
  const std::vector<std::int64_t> want{49406, 320, 1125, 539, 320, 2368, 269, 49407};
  for (std::int64_t k = 0; k < 77; ++k) {
    CHECK(ids[0][k].item<std::int64_t>() == (k < 8 ? want[k] : 0));
    CHECK(ids[1][k].item<std::int64_t>() == (k == 0 ? 49406 : k == 1 ? 49407 : 0));
  }
  CHECK(t.tokenize({}, 77).sizes() == at::IntArrayRef{0, 77});
  CHECK(t.tokenize({"a"}, 3).sizes() == at::IntArrayRef{1, 3});
  CHECK_THROWS_AS(t.tokenize({"a"}, 0), TokenizerError);
  CHECK(t.sot_token() == 49406);
  CHECK(t.eot_token() == 49407);
  CHECK(t.vocab_size() == 49408);
  CHECK(t.id_to_token(320) == "a</w>");
}

TEST_CASE("a text longer than the context is an error naming it, unless truncated", "[unit]") {
  const Tokenizer& t = openai_tokenizer();
  std::string text;
  for (int i = 0; i < 100; ++i) text += "cat ";
  try {
    t.token_ids(text, 77, false);
    FAIL("no error for a 102-token text");
  } catch (const TokenizerError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Contains("cat cat cat"));
    CHECK_THAT(msg, Contains("... (400 bytes)"));
    CHECK_THAT(msg, Contains("102 tokens"));
    CHECK_THAT(msg, Contains("context length 77"));
  }
  const auto cut = t.token_ids(text, 77, true);
  REQUIRE(cut.size() == 77);
  CHECK(cut.front() == 49406);
  CHECK(cut[75] == 2368);
  CHECK(cut.back() == 49407);
  CHECK(t.token_ids("a cat", 4, false).size() == 4);
  CHECK_THROWS_AS(t.token_ids("a cat", 3, false), TokenizerError);
  CHECK(t.token_ids("a cat", 1, true) == std::vector<std::int64_t>{49407});
  CHECK_THROWS_WITH(t.tokenize({"a", text}, 77), Contains("102 tokens"));
}

TEST_CASE("decode reproduces SimpleTokenizer.decode", "[unit]") {
  const Tokenizer& t = openai_tokenizer();
  CHECK(t.decode(t.encode("A photo of a CAT.")) == "a photo of a cat . ");
  CHECK(t.decode(t.encode("café 東京 😀")) == "café 東京 😀 ");
  CHECK(t.decode({49406, 320, 49407}) == "<|startoftext|>a <|endoftext|>");
  // Token 158 is the byte 0xE2 alone: an incomplete UTF-8 sequence decodes to U+FFFD
  // (errors="replace").
  CHECK(t.id_to_token(158) == "\u00e2");
  CHECK(t.decode({158, 320}) ==
        "\ufffd"
        "a ");
  CHECK(t.decode(t.encode("\u20ac")) == "\u20ac ");
  CHECK_THROWS_AS(t.decode({49408}), TokenizerError);
  CHECK_THROWS_AS(t.decode({-1}), TokenizerError);
  CHECK_THROWS_AS(t.encode("bad \xff utf-8"), TokenizerError);
}

TEST_CASE("encoding from several threads at once gives the same ids", "[unit]") {
  const auto rows =
      clipbench::test::read_jsonl_file(clipbench::test::fixture("tokenizer/golden.jsonl"));
  const Tokenizer t = Tokenizer::from_file(vocab_path());
  std::vector<std::vector<std::int64_t>> serial;
  for (const auto& row : rows)
    serial.push_back(with_specials(openai_tokenizer(), row.at("text").get<std::string>()));
  constexpr int kThreads = 4;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (std::size_t i = w; i < rows.size() * 2; i += 3) {
        const std::size_t k = i % rows.size();
        if (with_specials(t, rows[k].at("text").get<std::string>()) != serial[k]) ++failures[w];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) CHECK(f == 0);
  CHECK(t.cache_size() > 100);
  t.clear_cache();
  CHECK(t.cache_size() == 0);
}

TEST_CASE("the built-in vocabulary is openai/CLIP's file, byte for byte", "[unit]") {
  // The same bytes as ../shared/reference/openai-clip/bpe_simple_vocab_16e6.txt.gz.
  CHECK(std::string(clipbench::builtin_vocabulary_gzip()) == read_bytes(vocab_path()));
  const Tokenizer builtin = Tokenizer::from_file(clipbench::kBuiltinVocabulary);
  CHECK(builtin.vocab_size() == 49408);
  const auto rows =
      clipbench::test::read_jsonl_file(clipbench::test::fixture("tokenizer/golden.jsonl"));
  int differ = 0;
  for (const auto& row : rows) {
    const std::string text = row.at("text").get<std::string>();
    if (with_specials(builtin, text) != with_specials(openai_tokenizer(), text)) ++differ;
  }
  CHECK(rows.size() > 4000);
  CHECK(differ == 0);
  // read_vocabulary names it as its source.
  CHECK(clipbench::read_vocabulary(clipbench::kBuiltinVocabulary).source ==
        clipbench::kBuiltinVocabulary);
}

TEST_CASE("write_vocabulary_files copies the vocabulary beside a model", "[unit]") {
  const fs::path dir = temp_dir("write_vocab");
  const auto written =
      clipbench::write_vocabulary_files(clipbench::kBuiltinVocabulary, (dir / "builtin").string());
  REQUIRE(written.size() == 1);
  CHECK(fs::path(written[0]).filename() == "bpe_simple_vocab_16e6.txt.gz");
  CHECK(read_bytes(written[0]) == read_bytes(vocab_path()));
  // A Hugging Face vocab.json brings its merges.txt.
  const fs::path hf = dir / "hf_src";
  fs::create_directories(hf);
  write_file(hf / "vocab.json", "{}");
  write_file(hf / "merges.txt", "m");
  const auto hf_written =
      clipbench::write_vocabulary_files((hf / "vocab.json").string(), (dir / "hf_out").string());
  REQUIRE(hf_written.size() == 2);
  CHECK(read_bytes(dir / "hf_out" / "vocab.json") == "{}");
  CHECK(read_bytes(dir / "hf_out" / "merges.txt") == "m");
  // Into its own folder: nothing to copy, and the file is unchanged.
  CHECK(clipbench::write_vocabulary_files((hf / "vocab.json").string(), hf.string()).size() == 2);
  CHECK(read_bytes(hf / "vocab.json") == "{}");
  CHECK_THROWS_WITH(
      clipbench::write_vocabulary_files((dir / "none.txt.gz").string(), (dir / "x").string()),
      Contains("none.txt.gz"));
}

TEST_CASE("vocabulary file errors name the file", "[unit]") {
  const fs::path dir = temp_dir("errors");
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "missing.txt.gz").string()),
                    Contains("missing.txt.gz") && Contains("does not exist"));

  const std::string real = read_bytes(vocab_path());
  write_file(dir / "truncated.txt.gz", real.substr(0, 4096));
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "truncated.txt.gz").string()),
                    Contains("truncated.txt.gz") && Contains("corrupt or truncated"));
  write_file(dir / "garbage.txt.gz", std::string("\x1f\x8b\x08\x00", 4) + std::string(200, '\x5a'));
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "garbage.txt.gz").string()),
                    Contains("garbage.txt.gz") && Contains("corrupt"));
  write_file(dir / "plain.txt.gz", "#version: 0.2\na b\n");
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "plain.txt.gz").string()),
                    Contains("plain.txt.gz") && Contains("not gzip"));
  write_gzip(dir / "badline.txt.gz", "#version: 0.2\na b\nc d e\n");
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "badline.txt.gz").string()),
                    Contains("badline.txt.gz") && Contains("line 3"));
  write_gzip(dir / "empty.txt.gz", "#version: 0.2\n");
  CHECK_THROWS_WITH(Tokenizer::from_file((dir / "empty.txt.gz").string()),
                    Contains("no BPE merges"));

  const fs::path hf = temp_dir("errors_hf");
  write_file(hf / "vocab.json", "{\"a\": 0,");
  CHECK_THROWS_WITH(Tokenizer::from_file((hf / "vocab.json").string()),
                    Contains("merges.txt") && Contains("does not exist"));
  write_file(hf / "merges.txt", "#version: 0.2\na b\n");
  CHECK_THROWS_WITH(Tokenizer::from_file((hf / "vocab.json").string()),
                    Contains("vocab.json") && Contains("not valid JSON"));
  write_file(hf / "vocab.json", "{\"a\": 0, \"b\": 1, \"ab</w>\": 2}");
  CHECK_THROWS_WITH(Tokenizer::from_file(hf.string()), Contains("<|startoftext|>"));
  write_file(hf / "vocab.json",
             "{\"<|startoftext|>\": 0, \"<|endoftext|>\": 1, \"a\": 1000000000}");
  CHECK_THROWS_WITH(Tokenizer::from_file(hf.string()), Contains("1000000000"));
  write_file(hf / "vocab.json", "{\"<|startoftext|>\": 0, \"<|endoftext|>\": -1}");
  CHECK_THROWS_WITH(Tokenizer::from_file(hf.string()), Contains("not an integer >= 0"));
  CHECK_THROWS_WITH(Tokenizer::from_file(temp_dir("errors_empty").string()),
                    Contains("holds no vocabulary"));
}

TEST_CASE(
    "find_vocabulary: --vocab, then beside the checkpoint, then $CLIPBENCH_VOCAB, then the "
    "built-in one",
    "[unit]") {
  using clipbench::find_vocabulary;
  const fs::path root = temp_dir("find");
  const fs::path explicit_file = root / "mine.txt.gz";
  write_file(explicit_file, "x");
  const fs::path openai_dir = root / "openai";
  fs::create_directories(openai_dir);
  write_file(openai_dir / "ViT-B-32.pt", "x");
  write_file(openai_dir / "bpe_simple_vocab_16e6.txt.gz", "x");
  const fs::path hf_dir = root / "hf";
  fs::create_directories(hf_dir);
  write_file(hf_dir / "model.safetensors", "x");
  write_file(hf_dir / "vocab.json", "x");
  write_file(hf_dir / "merges.txt", "x");
  write_file(hf_dir / "bpe_simple_vocab_16e6.txt.gz", "x");
  const fs::path bare_dir = root / "bare";
  fs::create_directories(bare_dir);
  write_file(bare_dir / "model.pt", "x");
  const fs::path env_file = root / "env.txt.gz";
  write_file(env_file, "x");

  {
    ScopedEnv env("CLIPBENCH_VOCAB", env_file.c_str());
    CHECK(find_vocabulary(explicit_file.string(), (openai_dir / "ViT-B-32.pt").string()) ==
          explicit_file.string());
    CHECK(find_vocabulary("", (openai_dir / "ViT-B-32.pt").string()) ==
          (openai_dir / "bpe_simple_vocab_16e6.txt.gz").string());
    CHECK(find_vocabulary("", (hf_dir / "model.safetensors").string()) ==
          (hf_dir / "vocab.json").string());
    CHECK(find_vocabulary("", hf_dir.string()) == (hf_dir / "vocab.json").string());
    CHECK(find_vocabulary("", (bare_dir / "model.pt").string()) == env_file.string());
    CHECK(find_vocabulary("", "") == env_file.string());
    CHECK(find_vocabulary(openai_dir.string(), "") ==
          (openai_dir / "bpe_simple_vocab_16e6.txt.gz").string());
    CHECK_THROWS_WITH(
        find_vocabulary((root / "nope.gz").string(), (openai_dir / "ViT-B-32.pt").string()),
        Contains("nope.gz") && Contains("--vocab") && Contains("does not exist"));
  }
  {
    ScopedEnv env("CLIPBENCH_VOCAB", (root / "gone.gz").c_str());
    CHECK_THROWS_WITH(find_vocabulary("", (bare_dir / "model.pt").string()),
                      Contains("gone.gz") && Contains("CLIPBENCH_VOCAB"));
  }
  {
    ScopedEnv env("CLIPBENCH_VOCAB", nullptr);
    CHECK(find_vocabulary("", (bare_dir / "model.pt").string()) == clipbench::kBuiltinVocabulary);
    CHECK(find_vocabulary("", "") == clipbench::kBuiltinVocabulary);
    CHECK(find_vocabulary(clipbench::kBuiltinVocabulary, (openai_dir / "ViT-B-32.pt").string()) ==
          clipbench::kBuiltinVocabulary);
    // A file beside the checkpoint still comes first.
    CHECK(find_vocabulary("", (openai_dir / "ViT-B-32.pt").string()) ==
          (openai_dir / "bpe_simple_vocab_16e6.txt.gz").string());
    fs::remove(hf_dir / "merges.txt");
    CHECK_THROWS_WITH(find_vocabulary("", (hf_dir / "model.safetensors").string()),
                      Contains("vocab.json") && Contains("merges.txt"));
  }
}
