// Tests for harness/loaded_model.h: which text tokenizer a model gets, and the refusals.
#include "harness/loaded_model.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "clip/architecture.h"
#include "clip/safetensors.h"
#include "clip/sentencepiece_tokenizer.h"
#include "harness/zero_shot.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using Catch::Contains;
using clipbench::ResolvedArchitecture;
using clipbench::harness::load_text_tokenizer;

namespace {

// A SigLIP-like architecture: open_clip's HFTokenizer over a T5 SentencePiece vocabulary.
ResolvedArchitecture siglip_like() {
  ResolvedArchitecture a;
  a.tokenizer = "text_cfg.hf_tokenizer_name \"timm/ViT-B-16-SigLIP\"";
  a.hf_tokenizer.name = "timm/ViT-B-16-SigLIP";
  a.hf_tokenizer.clean = "canonicalize";
  return a;
}

// The test T5 tokenizer files (scripts/gen_sentencepiece_cases.py), 700 ids, copied into `dir`.
void copy_t5(const std::string& dir) {
  const fs::path from = fs::path(CLIPBENCH_SOURCE_DIR) / "tests/clip/data/sentencepiece/t5";
  for (const auto& e : fs::directory_iterator(from))
    fs::copy(e.path(), fs::path(dir) / e.path().filename());
}

}  // namespace

TEST_CASE("load_text_tokenizer reads an HF SentencePiece tokenizer beside the weights", "[unit]") {
  clipbench::test::TempDir dir;
  const std::string weights = dir.file("open_clip_model.safetensors");
  std::string refusal, source;
  SECTION("no tokenizer files: refused, naming what to put where") {
    CHECK(load_text_tokenizer(siglip_like(), "", weights, 700, &refusal, &source) == nullptr);
    CHECK_THAT(refusal, Contains("no SentencePiece model") && Contains(dir.path()) &&
                            Contains("timm/ViT-B-16-SigLIP") && Contains("--text-ids"));
  }
  SECTION("options clipbench does not reproduce") {
    copy_t5(dir.path());
    auto a = siglip_like();
    a.hf_tokenizer.unsupported = "tokenizer_mode \"clips\"";
    CHECK(load_text_tokenizer(a, "", weights, 700, &refusal, &source) == nullptr);
    CHECK_THAT(refusal, Contains("tokenizer_mode \"clips\""));
  }
  if (clipbench::SentencePieceTokenizer::available()) {
    SECTION("found beside the weights, or in --vocab DIR") {
      copy_t5(dir.path());
      const auto t = load_text_tokenizer(siglip_like(), "", weights, 700, &refusal, &source);
      REQUIRE(t != nullptr);
      CHECK(t->vocab_size() == 700);
      CHECK_THAT(source, Contains("T5Tokenizer") && Contains("clean canonicalize"));
      clipbench::test::TempDir other;
      CHECK(load_text_tokenizer(siglip_like(), dir.path(), other.file("w.safetensors"), 700,
                                &refusal, &source) != nullptr);
    }
    SECTION("another model's tokenizer (id count differs from the embedding rows)") {
      copy_t5(dir.path());
      CHECK(load_text_tokenizer(siglip_like(), "", weights, 32000, &refusal, &source) == nullptr);
      CHECK_THAT(refusal, Contains("700 ids") && Contains("32000 token embedding rows"));
    }
  } else {
    SECTION("built without SentencePiece: refused with how to get it") {
      copy_t5(dir.path());
      CHECK(load_text_tokenizer(siglip_like(), "", weights, 700, &refusal, &source) == nullptr);
      CHECK_THAT(refusal, Contains("libsentencepiece-dev"));
    }
  }
}

TEST_CASE("A SigLIP hub folder with its tokenizer files: zero-shot text as open_clip tokenizes it",
          "[parity]") {
  if (!clipbench::SentencePieceTokenizer::available()) {
    // Without libsentencepiece the folder's text is refused (the unit case above checks how).
    SUCCEED("built without SentencePiece");
    return;
  }
  // ViT-B-16-SigLIP's open_clip config and shapes, with the test T5 vocabulary's 700 ids as its
  // token embedding rows (the real one has 32000), formula-2 weights.
  auto j = clipbench::test::read_json_file(
      clipbench::test::fixture("models/open_clip/ViT-B-16-SigLIP.json"));
  nlohmann::json cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"]["vocab_size"] = 700;
  nlohmann::json shapes = j.at("state_dict_shapes");
  REQUIRE(shapes.contains("text.token_embedding.weight"));
  shapes["text.token_embedding.weight"][0] = 700;
  clipbench::test::TempDir dir;
  dir.write("open_clip_config.json", cfg.dump());
  clipbench::write_safetensors(
      dir.file("open_clip_model.safetensors"),
      clipbench::test::formula_state_dict(shapes, clipbench::test::Fill::kSplitmix64));
  copy_t5(dir.path());

  const auto m = clipbench::harness::load_model(dir.path(), "");
  REQUIRE(m.tokenizer != nullptr);
  // Not open_clip's ViT-B-16-SigLIP any more (another vocabulary): described, with the tag.
  CHECK(m.name == "timm-ViT-768/16@224:webli");
  // The ids open_clip's HFTokenizer gives for the prompt (context 64, clean "canonicalize").
  std::ifstream in(std::string(CLIPBENCH_SOURCE_DIR) + "/tests/clip/data/sentencepiece/cases.json");
  const auto cases = nlohmann::json::parse(in);
  std::vector<int64_t> expected;
  for (const auto& c : cases.at("folders").at("t5").at("cases"))
    if (c.at("text") == "a photo of a cat." && c.at("clean") == "canonicalize" &&
        c.at("context_length") == 64)
      expected = c.at("ids").get<std::vector<int64_t>>();
  REQUIRE(expected.size() == 64);
  const at::Tensor ids = m.tokenizer->tokenize({"a photo of a cat."}, 64, false);
  CHECK(std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + 64) == expected);

  // The zero-shot classifier encodes those ids: its column is the normalised text feature.
  clipbench::CLIP model = m.model;
  const at::Tensor w = clipbench::harness::zero_shot_classifier(model, *m.tokenizer, {{"cat"}},
                                                                {"a photo of a {}."});
  torch::NoGradGuard no_grad;
  at::Tensor f = model->encode_text(torch::tensor(expected).view({1, 64})).to(torch::kFloat);
  f = f / f.norm(2, -1, true);
  REQUIRE(w.sizes() == at::IntArrayRef({f.size(1), 1}));
  CHECK((w.squeeze(1) - f.squeeze(0)).abs().max().item<double>() < 1e-5);
}
