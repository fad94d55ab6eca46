// Tests for `clipbench inspect` and `clipbench embed` as a user runs them on the shared fixtures.
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "clip/checkpoint.h"
#include "clip/clip_model.h"
#include "clip/load_state_dict.h"
#include "clip/preprocess.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using clipbench::test::clipbench_exe;
using clipbench::test::fixture;
using clipbench::test::run_command;

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

torch::Tensor to_tensor(const nlohmann::json& rows) {
  std::vector<torch::Tensor> out;
  for (const auto& r : rows)
    out.push_back(torch::tensor(r.get<std::vector<double>>(), torch::kDouble));
  return torch::stack(out);
}

}  // namespace

TEST_CASE("clipbench inspect reports format, architecture and the inferred config", "[parity]") {
  for (const std::string model : {"tiny-vit", "tiny-rn"}) {
    for (const std::string file : {"model.safetensors", "openai-jit.pt"}) {
      INFO(model << "/" << file);
      const auto r = run_command(clipbench_exe() + " inspect --checkpoint " +
                                 fixture("models/" + model + "/" + file));
      REQUIRE(r.exit_code == 0);
      const auto j = nlohmann::json::parse(r.out);
      CHECK(j["architecture"] == (model == "tiny-vit" ? "vit" : "resnet"));
      CHECK(j["config"] == read_json(fixture("models/" + model + "/config.json"))["config"]);
      CHECK(j["format"] == (file == "openai-jit.pt" ? "openai-torchscript" : "safetensors"));
      CHECK(j["storage_dtype"] == (file == "openai-jit.pt" ? "float+half" : "float"));
      CHECK(j["parameter_count"].get<int64_t>() > 0);
    }
  }
  const auto r = run_command(clipbench_exe() + " inspect --checkpoint /no/such/file.pt 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("/no/such/file.pt") != std::string::npos);
}

TEST_CASE("clipbench embed reproduces the golden features from texts and an image tensor",
          "[parity]") {
  clipbench::test::TempDir dir;
  const auto golden =
      clipbench::read_safetensors(fixture("models/tiny-vit/golden.safetensors")).tensors;
  const auto prompts = read_json(fixture("models/tiny-vit/config.json"))["prompts"];
  std::string cmd = clipbench_exe() + " embed --checkpoint " + fixture("models/tiny-vit-hf") +
                    " --vocab " +
                    clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz") +
                    " --image-tensor " + fixture("models/tiny-vit/golden.safetensors") +
                    ":input.image" + " --out " + dir.file("out.json");
  for (const auto& p : prompts) cmd += " --text '" + p.get<std::string>() + "'";
  const auto r = run_command(cmd + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = read_json(dir.file("out.json"));
  const auto image = to_tensor(j["image_features"]);
  const auto text = to_tensor(j["text_features"]);
  CHECK((image - golden.at("image_features").to(torch::kDouble)).abs().max().item<double>() < 1e-4);
  CHECK((text - golden.at("text_features").to(torch::kDouble)).abs().max().item<double>() < 1e-4);
  CHECK((to_tensor(j["logits_per_image"]) - golden.at("logits_per_image").to(torch::kDouble))
            .abs()
            .max()
            .item<double>() < 1e-3);
  CHECK(j["logit_scale"].get<double>() == Approx(golden.at("logit_scale").item<double>()));
}

TEST_CASE(
    "clipbench embed --text-ids and the built-in vocabulary reproduce the golden text features",
    "[parity]") {
  const std::string golden_file = fixture("models/tiny-vit/golden.safetensors");
  const auto golden = clipbench::read_safetensors(golden_file).tensors;
  const torch::Tensor expected = golden.at("text_features").to(torch::kDouble);
  // The golden token ids themselves.
  auto r = run_command(clipbench_exe() + " embed --checkpoint " +
                       fixture("models/tiny-vit/model.safetensors") + " --text-ids " + golden_file +
                       ":input.text 2>/dev/null");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["text_ids"][0] == golden_file + ":input.text");
  CHECK((to_tensor(j["text_features"]) - expected).abs().max().item<double>() < 1e-4);
  // The prompts, tokenized with the vocabulary that ships with clipbench: no --vocab, none beside
  // the checkpoint, no $CLIPBENCH_VOCAB.
  std::string cmd = "env -u CLIPBENCH_VOCAB " + clipbench_exe() + " embed --checkpoint " +
                    fixture("models/tiny-vit/model.safetensors");
  const auto config = read_json(fixture("models/tiny-vit/config.json"));
  for (const auto& p : config["prompts"]) cmd += " --text '" + p.get<std::string>() + "'";
  r = run_command(cmd + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("vocabulary: builtin:bpe_simple_vocab_16e6.txt.gz") != std::string::npos);
  j = nlohmann::json::parse(r.out.substr(r.out.find("{\"")));
  CHECK((to_tensor(j["text_features"]) - expected).abs().max().item<double>() < 1e-4);
}

TEST_CASE("clipbench embed --text-ids names what is wrong with its input", "[unit]") {
  clipbench::test::TempDir dir;
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  const std::string ids = dir.file("ids.safetensors");
  // Two rows as CLIP's tokenizer writes them: start token, a word, end token, zeros.
  torch::Tensor ended = torch::zeros({2, 77}, torch::kLong);
  ended.select(1, 0).fill_(49406);
  ended.select(1, 1).fill_(320);
  ended.select(1, 2).fill_(49407);
  clipbench::write_safetensors(ids, {{"short", torch::zeros({2, 76}, torch::kLong)},
                                     {"float", torch::zeros({2, 77}, torch::kFloat)},
                                     {"big", torch::full({1, 77}, 49408, torch::kLong)},
                                     {"neg", torch::full({1, 77}, -1, torch::kLong)},
                                     {"one", torch::zeros({77}, torch::kLong)},
                                     {"ended", ended}});
  auto embed = [&](const std::string& key) {
    return run_command(clipbench_exe() + " embed --checkpoint " + ck + " --text-ids " + ids + ":" +
                       key + " 2>&1");
  };
  auto r = embed("short");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("shape [2, 76], expected [N, 77]") != std::string::npos);
  r = embed("float");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("expected int64 token ids") != std::string::npos);
  r = embed("big");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("ids from 49408 to 49408, expected 0 to 49407") != std::string::npos);
  r = embed("neg");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("ids from -1 to -1") != std::string::npos);
  r = embed("nope");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("--text-ids: " + ids + " has no tensor 'nope'") != std::string::npos);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --text-ids " + ids + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("expected FILE.safetensors:KEY") != std::string::npos);
  // A row without the end-of-text token is encoded as open_clip would (argmax pooling), with a
  // warning that names it; rows a tokenizer wrote are not warned about.
  r = embed("one");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out.substr(r.out.find("{\"")))["text_features"].size() == 1);
  CHECK(r.out.find("--text-ids " + ids +
                   ":one: 1 of 1 rows hold no end-of-text token (id 49407) "
                   "(rows 0)") != std::string::npos);
  r = embed("ended");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out.substr(r.out.find("{\"")))["text_features"].size() == 2);
  CHECK(r.out.find("end-of-text") == std::string::npos);
}

