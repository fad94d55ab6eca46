// Tests for clip/model_config.h: inference from keys and shapes, validation, JSON form.
#include "clip/model_config.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

using namespace clipbench;

namespace {

const std::vector<std::string> kFullModels = {"RN50",     "RN101",    "RN50x4",
                                              "RN50x16",  "RN50x64",  "ViT-B-32",
                                              "ViT-B-16", "ViT-L-14", "ViT-L-14-336px"};

// A state dict with the given shapes whose tensors hold no memory (a broadcast scalar).
StateDict shapes_only(const nlohmann::json& shapes) {
  StateDict sd;
  for (const auto& item : shapes.items()) {
    sd[item.key()] = torch::zeros({}).expand(item.value().get<std::vector<int64_t>>());
  }
  return sd;
}

// A small ViT checkpoint's keys: 2 text blocks (width 128), 3 vision blocks (width 64, patch 8, R
// 32).
StateDict small_vit() {
  StateDict sd;
  auto z = [](std::vector<int64_t> s) { return torch::zeros({}).expand(s); };
  sd["visual.proj"] = z({64, 32});
  sd["visual.conv1.weight"] = z({64, 3, 8, 8});
  sd["visual.positional_embedding"] = z({17, 64});
  for (int i = 0; i < 3; ++i) {
    sd["visual.transformer.resblocks." + std::to_string(i) + ".attn.in_proj_weight"] = z({192, 64});
  }
  sd["text_projection"] = z({128, 32});
  sd["positional_embedding"] = z({77, 128});
  sd["token_embedding.weight"] = z({49408, 128});
  sd["ln_final.weight"] = z({128});
  for (int i = 0; i < 2; ++i) {
    sd["transformer.resblocks." + std::to_string(i) + ".ln_1.weight"] = z({128});
    sd["transformer.resblocks." + std::to_string(i) + ".attn.in_proj_weight"] = z({384, 128});
  }
  return sd;
}

template <typename E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("no exception of the expected type");
  return {};
}

}  // namespace

TEST_CASE("infer_config recovers the config of every released architecture", "[unit]") {
  for (const auto& name : kFullModels) {
    INFO(name);
    const auto j = test::read_json_file(test::fixture("models/full/" + name + ".json"));
    const CLIPConfig c = infer_config(shapes_only(j.at("state_dict_shapes")));
    CHECK(to_json(c) == j.at("config"));
    CHECK(c.is_vit() == (name.rfind("ViT", 0) == 0));
    CHECK(config_from_json(j.at("config")) == c);
  }
}

TEST_CASE("infer_config applies the reference head rules", "[unit]") {
  const CLIPConfig c = infer_config(small_vit());
  CHECK(c.is_vit());
  CHECK(c.vision_layers == std::vector<int64_t>{3});
  CHECK(c.vision_patch_size == 8);
  CHECK(c.image_resolution == 32);
  CHECK(c.vision_width == 64);
  CHECK(c.vision_heads() == 1);
  CHECK(c.transformer_width == 128);
  CHECK(c.transformer_heads == 2);
  CHECK(c.transformer_layers == 2);
  CHECK(c.embed_dim == 32);
  CHECK(c.context_length == 77);
  CHECK(c.vocab_size == 49408);

  CLIPConfig rn = c;
  rn.vision_patch_size = 0;
  rn.vision_layers = {3, 4, 6, 3};
  CHECK(rn.vision_heads() == 32);  // ModifiedResNet: 64 * 32 / 64
}

TEST_CASE("infer_config names the missing key", "[unit]") {
  for (const std::string key :
       {"text_projection", "positional_embedding", "token_embedding.weight", "ln_final.weight",
        "visual.conv1.weight", "visual.positional_embedding"}) {
    INFO(key);
    StateDict sd = small_vit();
    sd.erase(key);
    const auto msg = message_of<CheckpointError>([&] { infer_config(sd); });
    CHECK(msg.find("'" + key + "'") != std::string::npos);
  }
}

