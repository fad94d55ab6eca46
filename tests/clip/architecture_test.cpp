// Tests for clip/architecture.h: open_clip's GELU towers and real head widths from their configs
// reproduce open_clip's own features (fill formula 2), bare state dicts are refused unless they are
// OpenAI's released architectures, and configs that contradict the weights are named.
#include "clip/architecture.h"

#include <torch/torch.h>

#include <cstdio>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "clip/open_clip_models.h"
#include "clip/safetensors.h"
#include "clip/timm_models.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using clipbench::test::TempDir;

namespace {

nlohmann::json entry_json(const std::string& entry) {
  return test::read_json_file(test::fixture("models/open_clip/" + entry + ".json"));
}

torch::Tensor json_tensor(const nlohmann::json& j) {
  std::vector<double> flat;
  std::vector<int64_t> shape;
  if (j.at(0).is_array()) {
    shape = {static_cast<int64_t>(j.size()), static_cast<int64_t>(j.at(0).size())};
    for (const auto& row : j)
      for (const auto& v : row) flat.push_back(v.get<double>());
  } else {
    shape = {1, static_cast<int64_t>(j.size())};
    for (const auto& v : j) flat.push_back(v.get<double>());
  }
  return torch::tensor(flat, torch::kDouble).view(shape);
}

double rel_err(const torch::Tensor& out, const torch::Tensor& ref) {
  const auto o = out.to(torch::kDouble), r = ref.to(torch::kDouble);
  return (o - r).norm().item<double>() / r.norm().item<double>();
}

// A checkpoint as read_checkpoint returns it: formula-2 weights of `entry` (open_clip's names =
// OpenAI's for these towers) at `dir/file`; the file itself is not written (resolve_architecture
// reads only the configs beside it).
Checkpoint formula_checkpoint(const nlohmann::json& j, const std::string& dir,
                              const std::string& file, const std::string& layout = "openai") {
  Checkpoint ck;
  ck.path = dir + "/" + file;
  ck.format = "safetensors";
  ck.layout = layout;
  ck.state_dict = test::formula_state_dict(j.at("state_dict_shapes"), test::Fill::kSplitmix64);
  return ck;
}

// Both encoders of `model` against open_clip's features of `j` (relative error below 1e-4).
void check_features(CLIP& model, const nlohmann::json& j, const std::string& what) {
  const auto shape = j.at("image_shape").get<std::vector<int64_t>>();
  const auto image = model->encode_image(test::formula_image(shape.at(2), test::Fill::kSplitmix64));
  const auto text = model->encode_text(json_tensor(j.at("text_ids")).to(torch::kLong));
  const auto ref_image = json_tensor(j.at("image_features"));
  const auto ref_text = json_tensor(j.at("text_features"));
  REQUIRE(image.sizes() == ref_image.sizes());
  REQUIRE(text.sizes() == ref_text.sizes());
  const double ei = rel_err(image, ref_image), et = rel_err(text, ref_text);
  std::printf("[parity] %-40s image rel err %.3e  text rel err %.3e\n", what.c_str(), ei, et);
  std::fflush(stdout);
  CHECK(ei < 1e-4);
  CHECK(et < 1e-4);
}

// Only the keys and shapes of `entry` (no values): enough for resolve_architecture.
Checkpoint shapes_checkpoint(const nlohmann::json& j, const std::string& dir,
                             const std::string& layout = "openai") {
  Checkpoint ck;
  ck.path = dir + "/weights.safetensors";
  ck.format = "safetensors";
  ck.layout = layout;
  for (const auto& item : j.at("state_dict_shapes").items())
    ck.state_dict[item.key()] = torch::zeros({}).expand(item.value().get<std::vector<int64_t>>());
  return ck;
}

std::string resolve_error(const Checkpoint& ck, const ArchitectureRequest& request = {}) {
  try {
    resolve_architecture(ck, request);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  FAIL("resolve_architecture accepted " << ck.path);
  return "";
}

// The open_clip entries whose towers these encoders implement with open_clip's own towers (native
// ViT / ModifiedResNet): CLIP's (argmax pooling, causal text), CLIPA's (no ln_pre, average pooling
// with ln_post after it, bidirectional text pooled at the last position), MetaCLIP worldwide's
// (text pooled at its first eos id) and ViT-M-16-alt's layer scale (`ls_1` / `ls_2`).
const std::vector<std::string>& native_entries() {
  static const std::vector<std::string> entries = {"ViT-B-32",
                                                   "ViT-B-32-quickgelu",
                                                   "ViT-B-16",
                                                   "ViT-B-32-256",
                                                   "ViT-B-16-plus-240",
                                                   "ViT-H-14-L2",
                                                   "ViT-bigG-14-L2",
                                                   "RN50",
                                                   "RN50-quickgelu",
                                                   "ViT-L-14-CLIPA-L2",
                                                   "ViT-H-14-CLIPA-336-L2",
                                                   "ViT-H-14-worldwide-quickgelu-L2-V4096",
                                                   "ViT-M-16-alt"};
  return entries;
}

}  // namespace

TEST_CASE("open_clip_config.json: GELU towers and real head widths match open_clip", "[parity]") {
  for (const auto& entry : native_entries()) {
    CAPTURE(entry);
    const auto j = entry_json(entry);
    TempDir dir;
    dir.write("open_clip_config.json", j.at("open_clip_config").dump());
    ResolvedArchitecture arch;
    CLIP model{nullptr};
    {
      const Checkpoint ck = formula_checkpoint(j, dir.path(), "open_clip_model.safetensors");
      model = build_model(ck, &arch);
    }
    CHECK(arch.source == "open_clip_config.json");
    // open_clip's name: the built-in config this model_cfg is, with the tag it came from.
    if (j.at("reduced").is_null()) {
      const auto& pre = j.at("open_clip_config").at("preprocess_cfg");
      CHECK(arch.open_clip_name ==
            j.at("model").get<std::string>() +
                (pre.contains("from_tag") ? ":" + pre.at("from_tag").get<std::string>() : ""));
    }
    const auto& d = j.at("derived");
    const std::string text_act = d.at("text").at("act") == "QuickGELU" ? "quick_gelu" : "gelu";
    CHECK(activation_name(model->config().text_act) == text_act);
    CHECK(model->config().transformer_heads == d.at("text").at("heads").get<int64_t>());
    if (model->config().is_vit()) {
      CHECK(model->config().vision_heads() == d.at("vision").at("heads").get<int64_t>());
      CHECK(model->config().vision_mlp_width == d.at("vision").at("mlp_width").get<int64_t>());
    } else {
      CHECK(model->config().vision_heads() == d.at("vision").at("attnpool_heads").get<int64_t>());
    }
    CHECK(model->config().vision_layer_scale == d.at("vision").value("layer_scale", false));
    CHECK(model->config().text_layer_scale == d.at("text").value("layer_scale", false));
    // The text tower's mask and pooling, the image tower's pooling (derived by open_clip).
    CHECK(model->config().text_causal == d.at("text").at("causal_mask").get<bool>());
    CHECK(text_pool_name(model->config().text_pool) == d.at("text").at("pool_type"));
    if (d.at("vision").contains("pool_type")) {
      CHECK(vision_pool_name(model->config().vision_pool) == d.at("vision").at("pool_type"));
      CHECK(model->config().vision_ln_pre == d.at("vision").at("ln_pre").get<bool>());
      CHECK(model->config().vision_final_ln_after_pool ==
            d.at("vision").at("final_ln_after_pool").get<bool>());
    }
    check_features(model, j, entry + " (open_clip_config.json)");
  }
}

TEST_CASE("a Hugging Face config.json gives hidden_act and num_attention_heads", "[parity]") {
  for (const std::string entry : {"ViT-B-32", "ViT-H-14-L2", "ViT-bigG-14-L2"}) {
    CAPTURE(entry);
    const auto j = entry_json(entry);
    REQUIRE(j.contains("hf_clip_config"));
    TempDir dir;
    dir.write("config.json", j.at("hf_clip_config").dump());
    ResolvedArchitecture arch;
    CLIP model{nullptr};
    {
      const Checkpoint ck = formula_checkpoint(j, dir.path(), "model.safetensors", "huggingface");
      model = build_model(ck, &arch);
    }
    CHECK(arch.source == "huggingface config.json");
    check_features(model, j, entry + " (HF config.json)");
  }
}

TEST_CASE("a Hugging Face text_config.eos_token_id pools as transformers does (failure report F4)",
          "[parity]") {
  auto j = entry_json("ViT-B-32");
  auto resolve = [&](const nlohmann::json& hf) {
    TempDir dir;
    dir.write("config.json", hf.dump());
    return resolve_architecture(
        formula_checkpoint(j, dir.path(), "model.safetensors", "huggingface"));
  };
  auto fact = [](const ResolvedArchitecture& a, const std::string& name) {
    for (const auto& f : a.facts)
      if (f.fact == name) return f.value + " <- " + f.source;
    return std::string("(none)");
  };
  auto hf = j.at("hf_clip_config");
  REQUIRE(hf.at("text_config").at("eos_token_id") == 2);
  auto a = resolve(hf);
  CHECK(a.config.text_pool == TextPool::kArgmax);  // transformers' legacy rule for id 2
  CHECK_THAT(fact(a, "text_pool"), Catch::Contains("argmax") && Catch::Contains("eos_token_id"));
  hf["text_config"]["eos_token_id"] = 49407;
  a = resolve(hf);
  CHECK(a.config.text_pool == TextPool::kEos);
  CHECK(a.config.text_eos_id == 49407);
  hf["text_config"].erase("eos_token_id");
  a = resolve(hf);
  CHECK(a.config.text_eos_id == 49407);
  CHECK_THAT(fact(a, "text_pool"), Catch::Contains("absent"));
  hf["text_config"]["eos_token_id"] = 60000;
  {
    TempDir dir;
    dir.write("config.json", hf.dump());
    const auto msg =
        resolve_error(formula_checkpoint(j, dir.path(), "model.safetensors", "huggingface"));
    CHECK_THAT(msg, Catch::Contains("text_config.eos_token_id") && Catch::Contains("60000"));
  }

  // An added token 49408 above the end token 49407 (a 49409-row vocabulary): transformers pools
  // "a zzqx" = [49406, 320, 49408, 49407] at the end token (position 3), argmax at position 2.
  j["state_dict_shapes"]["token_embedding.weight"][0] = 49409;
  hf["text_config"]["vocab_size"] = 49409;
  auto build = [&](int64_t eos) {
    hf["text_config"]["eos_token_id"] = eos;
    TempDir dir;
    dir.write("config.json", hf.dump());
    return build_model(formula_checkpoint(j, dir.path(), "model.safetensors", "huggingface"));
  };
  CLIP by_eos = build(49407), by_argmax = build(2);
  auto ids = [](std::vector<int64_t> head) {
    head.resize(77, 0);
    return torch::tensor(head, torch::kLong).unsqueeze(0);
  };
  const auto plain = ids({49406, 320, 2368, 49407});
  CHECK(torch::equal(by_eos->encode_text(plain), by_argmax->encode_text(plain)));
  const auto added = by_eos->encode_text(ids({49406, 320, 49408, 49407}));
  // Causal text: what follows the end token does not change the state pooled at it ...
  CHECK(torch::allclose(added, by_eos->encode_text(ids({49406, 320, 49408, 49407, 5, 6, 7}))));
  // ... and it is not the state at the added token, where argmax pools.
  const auto at_added = by_argmax->encode_text(ids({49406, 320, 49408, 49407}));
  CHECK(rel_err(added, at_added) > 1e-2);
}

TEST_CASE("an open_clip hub folder is read as open_clip's, not through a model.safetensors beside",
          "[parity]") {
  const auto j = entry_json("ViT-B-32");
  TempDir dir;
  dir.write("open_clip_config.json", j.at("open_clip_config").dump());
  // Another library's weights beside open_clip's (tiny-vit's, in HF layout with its config.json).
  std::filesystem::copy_file(test::fixture("models/tiny-vit-hf/model.safetensors"),
                             dir.file("model.safetensors"));
  dir.write("config.json", "{ another library's config, not JSON clipbench parses");
  {
    const StateDict sd =
        test::formula_state_dict(j.at("state_dict_shapes"), test::Fill::kSplitmix64);
    write_safetensors(dir.file("open_clip_model.safetensors"), sd);
  }
  const Checkpoint ck = read_checkpoint(dir.path());
  CHECK(ck.path == dir.file("open_clip_model.safetensors"));
  ResolvedArchitecture arch;
  CLIP model = build_model(ck, &arch);
  CHECK(arch.source_path == dir.file("open_clip_config.json"));
  check_features(model, j, "ViT-B-32 (open_clip hub folder)");
  // Without open_clip's weights the folder is refused, naming what it expected.
  std::filesystem::remove(dir.file("open_clip_model.safetensors"));
  try {
    read_checkpoint(dir.path());
    FAIL("a hub folder without open_clip weights was read");
  } catch (const CheckpointError& e) {
    CHECK_THAT(e.what(), Catch::Contains("open_clip_pytorch_model.bin") &&
                             Catch::Contains("open_clip_config.json"));
  }
}

TEST_CASE("a Hugging Face folder's preprocessor_config.json is the model's preprocessing",
          "[unit]") {
  TempDir dir;
  for (const char* f : {"model.safetensors", "config.json"})
    std::filesystem::copy_file(test::fixture(std::string("models/tiny-vit-hf/") + f), dir.file(f));
  // None: openai/CLIP's transform.
  CHECK(resolve_architecture(read_checkpoint(dir.path())).preprocess.is_clip());
  nlohmann::json processor = {{"image_processor_type", "CLIPImageProcessor"},
                              {"do_resize", true},
                              {"size", {{"shortest_edge", 32}}},
                              {"do_center_crop", true},
                              {"crop_size", {{"height", 32}, {"width", 32}}},
                              {"do_rescale", true},
                              {"rescale_factor", 1.0 / 255.0},
                              {"do_normalize", true},
                              {"image_mean", {0.5, 0.5, 0.5}},
                              {"image_std", {0.5, 0.5, 0.5}},
                              {"resample", 2},
                              {"do_convert_rgb", true}};
  dir.write("preprocessor_config.json", processor.dump());
  const auto arch = resolve_architecture(read_checkpoint(dir.path()));
  CHECK(arch.preprocess.interpolation == ResampleFilter::kBilinear);
  CHECK(arch.preprocess.resize_mode == ResizeMode::kShortest);
  CHECK(arch.preprocess.size == 32);
  CHECK(arch.preprocess.normalization.std == std::array<float, 3>{0.5f, 0.5f, 0.5f});
  CHECK_THAT(arch.facts.back().source, Catch::Contains(dir.file("preprocessor_config.json")));
  // transformers 5 saves the same facts as CLIPImageProcessorFast.
  auto fast = processor;
  fast["image_processor_type"] = "CLIPImageProcessorFast";
  dir.write("preprocessor_config.json", fast.dump());
  CHECK(resolve_architecture(read_checkpoint(dir.path())).preprocess.interpolation ==
        ResampleFilter::kBilinear);
  // A fixed height x width size resizes to exactly that: open_clip's squash.
  auto fixed = processor;
  fixed["size"] = {{"height", 32}, {"width", 32}};
  dir.write("preprocessor_config.json", fixed.dump());
  CHECK(resolve_architecture(read_checkpoint(dir.path())).preprocess.resize_mode ==
        ResizeMode::kSquash);
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"resample", 1},
           {"size", {{"shortest_edge", 64}}},
           {"do_center_crop", false},
           {"rescale_factor", 1.0},
           {"image_processor_type", "SiglipImageProcessor"},
           {"image_mean", {0.5, 0.5}}}) {
    auto bad = processor;
    bad[key] = value;
    dir.write("preprocessor_config.json", bad.dump());
    CHECK_THAT(resolve_error(read_checkpoint(dir.path())),
               Catch::Contains("preprocessor_config.json") &&
                   Catch::Contains("preprocessor_config." + key));
  }
}