TEST_CASE("clipbench embed names what is wrong with its input", "[unit]") {
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  auto r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("--image, --image-tensor, --text, --text-ids or --dataset-format") !=
        std::string::npos);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image-tensor " +
                  fixture("models/tiny-vit/golden.safetensors") + ":nope 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("no tensor 'nope'") != std::string::npos);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image-tensor " +
                  fixture("models/tiny-rn/golden.safetensors") + ":input.image 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("expected [B, 3, 32, 32]") != std::string::npos);
}

TEST_CASE("clipbench embed --image preprocesses files at the checkpoint's resolution", "[parity]") {
  // tiny-vit takes 32 x 32 images and its image tower sees its input (tiny-rn's is nearly constant:
  // its golden's three images give features within ~1e-6 of each other). Each row must equal the
  // features computed here from the same file preprocessed at 32, and the two images' features must
  // differ far beyond that tolerance, so a wrong image, order or resolution fails.
  const std::vector<std::string> images = {fixture("preprocess/p01_photo_jpeg.jpg"),
                                           fixture("preprocess/p07_rgba_png.png")};
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  auto r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image " + images[0] +
                       " --image " + images[1] + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["image_features"].size() == 2);
  CHECK(j["images"][0] == images[0]);
  CHECK(j["images"][1] == images[1]);
  const auto features = to_tensor(j["image_features"]);
  REQUIRE(features.sizes() == torch::IntArrayRef({2, 32}));
  const auto loaded = clipbench::read_checkpoint(ck);
  clipbench::CLIP model = clipbench::build_model(loaded.state_dict, loaded.path);
  const auto expected =
      model
          ->encode_image(torch::stack({clipbench::load_and_preprocess(images[0], 32),
                                       clipbench::load_and_preprocess(images[1], 32)}))
          .to(torch::kDouble);
  auto rel = [](const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).norm().item<double>() / b.norm().item<double>();
  };
  for (int64_t i = 0; i < 2; ++i) {
    INFO(images[i]);
    CHECK(rel(features[i], expected[i]) < 1e-5);
  }
  const double apart = rel(expected[0], expected[1]);
  INFO("the two images' features differ by " << apart << " (relative)");
  CHECK(apart > 1e-2);
  clipbench::test::TempDir tensors;
  clipbench::write_safetensors(tensors.file("x.safetensors"),
                               {{"x", clipbench::load_and_preprocess(images[0], 32).unsqueeze(0)}});
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image-tensor " +
                  tensors.file("x.safetensors") + ":x 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  // Same pixels as a tensor, batch of 1 instead of 2: equal up to BLAS blocking.
  const auto single = to_tensor(nlohmann::json::parse(r.out)["image_features"]);
  CHECK(rel(single[0], features[0]) < 1e-5);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image /no/such.jpg 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("/no/such.jpg") != std::string::npos);
  clipbench::test::TempDir dir;
  const auto bad = dir.write("bad.jpg", std::string("\xff\xd8\xff\xe0 not really a jpeg"));
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image " + bad + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(bad) != std::string::npos);
}