TEST_CASE("infer_config rejects checkpoints that are not CLIP models", "[unit]") {
  SECTION("no image tower") {
    StateDict sd = small_vit();
    sd.erase("visual.proj");
    const auto msg = message_of<CheckpointError>([&] { infer_config(sd); });
    CHECK(msg.find("visual.proj") != std::string::npos);
    CHECK(msg.find("visual.layer1.0.conv1.weight") != std::string::npos);
  }
  SECTION("ViT without blocks") {
    StateDict sd = small_vit();
    for (int i = 0; i < 3; ++i) {
      sd.erase("visual.transformer.resblocks." + std::to_string(i) + ".attn.in_proj_weight");
    }
    CHECK_THROWS_AS(infer_config(sd), CheckpointError);
  }
  SECTION("no text blocks") {
    StateDict sd = small_vit();
    for (int i = 0; i < 2; ++i) {
      sd.erase("transformer.resblocks." + std::to_string(i) + ".ln_1.weight");
      sd.erase("transformer.resblocks." + std::to_string(i) + ".attn.in_proj_weight");
    }
    const auto msg = message_of<CheckpointError>([&] { infer_config(sd); });
    CHECK(msg.find("transformer.resblocks") != std::string::npos);
  }
  SECTION("positional embedding that is not a grid") {
    StateDict sd = small_vit();
    sd["visual.positional_embedding"] = torch::zeros({18, 64});
    const auto msg = message_of<ShapeMismatchError>([&] { infer_config(sd); });
    CHECK(msg.find("visual.positional_embedding") != std::string::npos);
    CHECK(msg.find("[18, 64]") != std::string::npos);
  }
  SECTION("wrong rank") {
    StateDict sd = small_vit();
    sd["text_projection"] = torch::zeros({128});
    const auto msg = message_of<ShapeMismatchError>([&] { infer_config(sd); });
    CHECK(msg.find("'text_projection' has shape [128]") != std::string::npos);
  }
  SECTION("text width below one head") {
    StateDict sd = small_vit();
    sd["ln_final.weight"] = torch::zeros({32});
    const auto msg = message_of<CheckpointError>([&] { infer_config(sd); });
    CHECK(msg.find("transformer_width 32") != std::string::npos);
  }
  SECTION("ModifiedResNet missing a stage") {
    const auto j = test::read_json_file(test::fixture("models/full/RN50.json"));
    StateDict sd = shapes_only(j.at("state_dict_shapes"));
    for (auto it = sd.begin(); it != sd.end();) {
      it = it->first.rfind("visual.layer4.", 0) == 0 ? sd.erase(it) : std::next(it);
    }
    const auto msg = message_of<CheckpointError>([&] { infer_config(sd); });
    CHECK(msg.find("visual.layer4.") != std::string::npos);
  }
}

