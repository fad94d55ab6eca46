// Tests for clip/sentencepiece_tokenizer.h: open_clip HFTokenizer parity, the files read, errors.
#include "clip/sentencepiece_tokenizer.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using Catch::Contains;
using clipbench::SentencePieceTokenizer;
using clipbench::TokenizerError;
using nlohmann::json;

namespace {

// Written by scripts/gen_sentencepiece_cases.py with open_clip 3.3.0 / transformers 5.24.
std::string data_dir(const std::string& rel = "") {
  return std::string(CLIPBENCH_SOURCE_DIR) + "/tests/clip/data/sentencepiece/" + rel;
}

const json& cases() {
  static const json j = [] {
    std::ifstream in(data_dir("cases.json"));
    REQUIRE(in);
    return json::parse(in);
  }();
  return j;
}

// A copy of data_dir(kind) in `dir` to tamper with.
std::string copy_folder(const clipbench::test::TempDir& dir, const std::string& kind) {
  const fs::path to = fs::path(dir.path()) / kind;
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(data_dir(kind)))
    fs::copy(e.path(), to / e.path().filename());
  return to.string();
}

json read(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void write(const std::string& path, const json& j) { std::ofstream(path) << j.dump(2); }

}  // namespace

TEST_CASE("SentencePiece tokenizers give open_clip HFTokenizer's ids and cleaned text", "[unit]") {
  for (const std::string kind : {"t5", "gemma"}) {
    const json& folder = cases().at("folders").at(kind);
    INFO(kind);
    const size_t n = folder.at("cases").size();
    REQUIRE(n > 500);  // every clean mode x context length over the class-name prompts
    size_t truncated = 0;
    for (const std::string clean : {"canonicalize", "lower", "whitespace"}) {
      const auto tok = SentencePieceTokenizer::from_folder(data_dir(kind), clean);
      CHECK(tok.pad_id() == folder.at("pad_id").get<int64_t>());
      CHECK(tok.eos_id() == folder.at("eos_id").get<int64_t>());
      CHECK(tok.vocab_size() == folder.at("vocab_size").get<int64_t>());
      for (const json& c : folder.at("cases")) {
        if (c.at("clean") != clean) continue;
        const std::string text = c.at("text");
        const int64_t context = c.at("context_length");
        INFO(clean << " context " << context << " text '" << text << "'");
        CHECK(tok.clean(text) == c.at("cleaned").get<std::string>());
        const at::Tensor ids = tok.tokenize({text}, context, /*truncate=*/true);
        REQUIRE(ids.sizes() == at::IntArrayRef({1, context}));
        const auto expected = c.at("ids").get<std::vector<int64_t>>();
        CHECK(std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + context) ==
              expected);
        // Without truncate a text that does not fit is refused, never cut silently.
        const auto unpadded = tok.token_ids(text, 1 << 20, false);
        if (static_cast<int64_t>(unpadded.size()) > context) {
          ++truncated;
          CHECK_THROWS_AS(tok.tokenize({text}, context, false), TokenizerError);
        } else {
          CHECK(tok.tokenize({text}, context, false).equal(ids));
        }
      }
    }
    CHECK(truncated > 50);  // the context-8 cases cut most prompts
  }
}