TEST_CASE("a bare state dict of an architecture OpenAI did not release is refused", "[unit]") {
  for (const std::string entry : {"ViT-H-14-L2", "ViT-bigG-14-L2", "ViT-B-16-plus-240"}) {
    CAPTURE(entry);
    TempDir dir;
    const auto msg = resolve_error(formula_checkpoint(entry_json(entry), dir.path(), "m.pt"));
    CHECK_THAT(msg, Catch::Contains(dir.file("m.pt")) && Catch::Contains("activation") &&
                        Catch::Contains("head") && Catch::Contains("open_clip_config.json"));
  }
}

TEST_CASE("a bare state dict of a released architecture keeps openai/CLIP's rules, and says so",
          "[parity]") {
  // open_clip's -quickgelu entries have OpenAI's shapes: openai/CLIP's rules reproduce open_clip's
  // features under fill formula 2, which checks the head counts and the whole image tower (the
  // ResNet's stem, stages and attention pool; the ViT's blocks), as tiny-rn cannot.
  CLIP model{nullptr};
  for (const auto& [entry, released] : std::vector<std::pair<std::string, std::string>>{
           {"ViT-B-32-quickgelu", "ViT-B/32"}, {"RN50-quickgelu", "RN50"}}) {
    CAPTURE(entry);
    const auto j = entry_json(entry);
    TempDir dir;
    ResolvedArchitecture arch;
    {
      const Checkpoint ck = formula_checkpoint(j, dir.path(), "weights.safetensors");
      model = build_model(ck, &arch);
    }
    CHECK(arch.source == "openai-released");
    CHECK_THAT(arch.note, Catch::Contains(released) && Catch::Contains("QuickGELU") &&
                              Catch::Contains("open_clip_config.json"));
    CHECK(released_model_name(model->config()) == std::optional<std::string>(released));
    // The in-memory build_model (openai/CLIP's rules) gives the same model.
    CHECK(build_model(formula_checkpoint(j, dir.path(), "w").state_dict, entry)->config() ==
          model->config());
    check_features(model, j, entry + " (bare, released shapes)");
  }
  // A GELU model of the same shapes is not OpenAI's RN50 (reports must not compare it to the
  // paper's RN50 row).
  CLIPConfig gelu = model->config();
  gelu.text_act = Activation::kGelu;
  CHECK_FALSE(released_model_name(gelu).has_value());
}