TEST_CASE("CLIPConfig JSON form matches the fixtures' config objects", "[unit]") {
  const auto vit = test::read_json_file(test::fixture("models/tiny-vit/config.json")).at("config");
  const CLIPConfig c = config_from_json(vit);
  CHECK(c.is_vit());
  CHECK(c.vision_layers == std::vector<int64_t>{2});
  CHECK(to_json(c) == vit);

  const auto rn = test::read_json_file(test::fixture("models/tiny-rn/config.json")).at("config");
  const CLIPConfig r = config_from_json(rn);
  CHECK_FALSE(r.is_vit());
  CHECK(r.vision_patch_size == 0);
  CHECK(r.vision_layers == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(to_json(r) == rn);
  CHECK(to_json(r).at("vision_patch_size").is_null());
}

TEST_CASE("config_from_json rejects missing, mistyped and inconsistent fields", "[unit]") {
  const auto good = test::read_json_file(test::fixture("models/tiny-vit/config.json")).at("config");
  auto bad = good;
  bad.erase("embed_dim");
  CHECK(message_of<Error>([&] { config_from_json(bad); }).find("embed_dim") != std::string::npos);
  bad = good;
  bad["transformer_width"] = "64";
  CHECK(message_of<Error>([&] { config_from_json(bad); }).find("transformer_width") !=
        std::string::npos);
  bad = good;
  bad["vision_layers"] = {1, 2};  // a ViT has one entry
  CHECK_THROWS_AS(config_from_json(bad), Error);
  bad = good;
  bad["image_resolution"] = 30;  // not a multiple of the patch size 8
  CHECK(message_of<Error>([&] { config_from_json(bad); }).find("image_resolution 30") !=
        std::string::npos);
  bad = good;
  bad["transformer_heads"] = 3;  // 64 is not divisible by 3
  CHECK(message_of<Error>([&] { config_from_json(bad); }).find("transformer_heads 3") !=
        std::string::npos);
}

TEST_CASE("infer_config reads open_clip's timm / CustomTextCLIP layouts and CLIPA's missing ln_pre",
          "[unit]") {
  const auto siglip = test::read_json_file(test::fixture("models/open_clip/ViT-B-16-SigLIP.json"));
  const CLIPConfig s = infer_config(shapes_only(siglip.at("state_dict_shapes")));
  CHECK(s.vision_layout == VisionLayout::kTimmViT);
  CHECK(s.text_layout == TextLayout::kCustomText);
  CHECK(s.vision_width == 768);
  CHECK(s.vision_patch_size == 16);
  CHECK(s.image_resolution == 224);  // 16 * sqrt(196): no class token
  CHECK(s.vision_layers == std::vector<int64_t>{12});
  CHECK(s.vision_mlp_width == 3072);
  CHECK(s.embed_dim == 768);  // rows of text.text_projection.weight (a Linear)
  CHECK(s.context_length == 64);
  CHECK(s.vocab_size == 32000);
  CHECK(s.text_proj_bias);
  CHECK(s.logit_bias);
  const auto clipa = test::read_json_file(test::fixture("models/open_clip/ViT-L-14-CLIPA-L2.json"));
  const CLIPConfig c = infer_config(shapes_only(clipa.at("state_dict_shapes")));
  CHECK_FALSE(c.vision_ln_pre);
  CHECK(c.vision_layout == VisionLayout::kOpenAI);
  CHECK(c.text_layout == TextLayout::kOpenAI);
  CHECK_FALSE(c.logit_bias);
  // A pos_embed that is not [1, g * g, W] is named.
  auto sd = shapes_only(siglip.at("state_dict_shapes"));
  sd["visual.trunk.pos_embed"] = torch::zeros({1, 197, 768});
  CHECK_THROWS_AS(infer_config(sd), ShapeMismatchError);
  CHECK_THROWS_WITH(infer_config(sd), Catch::Contains("visual.trunk.pos_embed"));
}

TEST_CASE("CLIPConfig's open_clip options survive the JSON form and are validated", "[unit]") {
  const auto siglip = test::read_json_file(test::fixture("models/open_clip/ViT-B-16-SigLIP.json"));
  CLIPConfig s = infer_config(shapes_only(siglip.at("state_dict_shapes")));
  s.vision_act = s.text_act = Activation::kGeluTanh;
  s.vision_ln_eps = s.text_ln_eps = 1e-6;
  s.text_causal = false;
  s.text_pool = TextPool::kLast;
  s.vision_head_width = 64;
  const auto j = to_json(s);
  CHECK(j.at("vision_layout") == "timm_vit");
  CHECK(j.at("text_layout") == "custom_text");
  CHECK(j.at("text_pool") == "last");
  CHECK(j.at("text_causal") == false);
  CHECK(config_from_json(j) == s);
  CLIPConfig c = config_from_json(j);
  c.text_pool = TextPool::kEos;
  c.text_eos_id = 5;
  CHECK(config_from_json(to_json(c)) == c);
  CHECK(to_json(c).at("text_eos_id") == 5);
  // CLIPA's vision options belong to open_clip's own ViT, not to a timm tower.
  auto bad = j;
  bad["vision_pool"] = "avg";
  CHECK_THROWS_WITH(config_from_json(bad), Catch::Contains("vision_pool"));
  bad = j;
  bad["text_pool"] = "mean";
  CHECK_THROWS_WITH(config_from_json(bad), Catch::Contains("text_pool"));
  bad = j;
  bad["text_ln_eps"] = 0;
  CHECK_THROWS_WITH(config_from_json(bad), Catch::Contains("eps"));
  // Defaults are openai/CLIP's: none of the new fields appear for a released architecture.
  const auto full = test::read_json_file(test::fixture("models/full/ViT-B-32.json"));
  const auto openai = to_json(infer_config(shapes_only(full.at("state_dict_shapes"))));
  for (const char* key : {"vision_layout", "text_layout", "vision_ln_eps", "text_ln_eps",
                          "text_causal", "text_pool", "logit_bias", "vision_ln_pre"})
    CHECK_FALSE(openai.contains(key));
}