TEST_CASE("SentencePiece tokenizer: special tokens come from tokenizer.json or the config",
          "[unit]") {
  clipbench::test::TempDir dir;
  const auto ids_of = [](const std::string& folder) {
    return SentencePieceTokenizer::from_folder(folder, "canonicalize")
        .token_ids("a cat", 16, false);
  };
  const std::string gemma = copy_folder(dir, "gemma");
  const auto reference = ids_of(data_dir("gemma"));
  REQUIRE(reference.back() == 1);   // add_eos_token: eos (id 1) after the text
  REQUIRE(reference.front() != 2);  // add_bos_token false: no bos

  SECTION("config flags alone") {
    fs::remove(fs::path(gemma) / "tokenizer.json");
    CHECK(ids_of(gemma) == reference);
  }
  SECTION("tokenizer.json alone") {
    json c = read(gemma + "/tokenizer_config.json");
    c.erase("add_bos_token");
    c.erase("add_eos_token");
    write(gemma + "/tokenizer_config.json", c);
    CHECK(ids_of(gemma) == reference);
  }
  SECTION("neither: Gemma's default is not guessed") {
    fs::remove(fs::path(gemma) / "tokenizer.json");
    json c = read(gemma + "/tokenizer_config.json");
    c.erase("add_bos_token");
    c.erase("add_eos_token");
    write(gemma + "/tokenizer_config.json", c);
    CHECK_THROWS_WITH(ids_of(gemma), Contains("neither add_bos_token"));
  }
  SECTION("the two disagree") {
    json c = read(gemma + "/tokenizer_config.json");
    c["add_bos_token"] = true;
    write(gemma + "/tokenizer_config.json", c);
    CHECK_THROWS_WITH(ids_of(gemma), Contains("disagree"));
  }
  SECTION("bos from the config") {
    fs::remove(fs::path(gemma) / "tokenizer.json");
    json c = read(gemma + "/tokenizer_config.json");
    c["add_bos_token"] = true;
    write(gemma + "/tokenizer_config.json", c);
    std::vector<int64_t> expected = {2};
    expected.insert(expected.end(), reference.begin(), reference.end());
    CHECK(ids_of(gemma) == expected);
  }
}

TEST_CASE("SentencePiece tokenizer refuses what it cannot read", "[unit]") {
  clipbench::test::TempDir dir;
  const std::string t5 = copy_folder(dir, "t5");
  SECTION("no model") {
    fs::remove(fs::path(t5) / "spiece.model");
    CHECK(SentencePieceTokenizer::find_model_file(t5).empty());
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("no SentencePiece model"));
  }
  SECTION("a corrupt model names the file") {
    dir.write("t5/spiece.model", std::string("\x0a\xff\xff\xff\x0fnot a model", 16));
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("spiece.model: not a readable SentencePiece model"));
  }
  SECTION("a truncated model") {
    std::ifstream in(data_dir("t5/spiece.model"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    dir.write("t5/spiece.model", bytes.substr(0, bytes.size() / 3));
    CHECK_THROWS_AS(SentencePieceTokenizer::from_folder(t5, "canonicalize"), TokenizerError);
  }
  SECTION("no tokenizer_config.json") {
    fs::remove(fs::path(t5) / "tokenizer_config.json");
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("tokenizer_config.json: missing"));
  }
  SECTION("another tokenizer class") {
    json c = read(t5 + "/tokenizer_config.json");
    c["tokenizer_class"] = "XLMRobertaTokenizer";
    write(t5 + "/tokenizer_config.json", c);
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("'XLMRobertaTokenizer' is not one clipbench reproduces"));
  }
  SECTION("a special token the model lacks") {
    json c = read(t5 + "/tokenizer_config.json");
    c["eos_token"] = "<end>";
    write(t5 + "/tokenizer_config.json", c);
    fs::remove(fs::path(t5) / "tokenizer.json");
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("eos_token '<end>' is not a piece"));
  }
  SECTION("no pad token") {
    json c = read(t5 + "/tokenizer_config.json");
    c.erase("pad_token");
    write(t5 + "/tokenizer_config.json", c);
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("no pad_token"));
  }
  SECTION("invalid JSON") {
    dir.write("t5/tokenizer.json", "{\"added_tokens\": [");
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("tokenizer.json: not valid JSON"));
  }
  SECTION("another post-processor") {
    json j = read(t5 + "/tokenizer.json");
    j["post_processor"] = {{"type", "BertProcessing"}};
    write(t5 + "/tokenizer.json", j);
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalize"),
                      Contains("BertProcessing"));
  }
  SECTION("an unknown clean mode suggests the known ones") {
    CHECK_THROWS_WITH(SentencePieceTokenizer::from_folder(t5, "canonicalise"),
                      Contains("canonicalize"));
  }
  SECTION("special token text and invalid UTF-8") {
    const auto tok = SentencePieceTokenizer::from_folder(t5, "whitespace");
    CHECK_THROWS_WITH(tok.tokenize({"a </s> b"}, 16, true), Contains("special token '</s>'"));
    CHECK_THROWS_WITH(tok.tokenize({"bad \xff byte"}, 16, true), Contains("not valid UTF-8"));
    CHECK_THROWS_AS(tok.tokenize({"a"}, 0, true), TokenizerError);
  }
}
