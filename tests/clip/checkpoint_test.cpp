// Tests for clip/checkpoint.h: every container format and layout reads to the same normalized state
// dict.
#include "clip/checkpoint.h"

#include <torch/torch.h>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using clipbench::test::fixture;
using clipbench::test::TempDir;

namespace {

std::string checkpoint_error(const std::string& path) {
  try {
    read_checkpoint(path);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> keys_of(const StateDict& sd) {
  std::vector<std::string> k;
  for (const auto& kv : sd) k.push_back(kv.first);
  return k;
}

}  // namespace

TEST_CASE(
    "tiny-vit: safetensors, torch.save and Hugging Face folders give the same fp32 state dict",
    "[parity]") {
  const auto st = read_checkpoint(fixture("models/tiny-vit/model.safetensors"));
  CHECK(st.format == "safetensors");
  CHECK(st.layout == "openai");
  CHECK(st.storage_dtype == "float");
  CHECK(st.state_dict.at("logit_scale").dim() == 0);
  REQUIRE(st.state_dict.count("visual.proj"));

  const auto pt = read_checkpoint(fixture("models/tiny-vit/state_dict.pt"));
  CHECK(pt.format == "torch-save");
  const auto hf =
      read_checkpoint(fixture("models/tiny-vit-hf"));  // a folder: config.json + model.safetensors
  CHECK(hf.format == "safetensors");
  CHECK(hf.layout == "huggingface");

  for (const auto* other : {&pt, &hf}) {
    INFO(other->path);
    REQUIRE(keys_of(other->state_dict) == keys_of(st.state_dict));
    for (const auto& [k, v] : st.state_dict) {
      INFO(k);
      const auto& o = other->state_dict.at(k);
      CHECK(o.scalar_type() == torch::kFloat);
      REQUIRE(o.sizes() == v.sizes());
      CHECK(torch::equal(o, v));
    }
  }
  CHECK(st.parameter_count == pt.parameter_count);
}

TEST_CASE("OpenAI TorchScript archives: fp16-stored weights are up-cast, keys match the state dict",
          "[parity]") {
  for (const std::string model : {"tiny-vit", "tiny-rn"}) {
    INFO(model);
    const auto st = read_checkpoint(fixture("models/" + model + "/model.safetensors"));
    const auto jit = read_checkpoint(fixture("models/" + model + "/openai-jit.pt"));
    CHECK(jit.format == "openai-torchscript");
    CHECK(jit.storage_dtype == "float+half");
    REQUIRE(keys_of(jit.state_dict) == keys_of(st.state_dict));
    for (const auto& [k, v] : st.state_dict) {
      INFO(k);
      const auto& j = jit.state_dict.at(k);
      CHECK(j.scalar_type() == v.scalar_type());
      REQUIRE(j.sizes() == v.sizes());
      // Either stored exactly (fp32) or as the fp16 rounding of the fp32 weight.
      const bool exact = torch::equal(j, v);
      const bool fp16 = torch::equal(j, v.to(torch::kHalf).to(torch::kFloat));
      CHECK((exact || fp16));
    }
  }
}

TEST_CASE("what real files contain: a module. prefix, logit_scale [1], extra entries", "[unit]") {
  TempDir dir;
  StateDict sd;
  sd["module.logit_scale"] = torch::tensor({4.6052f});
  sd["module.visual.proj"] = torch::ones({4, 2}, torch::kHalf);
  sd["module.input_resolution"] = torch::tensor(224);
  sd["module.context_length"] = torch::tensor(77);
  sd["module.vocab_size"] = torch::tensor(49408);
  sd["module.visual.bn.running_mean"] = torch::zeros({3});
  write_safetensors(dir.file("m.safetensors"), sd);
  const auto ck = read_checkpoint(dir.file("m.safetensors"));
  CHECK(keys_of(ck.state_dict) ==
        std::vector<std::string>{"logit_scale", "visual.bn.running_mean", "visual.proj"});
  CHECK(ck.state_dict.at("logit_scale").dim() == 0);
  CHECK(ck.state_dict.at("visual.proj").scalar_type() == torch::kFloat);
  CHECK(ck.storage_dtype == "float+half");
  CHECK(ck.parameter_count == 1 + 8);  // running statistics are not parameters
}

TEST_CASE("bad checkpoints are clear errors naming the file", "[unit]") {
  TempDir dir;
  CHECK_THROWS_AS(read_checkpoint(dir.file("missing.pt")), FileError);
  auto msg = checkpoint_error(dir.write("notes.txt", "just some text, not a checkpoint\n"));
  CHECK(msg.find("notes.txt") != std::string::npos);
  CHECK(msg.find("unknown checkpoint format") != std::string::npos);
  CHECK(checkpoint_error(dir.write("empty.pt", "")).find("empty file") != std::string::npos);
  CHECK(checkpoint_error(dir.path()).find("folder without a checkpoint") != std::string::npos);
  CHECK(checkpoint_error(dir.path()).find("checkpoint.safetensors") != std::string::npos);
  {
    // The folder `clipbench train` writes: checkpoint.safetensors beside clipbench's config.json.
    TempDir trained;
    std::filesystem::copy_file(fixture("models/tiny-vit/model.safetensors"),
                               trained.file("checkpoint.safetensors"));
    std::filesystem::copy_file(fixture("models/tiny-vit/config.json"), trained.file("config.json"));
    const Checkpoint ck = read_checkpoint(trained.path());
    CHECK(ck.path == trained.file("checkpoint.safetensors"));
    CHECK(ck.format == "safetensors");
  }

  for (const std::string rel : {"models/tiny-vit/state_dict.pt", "models/tiny-vit/openai-jit.pt",
                                "models/tiny-vit/model.safetensors"}) {
    INFO(rel);
    const auto full = clipbench::test::read_file(fixture(rel));
    const auto cut =
        dir.write("cut-" + std::to_string(full.size()), full.substr(0, full.size() * 2 / 3));
    msg = checkpoint_error(cut);
    CHECK(msg.find(cut) != std::string::npos);
  }
  // Legacy pickle format.
  msg = checkpoint_error(dir.write("legacy.pt", std::string("\x80\x02\x8a\x0alegacy", 10)));
  CHECK(msg.find("legacy") != std::string::npos);
}

TEST_CASE("Hugging Face folders with unknown keys or a partial q/k/v are rejected", "[unit]") {
  TempDir dir;
  StateDict sd;
  sd["text_model.final_layer_norm.weight"] = torch::ones({4});
  sd["text_model.encoder.layers.0.self_attn.q_proj.weight"] = torch::ones({4, 4});
  write_safetensors(dir.file("model.safetensors"), sd);
  CHECK(checkpoint_error(dir.path()).find("k_proj") != std::string::npos);  // q without k and v
  sd["text_model.encoder.layers.0.self_attn.k_proj.weight"] = torch::ones({4, 4});
  sd["text_model.encoder.layers.0.self_attn.v_proj.weight"] = torch::ones({4, 4});
  sd["text_model.pooler.weight"] = torch::ones({4});
  write_safetensors(dir.file("model.safetensors"), sd);
  CHECK(checkpoint_error(dir.path()).find("text_model.pooler.weight") != std::string::npos);
}