TEST_CASE("--out that cannot be written is a clear error, never a crash or a leftover file",
          "[unit]") {
  clipbench::test::TempDir dir;
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  const auto file = dir.write("afile", "x");
  auto r = run_command(clipbench_exe() + " inspect --checkpoint " + ck + " --out " + file +
                       "/o.json 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("cannot write " + file + "/o.json") != std::string::npos);
  r = run_command(clipbench_exe() + " inspect --checkpoint " + ck + " --out " + dir.path() +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("it is a folder") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() + ".tmp"));
}

TEST_CASE("embed rejects integer or non-finite image tensors and can truncate long texts",
          "[unit]") {
  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  auto r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image-tensor " +
                       fixture("models/tiny-vit/golden.safetensors") + ":input.text 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("expected a floating-point batch") != std::string::npos);
  clipbench::test::TempDir dir;
  clipbench::write_safetensors(dir.file("nan.safetensors"),
                               {{"x", torch::full({1, 3, 32, 32}, std::nan(""))}});
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + " --image-tensor " +
                  dir.file("nan.safetensors") + ":x 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("NaN or infinite") != std::string::npos);
  std::string longer;
  for (int i = 0; i < 100; ++i) longer += "cat ";
  const std::string vocab =
      " --vocab " + clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + vocab + " --text '" + longer +
                  "' 2>&1");
  CHECK(r.exit_code == 2);
  r = run_command(clipbench_exe() + " embed --checkpoint " + ck + vocab + " --truncate --text '" +
                  longer + "' 2>/dev/null");
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["text_features"].size() == 1);
}

TEST_CASE("clipbench models lists open_clip's configs; --model names are checked", "[unit]") {
  auto r = run_command(clipbench_exe() + " models --json");
  REQUIRE(r.exit_code == 0);
  const auto models = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& m : models) by_name[m["model"].get<std::string>()] = m;
  REQUIRE(by_name.count("ViT-H-14") == 1);
  CHECK(by_name["ViT-H-14"]["supported"] == true);
  CHECK(by_name["ViT-M-16-alt"]["supported"] == true);  // layer scale
  CHECK(by_name["coca_ViT-B-32"]["supported"] == false);
  CHECK_THAT(by_name["coca_ViT-B-32"]["unsupported"].get<std::string>(),
             Catch::Contains("multimodal_cfg"));
  bool openai_quick = false;
  for (const auto& t : by_name["ViT-B-32"]["pretrained"])
    if (t["tag"] == "openai") openai_quick = t["quick_gelu"] == true;
  CHECK(openai_quick);
  // Each tag says how it preprocesses; DFN's ViT-H-14 squashes.
  bool dfn_squash = false;
  for (const auto& t : by_name["ViT-H-14"]["pretrained"])
    if (t["tag"] == "dfn5b")
      dfn_squash = t["supported"] == true &&
                   t["preprocess"].get<std::string>().rfind("bicubic squash, mean [", 0) == 0;
  CHECK(dfn_squash);
  r = run_command(clipbench_exe() + " models");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--pretrained laion2b_s32b_b79k") &&
                        Catch::Contains("configs supported"));

  const std::string ck = fixture("models/tiny-vit/model.safetensors");
  r = run_command(clipbench_exe() + " inspect --checkpoint " + ck + " --model '' 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("--model") && Catch::Contains("empty"));
  r = run_command(clipbench_exe() + " inspect --checkpoint " + ck + " --model ViT-B-32x 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("ViT-B-32x") && Catch::Contains("ViT-B-32"));
  // tiny-vit's shapes are not ViT-B-32's: the config's first contradicted size is named.
  r = run_command(clipbench_exe() + " inspect --checkpoint " + ck + " --model ViT-B-32 2>&1");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("--model ViT-B-32") && Catch::Contains("model_cfg."));
}