TEST_CASE("a config that contradicts the weights or asks for what is not implemented is named",
          "[unit]") {
  const auto j = entry_json("ViT-H-14-L2");
  auto refused = [&](nlohmann::json cfg) {
    TempDir dir;
    dir.write("open_clip_config.json", cfg.dump());
    return resolve_error(formula_checkpoint(j, dir.path(), "open_clip_model.safetensors"));
  };
  auto cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["width"] = 1024;
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.vision_cfg.width") &&
                               Catch::Contains("1024") && Catch::Contains("1280"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["ls_init_value"] = 1e-4;  // layer scale the weights do not have
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.vision_cfg.ls_init_value") &&
                               Catch::Contains("ls_1.gamma"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"]["pool_type"] = "none";  // every token: not one text embedding
  CHECK_THAT(refused(cfg), Catch::Contains("text_cfg.pool_type") && Catch::Contains("argmax"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"]["norm_kwargs"] = {{"elementwise_affine", false}};
  CHECK_THAT(refused(cfg), Catch::Contains("text_cfg.norm_kwargs"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"]["proj_bias"] = true;  // the weights' projection is a matrix
  CHECK_THAT(refused(cfg), Catch::Contains("text_cfg.proj_bias"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["init_logit_bias"] = -10;  // the weights have no logit_bias
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.init_logit_bias"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["custom_text"] = true;  // the weights' text tower is CLIP's
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.custom_text"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["head_width"] = 96;  // 1280 / 96 is not whole
  CHECK_THAT(refused(cfg), Catch::Contains("head_width"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["something_new"] = true;
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.something_new"));
  cfg = j.at("open_clip_config");
  cfg.erase("model_cfg");
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg"));

  // Hugging Face: an activation these encoders do not implement.
  auto hf = j.at("hf_clip_config");
  hf["text_config"]["hidden_act"] = "relu";
  TempDir dir;
  dir.write("config.json", hf.dump());
  const auto msg =
      resolve_error(formula_checkpoint(j, dir.path(), "model.safetensors", "huggingface"));
  CHECK_THAT(msg, Catch::Contains("text_config.hidden_act") && Catch::Contains("relu"));
}

TEST_CASE("the tiny fixtures' clipbench config.json is read and checked against the weights",
          "[unit]") {
  const Checkpoint ck = read_checkpoint(test::fixture("models/tiny-vit/model.safetensors"));
  const ResolvedArchitecture arch = resolve_architecture(ck);
  CHECK(arch.source == "clipbench config.json");
  CHECK(arch.source_path == test::fixture("models/tiny-vit/config.json"));
  CHECK(to_json(arch.config) ==
        test::read_json_file(test::fixture("models/tiny-vit/config.json")).at("config"));
  // The same weights with a config of another width are refused, naming both.
  TempDir dir;
  auto j = test::read_json_file(test::fixture("models/tiny-vit/config.json"));
  j["config"]["transformer_layers"] = 3;
  dir.write("config.json", j.dump());
  Checkpoint moved = ck;
  moved.path = dir.file("model.safetensors");
  CHECK_THAT(resolve_error(moved), Catch::Contains(dir.file("config.json")) &&
                                       Catch::Contains("\"transformer_layers\":3"));
}

TEST_CASE("--model NAME --pretrained TAG: open_clip's built-in config and the tag's quick_gelu",
          "[parity]") {
  // ViT-B-32 and ViT-B-32-quickgelu have the same keys, so the same formula weights: the tag
  // alone decides the activation, and each matches open_clip's features of its activation.
  for (const auto& [tag, entry] : std::vector<std::pair<std::string, std::string>>{
           {"laion2b_s34b_b79k", "ViT-B-32"}, {"openai", "ViT-B-32-quickgelu"}}) {
    CAPTURE(tag);
    const auto j = entry_json(entry);
    TempDir dir;
    ResolvedArchitecture arch;
    CLIP model{nullptr};
    {
      const Checkpoint ck = formula_checkpoint(j, dir.path(), "bare.bin");
      model = build_model(ck, &arch, {"ViT-B-32", tag});
    }
    CHECK(arch.source == "--model");
    CHECK(arch.open_clip_name == "ViT-B-32:" + tag);
    CHECK(arch.note.empty());
    check_features(model, j, "ViT-B-32 --pretrained " + tag);
  }
}

TEST_CASE("--model / --pretrained refuse what does not fit the weights or is not implemented",
          "[unit]") {
  TempDir dir;
  const auto h14_l2 = shapes_checkpoint(entry_json("ViT-H-14-L2"), dir.path());
  // ViT-H-14's config has 32 vision blocks; the cut fixture has 2.
  CHECK_THAT(resolve_error(h14_l2, {"ViT-H-14", ""}),
             Catch::Contains("model_cfg.vision_cfg.layers") && Catch::Contains("32"));
  CHECK_THROWS_AS(resolve_architecture(h14_l2, {"ViT-H-14x", ""}), RegistryError);
  CHECK_THROWS_WITH(resolve_architecture(h14_l2, {"ViT-H-14x", ""}), Catch::Contains("ViT-H-14"));
  CHECK_THROWS_WITH(resolve_architecture(h14_l2, {"ViT-H-14", "laion2b"}),
                    Catch::Contains("laion2b_s32b_b79k"));
  CHECK_THROWS_WITH(resolve_architecture(h14_l2, {"", "openai"}), Catch::Contains("--model"));
  // A tag's preprocessing is the model's: ViT-L-14 laion2b_s32b_b82k normalizes with 0.5 / 0.5,
  // ViT-H-14 dfn5b squashes (open_clip's pretrained.py).
  const auto l14 = resolve_architecture(shapes_checkpoint(entry_json("ViT-L-14"), dir.path()),
                                        {"ViT-L-14", "laion2b_s32b_b82k"});
  CHECK(l14.preprocess.normalization.mean == std::array<float, 3>{0.5f, 0.5f, 0.5f});
  CHECK(l14.preprocess.normalization.std == std::array<float, 3>{0.5f, 0.5f, 0.5f});
  CHECK(l14.preprocess.resize_mode == ResizeMode::kShortest);
  CHECK(l14.preprocess.size == 224);
  CHECK(l14.facts.back().fact == "preprocess");
  CHECK_THAT(l14.facts.back().source, Catch::Contains("--pretrained laion2b_s32b_b82k"));
  const auto dfn = resolve_architecture(shapes_checkpoint(entry_json("ViT-H-14"), dir.path()),
                                        {"ViT-H-14", "dfn5b"});
  CHECK(dfn.preprocess.resize_mode == ResizeMode::kSquash);
  CHECK(dfn.preprocess.interpolation == ResampleFilter::kBicubic);
  CHECK(dfn.preprocess.normalization.mean == Normalization::clip().mean);
  const auto ok = resolve_architecture(shapes_checkpoint(entry_json("ViT-H-14"), dir.path()),
                                       {"ViT-H-14", "laion2b_s32b_b79k"});
  CHECK(ok.config.vision_heads() == 16);
  CHECK(ok.config.text_act == Activation::kGelu);
  CHECK(ok.preprocess.is_clip());
  // An open_clip_config.json's preprocess_cfg: read, and what is not implemented refused by name.
  auto cfg = entry_json("ViT-H-14-L2").at("open_clip_config");
  cfg["preprocess_cfg"]["mean"] = {0.5, 0.5, 0.5};
  cfg["preprocess_cfg"]["interpolation"] = "bilinear";
  cfg["preprocess_cfg"]["resize_mode"] = "squash";
  dir.write("open_clip_config.json", cfg.dump());
  const auto stated = resolve_architecture(h14_l2);
  CHECK(stated.preprocess.interpolation == ResampleFilter::kBilinear);
  CHECK(stated.preprocess.resize_mode == ResizeMode::kSquash);
  CHECK(stated.preprocess.normalization.mean == std::array<float, 3>{0.5f, 0.5f, 0.5f});
  CHECK_THAT(stated.facts.back().source, Catch::Contains("preprocess_cfg"));
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"resize_mode", "longest"},
                                                           {"interpolation", "random"},
                                                           {"mean", {0.5, 0.5}},
                                                           {"std", {0.5, 0.0, 0.5}},
                                                           {"mode", "L"}}) {
    auto bad = cfg;
    bad["preprocess_cfg"][key] = value;
    dir.write("open_clip_config.json", bad.dump());
    CHECK_THAT(resolve_error(h14_l2), Catch::Contains("preprocess_cfg." + key));
  }
}

TEST_CASE("the built-in open_clip table agrees with open_clip's configs and tags in the fixtures",
          "[unit]") {
  const auto index = test::read_json_file(test::fixture("models/open_clip/index.json"));
  int compared = 0;
  for (const auto& e : index) {
    if (!e.contains("model") || !e.at("reduced").is_null()) continue;
    CAPTURE(e.at("out"));
    const auto j = entry_json(e.at("out").get<std::string>());
    const std::string model = j.at("model").get<std::string>();
    CHECK(open_clip_model_cfg(model) == j.at("open_clip_config").at("model_cfg"));
    for (const auto& tag : j.at("pretrained_tags").items()) {
      CAPTURE(tag.key());
      const auto& ours = open_clip_pretrained(model, tag.key());
      for (const char* key : {"quick_gelu", "mean", "std", "interpolation", "resize_mode"})
        CHECK(ours.at(key) == tag.value().at(key));
    }
    ++compared;
  }
  CHECK(compared >= 20);
  CHECK(open_clip_model_cfg("ViT-B-32", "openai").at("quick_gelu") == true);
  CHECK(open_clip_model_cfg("ViT-B-32", "laion2b_s34b_b79k").at("quick_gelu") == false);
  CHECK(open_clip_unsupported(open_clip_model_cfg("ViT-H-14")).empty());
  CHECK(open_clip_unsupported(open_clip_model_cfg("ViT-M-16-alt")).empty());  // layer scale
}

TEST_CASE("a config.json clipbench cannot read is refused, never taken for no config", "[unit]") {
  const Checkpoint tiny = read_checkpoint(test::fixture("models/tiny-vit/model.safetensors"));
  auto refused_with = [&](const std::string& config_json) {
    TempDir dir;
    dir.write("config.json", config_json);
    Checkpoint moved = tiny;
    moved.path = dir.file("model.safetensors");
    return resolve_error(moved);
  };
  auto config = test::read_json_file(test::fixture("models/tiny-vit/config.json"));
  // open_clip's model config under the wrong name.
  const auto oc = entry_json("ViT-B-32").at("open_clip_config");
  CHECK_THAT(refused_with(oc.dump()), Catch::Contains("open_clip_config.json"));
  CHECK_THAT(refused_with(oc.at("model_cfg").dump()), Catch::Contains("open_clip_config.json"));
  // Neither clipbench's nor open_clip's form.
  CHECK_THAT(refused_with(R"({"vision_act": "gelu"})"), Catch::Contains("{\"config\""));
  // A misspelt field is named, not ignored.
  auto typo = config;
  typo["config"]["vision_activation"] = "gelu";
  CHECK_THAT(refused_with(typo.dump()), Catch::Contains("vision_activation"));
  // A head width that does not divide the width.
  auto heads = config;
  heads["config"]["vision_head_width"] = 48;
  CHECK_THAT(refused_with(heads.dump()), Catch::Contains("vision_head_width 48"));
  // A folder where the config should be is a FileError naming it.
  TempDir dir;
  std::filesystem::create_directory(dir.file("config.json"));
  Checkpoint moved = tiny;
  moved.path = dir.file("model.safetensors");
  CHECK_THROWS_AS(resolve_architecture(moved), FileError);
  CHECK_THROWS_WITH(resolve_architecture(moved), Catch::Contains(dir.file("config.json")));
}

TEST_CASE("a Hugging Face config.json's sizes and model_type are checked against the weights",
          "[unit]") {
  const auto j = entry_json("ViT-B-32");
  auto refused = [&](nlohmann::json hf) {
    TempDir dir;
    dir.write("config.json", hf.dump());
    return resolve_error(shapes_checkpoint(j, dir.path(), "huggingface"), {});
  };
  auto hf = j.at("hf_clip_config");
  hf["vision_config"]["patch_size"] = 16;
  CHECK_THAT(refused(hf), Catch::Contains("vision_config.patch_size"));
  hf = j.at("hf_clip_config");
  hf["text_config"]["max_position_embeddings"] = 64;
  CHECK_THAT(refused(hf), Catch::Contains("text_config.max_position_embeddings"));
  hf = j.at("hf_clip_config");
  hf["model_type"] = "siglip";
  CHECK_THAT(refused(hf), Catch::Contains("model_type"));
  hf = j.at("hf_clip_config");
  hf["vision_config"].erase("num_attention_heads");
  hf["vision_config"]["hidden_size"] = 768;
  hf["vision_config"]["num_attention_heads"] = 7;
  CHECK_THAT(refused(hf), Catch::Contains("num_attention_heads = 7 does"));
}

TEST_CASE("--model with a config beside the weights: both must describe the same model", "[unit]") {
  const auto j = entry_json("ViT-B-32");
  TempDir dir;
  dir.write("open_clip_config.json", j.at("open_clip_config").dump());  // GELU
  const Checkpoint ck = shapes_checkpoint(j, dir.path());
  const auto agree = resolve_architecture(ck, {"ViT-B-32", "laion2b_s34b_b79k"});
  CHECK(agree.open_clip_name == "ViT-B-32:laion2b_s34b_b79k");
  CHECK_THAT(resolve_error(ck, {"ViT-B-32", "openai"}),
             Catch::Contains("--model ViT-B-32 --pretrained openai") &&
                 Catch::Contains(dir.file("open_clip_config.json")));
  // The file's preprocess_cfg and the tag's preprocessing must agree too.
  auto cfg = j.at("open_clip_config");
  cfg["preprocess_cfg"]["mean"] = {0.5, 0.5, 0.5};
  dir.write("open_clip_config.json", cfg.dump());
  CHECK_THAT(resolve_error(ck, {"ViT-B-32", "laion2b_s34b_b79k"}),
             Catch::Contains("preprocesses with") && Catch::Contains("mean [0.5, 0.5, 0.5]"));
  // Without a tag, --model takes the file's preprocessing.
  CHECK(resolve_architecture(ck, {"ViT-B-32", ""}).preprocess.normalization.mean[0] == 0.5f);
  // A file that is itself refused is not bypassed by --model.
  cfg["preprocess_cfg"]["resize_mode"] = "longest";
  dir.write("open_clip_config.json", cfg.dump());
  CHECK_THAT(resolve_error(ck, {"ViT-B-32", "laion2b_s34b_b79k"}),
             Catch::Contains("preprocess_cfg.resize_mode"));
}

namespace {

// The SigLIP entries: a timm ViT with the MAP head (`visual.trunk.*`) and open_clip's bidirectional
// CustomTextCLIP text tower (`text.*`, Linear projection with bias, pool "last", eps 1e-6).
void check_siglip_config(const CLIPConfig& c, const nlohmann::json& j) {
  const auto& t = j.at("derived").at("text");
  CHECK(c.vision_layout == VisionLayout::kTimmViT);
  CHECK(c.text_layout == TextLayout::kCustomText);
  CHECK(c.logit_bias);
  CHECK(c.text_proj_bias);
  CHECK_FALSE(c.text_causal);
  CHECK(c.text_pool == TextPool::kLast);
  CHECK(c.text_ln_eps == t.at("ln_eps").get<double>());
  CHECK(c.vision_ln_eps == 1e-6);
  CHECK(c.transformer_heads == t.at("heads").get<int64_t>());
  CHECK(c.transformer_mlp_width == t.at("mlp_width").get<int64_t>());
  CHECK(c.text_act == Activation::kGelu);  // derived: "GELU(none)"
  const auto& timm = timm_model(j.at("derived").at("vision").at("timm_model").get<std::string>());
  CHECK(c.vision_heads() == timm.at("num_heads").get<int64_t>());
  CHECK(c.vision_act == Activation::kGelu);
}

}  // namespace

TEST_CASE("SigLIP: a timm ViT with the MAP head and the bidirectional text tower match open_clip",
          "[parity]") {
  for (const std::string entry : {"ViT-B-16-SigLIP", "ViT-SO400M-14-SigLIP"}) {
    CAPTURE(entry);
    const auto j = entry_json(entry);
    TempDir dir;
    dir.write("open_clip_config.json", j.at("open_clip_config").dump());
    ResolvedArchitecture arch;
    CLIP model{nullptr};
    {
      const Checkpoint ck = formula_checkpoint(j, dir.path(), "open_clip_model.safetensors");
      model = build_model(ck, &arch);
    }
    CHECK(arch.open_clip_name == entry + ":webli");
    check_siglip_config(model->config(), j);
    CHECK(model->logit_bias.item<double>() == Approx(j.at("logit_bias").get<double>()));
    // SigLIP's transform: squash to n x n, bicubic, mean = std = 0.5.
    CHECK(arch.preprocess.resize_mode == ResizeMode::kSquash);
    CHECK(arch.preprocess.normalization.mean == std::array<float, 3>{0.5f, 0.5f, 0.5f});
    // Its SentencePiece tokenizer is named, with open_clip's HFTokenizer arguments (read from the
    // weights' folder by harness::load_text_tokenizer).
    CHECK_THAT(arch.tokenizer, Catch::Contains("hf_tokenizer_name") &&
                                   Catch::Contains("timm/ViT-B-16-SigLIP") &&
                                   Catch::Contains("canonicalize"));
    CHECK(arch.hf_tokenizer.name == "timm/ViT-B-16-SigLIP");
    CHECK(arch.hf_tokenizer.clean == "canonicalize");
    CHECK_FALSE(arch.hf_tokenizer.strip_sep_token);
    CHECK(arch.hf_tokenizer.unsupported.empty());
    check_features(model, j, entry + " (open_clip_config.json)");
    // --model NAME --pretrained TAG on a bare state dict: the same architecture and pixels.
    TempDir bare;
    const auto by_name = resolve_architecture(shapes_checkpoint(j, bare.path()), {entry, "webli"});
    CHECK(by_name.config == arch.config);
    CHECK(by_name.preprocess == arch.preprocess);
  }
}

TEST_CASE("SigLIP from an open_clip hub folder (safetensors with open_clip's names)", "[parity]") {
  const auto j = entry_json("ViT-B-16-SigLIP");
  TempDir dir;
  dir.write("open_clip_config.json", j.at("open_clip_config").dump());
  write_safetensors(dir.file("open_clip_model.safetensors"),
                    test::formula_state_dict(j.at("state_dict_shapes"), test::Fill::kSplitmix64));
  ResolvedArchitecture arch;
  CLIP model = build_model(read_checkpoint(dir.path()), &arch);
  CHECK(arch.source_path == dir.file("open_clip_config.json"));
  check_features(model, j, "ViT-B-16-SigLIP (open_clip hub folder)");
}

TEST_CASE("SigLIP weights without a config, or with one clipbench cannot follow, are refused",
          "[unit]") {
  const auto j = entry_json("ViT-B-16-SigLIP");
  TempDir dir;
  const Checkpoint ck = shapes_checkpoint(j, dir.path());
  // Bare: the timm tower's heads and activation cannot be read from the weights.
  CHECK_THAT(resolve_error(ck), Catch::Contains("timm-ViT-768/16@224") &&
                                    Catch::Contains("--model") &&
                                    Catch::Contains("open_clip_config.json"));
  auto refused = [&](const nlohmann::json& cfg) {
    dir.write("open_clip_config.json", cfg.dump());
    return resolve_error(ck);
  };
  auto cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["timm_pool"] = "avg";
  CHECK_THAT(refused(cfg), Catch::Contains("vision_cfg.timm_pool") && Catch::Contains("map"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["timm_proj"] = "linear";
  CHECK_THAT(refused(cfg), Catch::Contains("vision_cfg.timm_proj"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["vision_cfg"]["timm_model_name"] = "convnext_base";
  CHECK_THAT(refused(cfg),
             Catch::Contains("convnext_base") && Catch::Contains("VisionTransformer"));
  cfg = j.at("open_clip_config");  // open_clip's timm CLIP ViT: no patch bias, a class token
  cfg["model_cfg"]["vision_cfg"]["timm_model_name"] = "vit_large_patch14_clip_224";
  CHECK_THAT(refused(cfg), Catch::Contains("patch_embed_bias = false"));
  cfg = j.at("open_clip_config");  // another SigLIP tower than the weights'
  cfg["model_cfg"]["vision_cfg"]["timm_model_name"] = "vit_large_patch16_siglip_256";
  CHECK_THAT(refused(cfg),
             Catch::Contains("vit_large_patch16_siglip_256") && Catch::Contains("embed_dim 1024"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"].erase("no_causal_mask");  // causal text: open_clip's default
  const auto causal = [&] {
    dir.write("open_clip_config.json", cfg.dump());
    return resolve_architecture(ck);
  }();
  CHECK(causal.config.text_causal);
  cfg = j.at("open_clip_config");
  cfg["model_cfg"]["text_cfg"]["act_kwargs"] = {{"approximate", "tanh"}};  // SigLIP2's
  dir.write("open_clip_config.json", cfg.dump());
  CHECK(resolve_architecture(ck).config.text_act == Activation::kGeluTanh);
  cfg = j.at("open_clip_config");
  cfg["model_cfg"].erase("init_logit_bias");
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.init_logit_bias"));
  cfg = j.at("open_clip_config");
  cfg["model_cfg"].erase("custom_text");
  CHECK_THAT(refused(cfg), Catch::Contains("model_cfg.custom_text"));
}

TEST_CASE("the built-in timm table: SigLIP's towers are implemented, the others named", "[unit]") {
  CHECK(timm_vit_unsupported(timm_model("vit_base_patch16_siglip_224")).empty());
  CHECK(timm_vit_unsupported(timm_model("vit_so400m_patch14_siglip_224")).empty());
  CHECK(timm_model("vit_so400m_patch14_siglip_224").at("mlp_hidden") == 4304);
  CHECK(timm_model("vit_base_patch32_siglip_256").at("act") == "gelu_tanh");  // SigLIP2's
  CHECK_THAT(timm_vit_unsupported(timm_model("vitamin_small_224")),
             Catch::Contains("patch_embed_type") || Catch::Contains("mlp_type"));
  CHECK_THAT(timm_vit_unsupported(timm_model("vit_medium_patch16_gap_256")),
             Catch::Contains("global_pool") || Catch::Contains("layer_scale"));
  CHECK_THROWS_AS(timm_model("convnext_base"), RegistryError);
  CHECK_THROWS_WITH(timm_model("vit_base_patch16_siglip_22"),
                    Catch::Contains("vit_base_patch16_siglip_224"));
  // Every SigLIP config of open_clip's table names a tower the table has (SigLIP2's towers too).
  int siglip = 0;
  for (const auto& name : open_clip_model_names()) {
    const auto cfg = open_clip_model_cfg(name);
    const auto& v = cfg.at("vision_cfg");
    if (!v.contains("timm_model_name") || name.find("SigLIP") == std::string::npos) continue;
    CAPTURE(name);
    CHECK(timm_vit_unsupported(timm_model(v.at("timm_model_name").get<std::string>())).empty());
    ++siglip;
  }
  CHECK(siglip == 26);
}
