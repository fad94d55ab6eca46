// Architecture facts from open_clip / Hugging Face / clipbench configs, the TorchScript format or a
// released OpenAI architecture, checked against the shapes.
#include "clip/architecture.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "clip/embedded_data.h"
#include "clip/errors.h"
#include "clip/open_clip_models.h"
#include "clip/preprocess.h"
#include "clip/timm_models.h"

namespace clipbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw FileError(
        fmt::format("{} is not a readable file (a config clipbench reads there)", path.string()));
  std::ifstream in(path);
  if (!in) throw FileError(fmt::format("cannot open {}", path.string()));
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw CheckpointError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

// Reads one config object and checks it against the shape-derived config; every error names the
// file and the field.
class ConfigReader {
 public:
  ConfigReader(const json& object, std::string file, std::string prefix)
      : j_(object), file_(std::move(file)), prefix_(std::move(prefix)) {
    if (!j_.is_object())
      throw CheckpointError(fmt::format("{}: '{}' must be an object", file_, path("")));
  }

  std::string path(const std::string& key) const {
    return prefix_.empty() ? key : key.empty() ? prefix_ : prefix_ + "." + key;
  }
  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  const json& at(const std::string& key) const { return j_.at(key); }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw CheckpointError(fmt::format("{}: {} {}", file_, path(key), what));
  }

  int64_t integer(const std::string& key) const {
    if (!j_.at(key).is_number_integer()) fail(key, "must be an integer, got " + j_.at(key).dump());
    return j_.at(key).get<int64_t>();
  }
  int64_t integer_or(const std::string& key, int64_t fallback) const {
    return has(key) ? integer(key) : fallback;
  }
  double number(const std::string& key) const {
    if (!j_.at(key).is_number()) fail(key, "must be a number, got " + j_.at(key).dump());
    return j_.at(key).get<double>();
  }

  // A size the config states must equal the weights'.
  void expect(const std::string& key, int64_t from_shapes, const std::string& shape_name) const {
    if (!has(key)) return;
    const int64_t v = integer(key);
    if (v != from_shapes)
      fail(key, fmt::format("is {}, but the weights have {} = {} (is this config for another "
                            "model?)",
                            v, shape_name, from_shapes));
  }

  // Keys outside `known` are refused: an option these encoders do not implement must never be
  // ignored. `inert` keys (training-only settings) are accepted whatever their value; keys in
  // `only` must be null or hold the given value.
  void check_keys(const std::set<std::string>& known, const std::set<std::string>& inert,
                  const std::map<std::string, json>& only) const {
    for (const auto& item : j_.items()) {
      const std::string& k = item.key();
      if (known.count(k) || inert.count(k)) continue;
      auto it = only.find(k);
      if (it != only.end()) {
        if (item.value().is_null() || item.value() == it->second) continue;
        fail(k, fmt::format("is {}: clipbench implements only {} here", item.value().dump(),
                            it->second.dump()));
      }
      fail(k, fmt::format("= {} is an open_clip option clipbench does not implement (yet); the "
                          "encoders would compute something else, so this model is refused",
                          item.value().dump()));
    }
  }

 private:
  const json& j_;
  std::string file_, prefix_;
};

int64_t image_size_of(const ConfigReader& r, const std::string& key) {
  const json& v = r.at(key);
  if (v.is_array()) {
    if (v.size() != 2 || !v[0].is_number_integer() || v[0] != v[1])
      r.fail(key, "must be one size or a square [n, n], got " + v.dump());
    return v[0].get<int64_t>();
  }
  return r.integer(key);
}

// open_clip's `mlp_ratio` (float) gives int(width * mlp_ratio) hidden units.
// A tower's `ls_init_value` (layer scale) must be set exactly when the weights have `key`; the
// fact `fact` says so.
void check_layer_scale(const ConfigReader& r, bool weights_have, const std::string& key,
                       const std::string& fact, const std::string& file,
                       std::vector<ArchitectureFact>& facts) {
  const bool ls = r.has("ls_init_value");
  if (ls != weights_have)
    r.fail("ls_init_value", fmt::format("is {}, but the weights {} '{}'",
                                        ls ? r.at("ls_init_value").dump() : "absent",
                                        weights_have ? "have" : "have no", key));
  if (ls)
    facts.push_back({fact, "ls_1 / ls_2 (gamma read from the weights)",
                     fmt::format("{} ({})", r.path("ls_init_value"), file)});
}

void expect_mlp_ratio(const ConfigReader& r, int64_t width, int64_t mlp_width,
                      const std::string& shape_key) {
  if (!r.has("mlp_ratio")) {
    if (mlp_width != 4 * width)
      r.fail("mlp_ratio", fmt::format("is absent (open_clip's default 4.0 gives {}), but {} has "
                                      "{} rows",
                                      4 * width, shape_key, mlp_width));
    return;
  }
  const auto expected = static_cast<int64_t>(static_cast<double>(width) * r.number("mlp_ratio"));
  if (expected != mlp_width)
    r.fail("mlp_ratio", fmt::format("gives {} MLP units for width {}, but {} has {} rows", expected,
                                    width, shape_key, mlp_width));
}

void divide_heads(const std::string& file, const std::string& field, int64_t width, int64_t heads,
                  bool stated = true) {
  if (heads <= 0 || width % heads != 0)
    throw CheckpointError(fmt::format("{}: {} = {}{} does not divide the width {}", file, field,
                                      heads, stated ? "" : " (absent: the library's default)",
                                      width));
}

// A small object option (`norm_kwargs`, `act_kwargs`): only the keys in `allowed` (each checked by
// its predicate) may appear.
void check_kwargs(const ConfigReader& r, const std::string& key,
                  const std::map<std::string, std::function<bool(const json&)>>& allowed,
                  const std::string& expected) {
  if (!r.has(key)) return;
  const json& v = r.at(key);
  bool ok = v.is_object();
  for (auto it = v.begin(); ok && it != v.end(); ++it) {
    auto a = allowed.find(it.key());
    ok = a != allowed.end() && a->second(it.value());
  }
  if (!ok) r.fail(key, fmt::format("is {}: clipbench implements {}", v.dump(), expected));
}

// Refuses (naming the dotted key) every model_cfg option these encoders do not implement.
void check_open_clip_options(const json& model_cfg, const std::string& file,
                             const std::string& prefix) {
  const ConfigReader top(model_cfg, file, prefix);
  top.check_keys(
      {"embed_dim", "quick_gelu", "vision_cfg", "text_cfg", "custom_text", "init_logit_bias"},
      {"init_logit_scale", "cast_dtype"}, {});
  if (top.has("custom_text") && !top.at("custom_text").is_boolean())
    top.fail("custom_text", "must be true or false, got " + top.at("custom_text").dump());
  if (top.has("init_logit_bias") && !top.at("init_logit_bias").is_number())
    top.fail("init_logit_bias",
             "must be a number or null, got " + top.at("init_logit_bias").dump());
  if (!top.has("vision_cfg") || !top.has("text_cfg"))
    top.fail("", "needs 'vision_cfg' and 'text_cfg' objects");
  const ConfigReader v(top.at("vision_cfg"), file, top.path("vision_cfg"));
  if (v.has("timm_model_name")) {
    // open_clip TimmModel: the trunk is timm's model of that name (clip/timm_models.h).
    v.check_keys({"image_size", "timm_model_name", "timm_pool", "timm_proj"},
                 {"timm_model_pretrained", "timm_drop", "timm_drop_path", "patch_dropout"},
                 {{"timm_proj_bias", false}});
    if (!v.at("timm_model_name").is_string())
      v.fail("timm_model_name", "must be a string, got " + v.at("timm_model_name").dump());
    const std::string name = v.at("timm_model_name").get<std::string>();
    const nlohmann::json* entry = nullptr;
    try {
      entry = &timm_model(name);
    } catch (const RegistryError&) {
      v.fail("timm_model_name", fmt::format("= \"{}\": a timm image tower that is not a "
                                            "VisionTransformer clipbench implements (ConvNeXt, "
                                            "EVA, PE, ... are not yet)",
                                            name));
    }
    if (const std::string why = timm_vit_unsupported(*entry); !why.empty())
      v.fail("timm_model_name", fmt::format("= \"{}\": timm's model has {}, which clipbench does "
                                            "not implement (yet)",
                                            name, why));
    if (!v.has("timm_pool") || v.at("timm_pool") != "map")
      v.fail("timm_pool", fmt::format("is {}: clipbench implements timm's \"map\" attention pool "
                                      "(SigLIP) only",
                                      v.has("timm_pool") ? v.at("timm_pool").dump() : "absent"));
    if (!v.has("timm_proj") || v.at("timm_proj") != "none")
      v.fail("timm_proj", fmt::format("is {}: clipbench implements \"none\" (no image projection) "
                                      "only",
                                      v.has("timm_proj") ? v.at("timm_proj").dump() : "absent"));
  } else {
    v.check_keys({"image_size", "layers", "width", "patch_size", "head_width", "mlp_ratio",
                  "no_ln_pre", "pool_type", "final_ln_after_pool", "ls_init_value"},
                 {"patch_dropout"},
                 {{"attentional_pool", false},
                  {"global_average_pool", false},
                  {"output_tokens", false},
                  {"input_patchnorm", false}});
  }
  for (const char* key : {"no_ln_pre", "final_ln_after_pool"})
    if (v.has(key) && !v.at(key).is_boolean())
      v.fail(key, "must be true or false, got " + v.at(key).dump());
  if (v.has("pool_type") && v.at("pool_type") != "tok" && v.at("pool_type") != "avg")
    v.fail("pool_type", fmt::format("is {}: clipbench implements \"tok\" and \"avg\"",
                                    v.at("pool_type").dump()));
  const ConfigReader t(top.at("text_cfg"), file, top.path("text_cfg"));
  if (t.has("hf_model_name"))
    t.fail("hf_model_name", fmt::format("= {}: a Hugging Face text tower, which clipbench does not "
                                        "implement (yet)",
                                        t.at("hf_model_name").dump()));
  t.check_keys({"context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio",
                "no_causal_mask", "proj_bias", "pool_type", "norm_kwargs", "act_kwargs",
                "hf_tokenizer_name", "tokenizer_kwargs", "eos_id", "ls_init_value"},
               {},
               {{"hf_model_name", json()},
                {"hf_proj_type", json()},
                {"hf_pooler_type", json()},
                {"proj_type", "linear"},
                {"embed_cls", false},
                {"output_tokens", false},
                {"pad_id", 0}});
  for (const char* key : {"no_causal_mask", "proj_bias"})
    if (t.has(key) && !t.at(key).is_boolean())
      t.fail(key, "must be true or false, got " + t.at(key).dump());
  if (t.has("pool_type") && t.at("pool_type") != "argmax" && t.at("pool_type") != "last" &&
      t.at("pool_type") != "first" && t.at("pool_type") != "eos")
    t.fail("pool_type", fmt::format("is {}: clipbench implements \"argmax\", \"last\", "
                                    "\"first\" and \"eos\"",
                                    t.at("pool_type").dump()));
  if (t.has("eos_id") && !t.at("eos_id").is_number_integer())
    t.fail("eos_id", "must be an integer, got " + t.at("eos_id").dump());
  check_kwargs(t, "norm_kwargs",
               {{"eps", [](const json& e) { return e.is_number() && e > 0 && e < 1; }}},
               "{\"eps\": e} (LayerNorm's eps) only");
  check_kwargs(t, "act_kwargs",
               {{"approximate", [](const json& a) { return a == "tanh" || a == "none"; }}},
               "{\"approximate\": \"tanh\" | \"none\"} (nn.GELU's) only");
  if (t.has("act_kwargs") && top.has("quick_gelu") && top.at("quick_gelu") == true)
    t.fail("act_kwargs", "is set with quick_gelu true: open_clip's QuickGELU takes no arguments");
  if (t.has("hf_tokenizer_name") && !t.at("hf_tokenizer_name").is_string())
    t.fail("hf_tokenizer_name", "must be a string, got " + t.at("hf_tokenizer_name").dump());
}

// open_clip's eval preprocessing from a preprocess_cfg (open_clip_config.json) or a pretrained tag
// (the built-in table): `mean` / `std` (3 numbers, std > 0), `interpolation` (bicubic, bilinear),
// `resize_mode` (shortest, squash), `mode` (RGB) and `size`; absent keys take open_clip's
// defaults (OpenAI's mean / std, bicubic, shortest). What clipbench does not implement (another
// interpolation, "longest" with its padding, another colour mode) is refused by name: the model
// would be scored on other pixels. `fill_color` only matters for "longest" and is not read.
ImagePreprocess read_preprocess(const json& p, const std::string& file, const std::string& prefix,
                                int64_t resolution) {
  const ConfigReader r(p, file, prefix);
  ImagePreprocess out = ImagePreprocess::clip(resolution);
  auto triple = [&](const char* key, std::array<float, 3>& into, bool positive) {
    if (!r.has(key)) return;
    const json& v = r.at(key);
    bool ok = v.is_array() && v.size() == 3;
    for (size_t i = 0; ok && i < 3; ++i)
      ok = v[i].is_number() && std::isfinite(v[i].get<double>()) &&
           (!positive || v[i].get<double>() > 0);
    if (!ok)
      r.fail(key, fmt::format("is {}: expected 3 numbers{}", v.dump(), positive ? " above 0" : ""));
    for (size_t i = 0; i < 3; ++i) into[i] = v[i].get<float>();
  };
  triple("mean", out.normalization.mean, false);
  triple("std", out.normalization.std, true);
  if (r.has("interpolation")) {
    const json& v = r.at("interpolation");
    if (v == "bicubic")
      out.interpolation = ResampleFilter::kBicubic;
    else if (v == "bilinear")
      out.interpolation = ResampleFilter::kBilinear;
    else
      r.fail("interpolation", fmt::format("is {}: clipbench implements \"bicubic\" and "
                                          "\"bilinear\" (Pillow-exact)",
                                          v.dump()));
  }
  if (r.has("resize_mode")) {
    const json& v = r.at("resize_mode");
    if (v == "shortest")
      out.resize_mode = ResizeMode::kShortest;
    else if (v == "squash")
      out.resize_mode = ResizeMode::kSquash;
    else
      r.fail("resize_mode", fmt::format("is {}: clipbench implements \"shortest\" (resize + "
                                        "centre crop) and \"squash\" (yet), so this model would "
                                        "be scored on other pixels",
                                        v.dump()));
  }
  if (r.has("mode") && r.at("mode") != "RGB")
    r.fail("mode", fmt::format("is {}: clipbench feeds RGB images only", r.at("mode").dump()));
  return out;
}

// A Hugging Face CLIPImageProcessor's preprocessor_config.json (beside HF CLIPModel weights):
// image_mean / image_std, resample (PIL's 3 = bicubic, 2 = bilinear), size {"shortest_edge": n}
// (or n; {"height": n, "width": n} is a resize to n x n, open_clip's squash) with do_center_crop
// and crop_size n, as torchvision's Resize(n) + CenterCrop(n), which openai/CLIP and open_clip use
// (transformers' own center_crop floors an odd offset where torchvision rounds it half to even;
// clipbench follows torchvision). What it cannot express (another processor type, no resize / crop
// / normalization, a rescale other than 1 / 255, a size other than the weights') is refused by key.
ImagePreprocess read_hf_preprocessor(const json& j, const std::string& file, int64_t resolution) {
  const ConfigReader r(j, file, "preprocessor_config");
  // CLIPImageProcessorFast (what transformers 5 saves) states the same facts; clipbench applies
  // them with Pillow, as the slow processor and open_clip do.
  for (const char* key : {"image_processor_type", "feature_extractor_type"})
    if (r.has(key) && r.at(key) != "CLIPImageProcessor" && r.at(key) != "CLIPImageProcessorFast" &&
        r.at(key) != "CLIPFeatureExtractor")
      r.fail(key, fmt::format("is {}: clipbench reads CLIPImageProcessor configs only",
                              r.at(key).dump()));
  for (const char* key : {"do_resize", "do_center_crop", "do_normalize", "do_rescale"})
    if (r.has(key) && r.at(key) != true)
      r.fail(key,
             fmt::format("is {}: clipbench's transform always does this step", r.at(key).dump()));
  if (r.has("rescale_factor") && std::abs(r.number("rescale_factor") - 1.0 / 255.0) > 1e-12)
    r.fail("rescale_factor", fmt::format("is {}: clipbench scales by 1 / 255 (ToTensor)",
                                         r.at("rescale_factor").dump()));
  auto side = [&](const char* key, const char* inner) -> int64_t {
    const json& v = r.at(key);
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_object() && v.size() == 1 && v.contains(inner) && v.at(inner).is_number_integer())
      return v.at(inner).get<int64_t>();
    if (v.is_object() && v.size() == 2 && v.contains("height") && v.contains("width") &&
        v.at("height") == v.at("width") && v.at("height").is_number_integer())
      return v.at("height").get<int64_t>();
    r.fail(key, fmt::format("is {}: expected {{\"{}\": n}} or n", v.dump(), inner));
  };
  if (r.has("size") && side("size", "shortest_edge") != resolution)
    r.fail("size", fmt::format("is {}, but the weights take {} x {} images", r.at("size").dump(),
                               resolution, resolution));
  // {"height": n, "width": n}: CLIPImageProcessor resizes to exactly that (open_clip's squash); the
  // centre crop to crop_size n then keeps every pixel.
  const bool squash = r.has("size") && r.at("size").is_object() && r.at("size").contains("height");
  if (r.has("crop_size") && side("crop_size", "height") != resolution)
    r.fail("crop_size", fmt::format("is {}, but the weights take {} x {} images",
                                    r.at("crop_size").dump(), resolution, resolution));
  json open_clip_form = json::object();
  if (squash) open_clip_form["resize_mode"] = "squash";
  if (r.has("image_mean")) open_clip_form["mean"] = r.at("image_mean");
  if (r.has("image_std")) open_clip_form["std"] = r.at("image_std");
  if (r.has("resample")) {
    const json& v = r.at("resample");
    if (v == 3)
      open_clip_form["interpolation"] = "bicubic";
    else if (v == 2)
      open_clip_form["interpolation"] = "bilinear";
    else
      r.fail("resample", fmt::format("is {}: clipbench implements PIL's 3 (bicubic) and 2 "
                                     "(bilinear)",
                                     v.dump()));
  }
  try {
    return read_preprocess(open_clip_form, file, "preprocessor_config", resolution);
  } catch (const CheckpointError& e) {  // name HF's keys, not open_clip's
    std::string what = e.what();
    for (const auto& [ours, theirs] :
         {std::pair<std::string, std::string>{".mean", ".image_mean"}, {".std", ".image_std"}}) {
      const auto at = what.find(ours + " ");
      if (at != std::string::npos) what.replace(at, ours.size(), theirs);
    }
    throw CheckpointError(what);
  }
}

// open_clip `model_cfg` (open_clip_config.json, or a model config of open_clip's
// model_configs/*.json). Defaults are open_clip's CLIPVisionCfg / CLIPTextCfg defaults. `tokenizer`
// receives "" for CLIP's BPE tokenizer, else what the config names instead.
void apply_open_clip_model_cfg(CLIPConfig& c, const json& model_cfg, const std::string& file,
                               const std::string& prefix, std::vector<ArchitectureFact>& facts,
                               std::string* tokenizer = nullptr) {
  const ConfigReader top(model_cfg, file, prefix);
  check_open_clip_options(model_cfg, file, prefix);
  top.expect("embed_dim", c.embed_dim, "text projection's embedding width");
  bool quick = false;
  if (top.has("quick_gelu")) {
    if (!top.at("quick_gelu").is_boolean())
      top.fail("quick_gelu", "must be true or false, got " + top.at("quick_gelu").dump());
    quick = top.at("quick_gelu").get<bool>();
  }
  c.vision_act = c.text_act = quick ? Activation::kQuickGelu : Activation::kGelu;
  const std::string act_source =
      top.has("quick_gelu")
          ? fmt::format("{} {} ({})", top.path("quick_gelu"), quick ? "true" : "false", file)
          : fmt::format("{} absent: open_clip's default nn.GELU ({})", top.path("quick_gelu"),
                        file);
  // The layouts the weights have must be the ones the config builds.
  const bool custom_text = top.has("custom_text") && top.at("custom_text").get<bool>();
  if (custom_text != (c.text_layout == TextLayout::kCustomText))
    top.fail("custom_text",
             fmt::format("is {}, but the weights' text tower is {}",
                         custom_text ? "true" : "false/absent",
                         c.text_layout == TextLayout::kCustomText ? "under 'text.' (CustomTextCLIP)"
                                                                  : "at the top level (CLIP)"));
  if (top.has("init_logit_bias") != c.logit_bias)
    top.fail("init_logit_bias",
             fmt::format("is {}, but the weights {} a 'logit_bias'",
                         top.has("init_logit_bias") ? top.at("init_logit_bias").dump() : "absent",
                         c.logit_bias ? "have" : "have no"));

  const ConfigReader v(top.at("vision_cfg"), file, top.path("vision_cfg"));
  if (v.has("image_size")) {
    const int64_t size = image_size_of(v, "image_size");
    if (size != c.image_resolution)
      v.fail("image_size", fmt::format("is {}, but the weights' positional embedding gives {}",
                                       size, c.image_resolution));
  }
  const bool timm = v.has("timm_model_name");
  if (timm != (c.vision_layout == VisionLayout::kTimmViT))
    v.fail("timm_model_name", timm ? "is set, but the weights have no timm ViT "
                                     "('visual.trunk.patch_embed.proj.weight')"
                                   : "is absent, but the weights' image tower is a timm model "
                                     "('visual.trunk.*')");
  std::string vision_act_source = act_source, vision_heads_source;
  if (timm) {
    const std::string name = v.at("timm_model_name").get<std::string>();
    const json& e = timm_model(name);
    const std::string where =
        fmt::format("{} = \"{}\" ({}; timm's model from clipbench's built-in table, {})",
                    v.path("timm_model_name"), name, file, timm_models_source());
    auto agree = [&](const char* key, int64_t from_shapes, const char* what) {
      if (e.at(key).get<int64_t>() != from_shapes)
        v.fail("timm_model_name",
               fmt::format("= \"{}\": timm's model has {} {}, but the weights have {}", name, key,
                           e.at(key).get<int64_t>(), what, from_shapes));
    };
    agree("patch_size", c.vision_patch_size, "patch size");
    agree("embed_dim", c.vision_width, "width");
    agree("depth", c.vision_layers[0], "blocks");
    agree("img_size", c.image_resolution, "input size");
    agree("mlp_hidden", c.vision_mlp_width, "MLP units (visual.trunk.blocks.0.mlp.fc1.weight)");
    c.vision_act = activation_named(e.at("act").get<std::string>());
    c.vision_ln_eps = e.at("norm_eps").get<double>();
    const int64_t heads = e.at("num_heads").get<int64_t>();
    divide_heads(file, v.path("timm_model_name") + " (timm's num_heads)", c.vision_width, heads);
    c.vision_head_width = c.vision_width / heads;
    vision_act_source = vision_heads_source = where;
    facts.push_back({"vision_tower", "timm " + name + " (MAP head, no class token)", where});
    facts.push_back({"vision_ln_eps", fmt::format("{:g}", c.vision_ln_eps), where});
  } else if (c.is_vit()) {
    v.expect("layers", c.vision_layers[0], "ViT blocks");
    v.expect("patch_size", c.vision_patch_size, "the patch size of visual.conv1.weight");
    expect_mlp_ratio(v, c.vision_width, c.vision_mlp_width,
                     "visual.transformer.resblocks.0.mlp.c_fc.weight");
    const bool ln_pre = !(v.has("no_ln_pre") && v.at("no_ln_pre").get<bool>());
    if (ln_pre != c.vision_ln_pre)
      v.fail("no_ln_pre",
             fmt::format("is {}, but the weights {} 'visual.ln_pre.weight'",
                         ln_pre ? "false/absent" : "true", c.vision_ln_pre ? "have" : "have no"));
    if (v.has("pool_type") && v.at("pool_type") == "avg") c.vision_pool = VisionPool::kAvg;
    c.vision_final_ln_after_pool =
        v.has("final_ln_after_pool") && v.at("final_ln_after_pool").get<bool>();
    if (c.vision_pool != VisionPool::kToken || c.vision_final_ln_after_pool)
      facts.push_back(
          {"vision_pool",
           vision_pool_name(c.vision_pool) +
               (c.vision_final_ln_after_pool ? ", ln_post after pooling" : ""),
           fmt::format("{} / {} ({})", v.path("pool_type"), v.path("final_ln_after_pool"), file)});
    check_layer_scale(v, c.vision_layer_scale, "visual.transformer.resblocks.0.ls_1.gamma",
                      "vision_layer_scale", file, facts);
  } else {
    for (const char* key : {"no_ln_pre", "pool_type", "final_ln_after_pool", "ls_init_value"})
      if (v.has(key) && v.at(key) != json(false) && v.at(key) != json("tok"))
        v.fail(key, "is set, but the weights are a ModifiedResNet");
    if (v.has("layers") && v.at("layers") != json(c.vision_layers))
      v.fail("layers", fmt::format("is {}, but the weights have ModifiedResNet stages {}",
                                   v.at("layers").dump(), json(c.vision_layers).dump()));
    if (v.has("patch_size")) v.fail("patch_size", "is set, but the weights are a ModifiedResNet");
  }
  if (!timm) {
    v.expect("width", c.vision_width, "the image tower width");
    c.vision_head_width = v.integer_or("head_width", 64);
    divide_heads(file, v.path("head_width"), c.is_vit() ? c.vision_width : c.vision_width * 32,
                 c.vision_head_width, v.has("head_width"));
  }

  const ConfigReader t(top.at("text_cfg"), file, top.path("text_cfg"));
  const std::string tp = c.text_layout == TextLayout::kCustomText ? "text." : "";
  t.expect("context_length", c.context_length, tp + "positional_embedding rows");
  t.expect("vocab_size", c.vocab_size, tp + "token_embedding rows");
  t.expect("width", c.transformer_width, "the text width");
  t.expect("layers", c.transformer_layers, "text blocks");
  expect_mlp_ratio(t, c.transformer_width, c.transformer_mlp_width,
                   tp + "transformer.resblocks.0.mlp.c_fc.weight");
  c.transformer_heads = t.integer_or("heads", 8);
  divide_heads(file, t.path("heads"), c.transformer_width, c.transformer_heads, t.has("heads"));
  const bool proj_bias = t.has("proj_bias") && t.at("proj_bias").get<bool>();
  if (proj_bias != c.text_proj_bias)
    t.fail("proj_bias", fmt::format("is {}, but the weights' text projection is {}",
                                    proj_bias ? "true" : "false/absent",
                                    c.text_proj_bias ? "a Linear with bias" : "a matrix"));
  c.text_causal = !(t.has("no_causal_mask") && t.at("no_causal_mask").get<bool>());
  if (t.has("pool_type")) c.text_pool = text_pool_named(t.at("pool_type").get<std::string>());
  c.text_eos_id = t.integer_or("eos_id", 2);  // open_clip TextTransformer's default
  if (c.text_pool == TextPool::kEos && (c.text_eos_id < 0 || c.text_eos_id >= c.vocab_size))
    t.fail("eos_id", fmt::format("is {}: not a token id of the {}-token vocabulary", c.text_eos_id,
                                 c.vocab_size));
  check_layer_scale(t, c.text_layer_scale,
                    c.text_layout == TextLayout::kCustomText
                        ? "text.transformer.resblocks.0.ls_1.gamma"
                        : "transformer.resblocks.0.ls_1.gamma",
                    "text_layer_scale", file, facts);
  if (t.has("norm_kwargs") && t.at("norm_kwargs").contains("eps"))
    c.text_ln_eps = t.at("norm_kwargs").at("eps").get<double>();
  if (t.has("act_kwargs") && t.at("act_kwargs").value("approximate", "none") == "tanh")
    c.text_act = Activation::kGeluTanh;
  if (tokenizer) {
    const std::string named = open_clip_tokenizer(model_cfg);
    *tokenizer = named.empty() ? "" : fmt::format("{} ({})", named, file);
  }

  auto from = [&](const ConfigReader& r, const std::string& key, const std::string& dflt) {
    return r.has(key)
               ? fmt::format("{} ({})", r.path(key), file)
               : fmt::format("{} absent: open_clip's default {} ({})", r.path(key), dflt, file);
  };
  if (c.is_vit()) facts.push_back({"vision_act", activation_name(c.vision_act), vision_act_source});
  facts.push_back({"text_act", activation_name(c.text_act),
                   t.has("act_kwargs") ? from(t, "act_kwargs", "") : act_source});
  facts.push_back({"vision_heads", std::to_string(c.vision_heads()),
                   timm ? vision_heads_source : from(v, "head_width", "64")});
  facts.push_back({"text_heads", std::to_string(c.transformer_heads), from(t, "heads", "8")});
  facts.push_back({"text_causal", c.text_causal ? "true" : "false",
                   from(t, "no_causal_mask", "false (causal)")});
  facts.push_back({"text_pool",
                   text_pool_name(c.text_pool) +
                       (c.text_pool == TextPool::kEos ? " " + std::to_string(c.text_eos_id) : ""),
                   from(t, "pool_type", "argmax")});
  if (c.text_ln_eps != 1e-5)
    facts.push_back(
        {"text_ln_eps", fmt::format("{:g}", c.text_ln_eps), from(t, "norm_kwargs", "")});
  if (c.logit_bias)
    facts.push_back({"logit_bias", "scored as exp(logit_scale) * cos + logit_bias",
                     from(top, "init_logit_bias", "")});
}

// transformers' CLIPTextTransformer pooling (modeling_clip.py, since PR #24777): text_config
// eos_token_id 2 (the legacy default of configs converted before it) pools at the largest id, as
// openai/CLIP does; any other id pools at each row's first eos_token_id, which differs from the
// largest id once a tokenizer has added tokens above CLIP's end token (transformers #24650). An
// absent eos_token_id is transformers' current default, 49407. Fails naming the key for an id
// outside the vocabulary.
void hf_text_pool(const ConfigReader& t, const std::string& file, CLIPConfig& c,
                  std::vector<ArchitectureFact>& facts) {
  const int64_t eos = t.integer_or("eos_token_id", 49407);
  const std::string source = t.has("eos_token_id")
                                 ? fmt::format("{} {} ({})", t.path("eos_token_id"), eos, file)
                                 : fmt::format("{} absent: transformers' default 49407 ({})",
                                               t.path("eos_token_id"), file);
  if (eos == 2) {
    c.text_pool = TextPool::kArgmax;
    facts.push_back({"text_pool", "argmax", source + ", transformers' legacy rule for id 2"});
    return;
  }
  if (eos < 0 || eos >= c.vocab_size)
    t.fail("eos_token_id", fmt::format("is {}: not a token id of the {}-token vocabulary (set it "
                                       "to the tokenizer's end token)",
                                       eos, c.vocab_size));
  c.text_pool = TextPool::kEos;
  c.text_eos_id = eos;
  facts.push_back({"text_pool", fmt::format("eos {}", eos), source});
}

// A Hugging Face CLIPModel config.json; absent fields take transformers' CLIPTextConfig /
// CLIPVisionConfig defaults.
void apply_hf_config(CLIPConfig& c, const json& config, const std::string& file,
                     std::vector<ArchitectureFact>& facts) {
  const ConfigReader top(config, file, "config");
  if (top.has("model_type") && top.at("model_type") != "clip")
    top.fail("model_type", fmt::format("is {}: these weights have Hugging Face CLIPModel names, "
                                       "and clipbench reads CLIPModel configs (\"clip\") only",
                                       top.at("model_type").dump()));
  top.expect("projection_dim", c.embed_dim, "text_projection columns");
  struct Tower {
    const char* name;
    int64_t width, layers, mlp;
    int64_t default_heads;
  };
  for (const Tower& tower :
       {Tower{"text_config", c.transformer_width, c.transformer_layers, c.transformer_mlp_width, 8},
        Tower{"vision_config", c.vision_width, c.vision_layers[0], c.vision_mlp_width, 12}}) {
    const json empty = json::object();
    const ConfigReader t(top.has(tower.name) ? top.at(tower.name) : empty, file, tower.name);
    t.expect("hidden_size", tower.width, "the tower width");
    t.expect("num_hidden_layers", tower.layers, "the block count");
    t.expect("intermediate_size", tower.mlp, "the fc1 rows");
    if (std::string(tower.name) == "text_config") {
      t.expect("max_position_embeddings", c.context_length, "position_embedding rows");
      t.expect("vocab_size", c.vocab_size, "token_embedding rows");
      hf_text_pool(t, file, c, facts);
    } else {
      t.expect("patch_size", c.vision_patch_size, "the patch size of patch_embedding");
      t.expect("image_size", c.image_resolution, "the positional embedding's resolution");
    }
    double eps = 1e-5;  // transformers' default layer_norm_eps for CLIP
    if (t.has("layer_norm_eps")) {
      eps = t.number("layer_norm_eps");
      if (!(eps > 0 && eps < 1))
        t.fail("layer_norm_eps", fmt::format("is {}: expected a number in (0, 1)", eps));
    }
    std::string act_name = "quick_gelu";  // transformers' default hidden_act for CLIP
    if (t.has("hidden_act")) {
      if (!t.at("hidden_act").is_string())
        t.fail("hidden_act", "must be a string, got " + t.at("hidden_act").dump());
      act_name = t.at("hidden_act").get<std::string>();
    }
    Activation act;
    try {
      act = activation_named(act_name);
    } catch (const RegistryError& e) {
      t.fail("hidden_act", fmt::format("is not implemented: {}", e.what()));
    }
    const int64_t heads = t.integer_or("num_attention_heads", tower.default_heads);
    divide_heads(file, t.path("num_attention_heads"), tower.width, heads,
                 t.has("num_attention_heads"));
    const std::string heads_source =
        t.has("num_attention_heads")
            ? fmt::format("{} ({})", t.path("num_attention_heads"), file)
            : fmt::format("{} absent: transformers' default {} ({})", t.path("num_attention_heads"),
                          tower.default_heads, file);
    const std::string act_source =
        t.has("hidden_act") ? fmt::format("{} ({})", t.path("hidden_act"), file)
                            : fmt::format("{} absent: transformers' default quick_gelu ({})",
                                          t.path("hidden_act"), file);
    if (std::string(tower.name) == "text_config") {
      c.text_act = act;
      c.text_ln_eps = eps;
      c.transformer_heads = heads;
      facts.push_back({"text_act", activation_name(act), act_source});
      facts.push_back({"text_heads", std::to_string(heads), heads_source});
    } else {
      c.vision_act = act;
      c.vision_ln_eps = eps;
      c.vision_head_width = c.vision_width / heads;
      facts.push_back({"vision_act", activation_name(act), act_source});
      facts.push_back({"vision_heads", std::to_string(heads), heads_source});
    }
  }
}

// openai/CLIP's rules for what the shapes cannot tell.
void openai_facts(CLIPConfig& c, const std::string& source, std::vector<ArchitectureFact>& facts) {
  c.vision_act = c.text_act = Activation::kQuickGelu;
  c.vision_head_width = 64;
  c.transformer_heads = c.transformer_width / 64;
  if (c.is_vit()) facts.push_back({"vision_act", "quick_gelu", source});
  facts.push_back({"text_act", "quick_gelu", source});
  facts.push_back({"vision_heads", std::to_string(c.vision_heads()), source});
  facts.push_back({"text_heads", std::to_string(c.transformer_heads), source});
}

// The config of a clipbench config.json ({"config": {...}}). Any other content is refused: a config
// beside the weights that clipbench cannot read must not be mistaken for no config.
json clipbench_config_of(const json& j, const std::string& file) {
  if (j.is_object() && j.contains("config") && j.at("config").is_object()) return j.at("config");
  if (j.is_object() && (j.contains("model_cfg") || j.contains("vision_cfg")))
    throw CheckpointError(fmt::format(
        "{}: this is an open_clip config; name it open_clip_config.json (with the model config "
        "under \"model_cfg\") so clipbench reads it as open_clip's",
        file));
  throw CheckpointError(fmt::format(
      "{}: beside weights with OpenAI / open_clip names, a config.json must be clipbench's "
      "{{\"config\": {{...}}}} (as `clipbench inspect` prints it); this one is not (a Hugging "
      "Face config.json belongs beside Hugging Face-named weights)",
      file));
}

}  // namespace

namespace {

// "" when `check` accepts, else its CheckpointError's message without the "<file>: " prefix.
std::string refusal_of(const std::function<void()>& check) {
  try {
    check();
  } catch (const CheckpointError& e) {
    const std::string what = e.what();
    return what.substr(what.find(": ") + 2);
  }
  return "";
}

}  // namespace

std::string open_clip_preprocess_unsupported(const nlohmann::json& pretrained) {
  return refusal_of([&] { read_preprocess(pretrained, "pretrained", "pretrained", 224); });
}

ImagePreprocess open_clip_preprocess(const nlohmann::json& pretrained, int64_t size) {
  return read_preprocess(pretrained, "pretrained", "pretrained", size);
}

std::string open_clip_tokenizer(const nlohmann::json& model_cfg) {
  if (!model_cfg.is_object() || !model_cfg.contains("text_cfg")) return "";
  const json& t = model_cfg.at("text_cfg");
  const bool named = t.contains("hf_tokenizer_name") && !t.at("hf_tokenizer_name").is_null();
  const bool kwargs = t.contains("tokenizer_kwargs") && t.at("tokenizer_kwargs").is_object() &&
                      !t.at("tokenizer_kwargs").empty();
  if (!named && !kwargs) return "";
  return fmt::format("text_cfg.hf_tokenizer_name {}{}",
                     named ? t.at("hf_tokenizer_name").dump() : "absent",
                     kwargs ? ", tokenizer_kwargs " + t.at("tokenizer_kwargs").dump() : "");
}

ResolvedArchitecture::HfTokenizer open_clip_hf_tokenizer(const nlohmann::json& model_cfg) {
  ResolvedArchitecture::HfTokenizer h;
  if (!model_cfg.is_object() || !model_cfg.contains("text_cfg")) return h;
  const json& t = model_cfg.at("text_cfg");
  if (t.contains("hf_tokenizer_name") && t.at("hf_tokenizer_name").is_string())
    h.name = t.at("hf_tokenizer_name").get<std::string>();
  std::vector<std::string> other;
  if (t.contains("tokenizer_mode") && !t.at("tokenizer_mode").is_null())
    other.push_back("tokenizer_mode " + t.at("tokenizer_mode").dump());
  if (t.contains("tokenizer_kwargs") && t.at("tokenizer_kwargs").is_object()) {
    for (const auto& [key, value] : t.at("tokenizer_kwargs").items()) {
      if (key == "clean" && value.is_string())
        h.clean = value.get<std::string>();
      else if (key == "strip_sep_token" && value.is_boolean())
        h.strip_sep_token = value.get<bool>();
      else
        other.push_back("tokenizer_kwargs." + key + " " + value.dump());
    }
  }
  h.unsupported = fmt::format("{}", fmt::join(other, ", "));
  return h;
}

std::string open_clip_unsupported(const nlohmann::json& model_cfg) {
  return refusal_of([&] { check_open_clip_options(model_cfg, "model_cfg", "model_cfg"); });
}

std::optional<std::string> released_model_name(const CLIPConfig& config) {
  static const json models = json::parse(
      std::string(embedded::kReleasedModelsJson, embedded::kReleasedModelsJsonSize))["models"];
  for (const auto& m : models)
    if (config_from_json(m["config"]) == config) return m["name"].get<std::string>();
  return std::nullopt;
}

std::string describe_config(const CLIPConfig& config) {
  if (config.vision_layout == VisionLayout::kTimmViT)
    return fmt::format("timm-ViT-{}/{}@{}", config.vision_width, config.vision_patch_size,
                       config.image_resolution);
  if (config.is_vit())
    return fmt::format("ViT-{}/{}@{}", config.vision_width, config.vision_patch_size,
                       config.image_resolution);
  return fmt::format("RN-{}x{}@{}", config.vision_width, fmt::join(config.vision_layers, "-"),
                     config.image_resolution);
}

namespace {

ResolvedArchitecture resolve_impl(const Checkpoint& ck, const ArchitectureRequest& request) {
  if (request.model.empty() && !request.pretrained.empty())
    throw Error(fmt::format("--pretrained {}: give the open_clip model config with --model too",
                            request.pretrained));
  ResolvedArchitecture r;
  CLIPConfig& c = r.config;
  try {
    c = infer_config(ck.state_dict);
  } catch (const ShapeMismatchError& e) {
    throw ShapeMismatchError(fmt::format("{}: {}", ck.path, e.what()));
  } catch (const CheckpointError& e) {
    throw CheckpointError(fmt::format("{}: {}", ck.path, e.what()));
  }
  const fs::path dir = fs::path(ck.path).parent_path();
  std::error_code ec;
  const fs::path open_clip_config = dir / "open_clip_config.json";
  const fs::path config_json = dir / "config.json";
  // Read only when no open_clip config takes precedence: another library's config.json beside an
  // open_clip hub folder's weights is not ours to parse.
  auto clipbench_config = [&]() -> std::optional<json> {
    if (ck.layout == "huggingface" || !fs::exists(config_json, ec)) return std::nullopt;
    return clipbench_config_of(read_json(config_json), config_json.string());
  };

  if (!request.model.empty()) {
    const json model_cfg = open_clip_model_cfg(request.model, request.pretrained);
    r.source = "--model";
    r.open_clip_tag = request.pretrained;
    r.open_clip_name =
        request.pretrained.empty() ? request.model : request.model + ":" + request.pretrained;
    const std::string where = fmt::format(
        "--model {}{} (open_clip's model_configs/{}.json{}, built in)", request.model,
        request.pretrained.empty() ? "" : " --pretrained " + request.pretrained, request.model,
        request.pretrained.empty() ? "" : "; quick_gelu of the tag in pretrained.py");
    apply_open_clip_model_cfg(c, model_cfg, where, "model_cfg", r.facts, &r.tokenizer);
    if (!r.tokenizer.empty()) r.hf_tokenizer = open_clip_hf_tokenizer(model_cfg);
    if (!request.pretrained.empty()) {
      r.preprocess = read_preprocess(open_clip_pretrained(request.model, request.pretrained), where,
                                     "pretrained[" + request.pretrained + "]", c.image_resolution);
      r.preprocess_source = fmt::format(
          "--pretrained {} (the tag's mean, std, interpolation and resize_mode in open_clip's "
          "pretrained.py, built in)",
          request.pretrained);
    }
  } else if (fs::exists(open_clip_config, ec)) {
    if (ck.layout == "huggingface")
      throw CheckpointError(fmt::format(
          "{}: Hugging Face-named weights beside {}: open_clip's config describes open_clip's "
          "weights, so it is not clear which config these follow; remove one",
          ck.path, open_clip_config.string()));
    r.source = "open_clip_config.json";
    r.source_path = open_clip_config.string();
    const json j = read_json(open_clip_config);
    if (!j.is_object() || !j.contains("model_cfg"))
      throw CheckpointError(
          fmt::format("{}: has no 'model_cfg' (an open_clip hub config holds model_cfg and "
                      "preprocess_cfg)",
                      r.source_path));
    apply_open_clip_model_cfg(c, j.at("model_cfg"), r.source_path, "model_cfg", r.facts,
                              &r.tokenizer);
    if (!r.tokenizer.empty()) r.hf_tokenizer = open_clip_hf_tokenizer(j.at("model_cfg"));
    if (j.contains("preprocess_cfg")) {
      r.preprocess = read_preprocess(j.at("preprocess_cfg"), r.source_path, "preprocess_cfg",
                                     c.image_resolution);
      r.preprocess_source = fmt::format("preprocess_cfg ({})", r.source_path);
      const ConfigReader p(j.at("preprocess_cfg"), r.source_path, "preprocess_cfg");
      if (p.has("size") && image_size_of(p, "size") != c.image_resolution)
        p.fail("size", fmt::format("is {}, but the weights take {} x {} images",
                                   p.at("size").dump(), c.image_resolution, c.image_resolution));
      if (p.has("from_tag") && p.at("from_tag").is_string())
        r.open_clip_tag = p.at("from_tag").get<std::string>();
    }
    // open_clip's name: the built-in config this model_cfg is, and the tag it came from.
    std::string name = describe_config(c);
    for (const auto& known : open_clip_model_names())
      if (open_clip_model_cfg(known) == j.at("model_cfg")) {
        name = known;
        break;
      }
    r.open_clip_name = r.open_clip_tag.empty() ? name : name + ":" + r.open_clip_tag;
  } else if (ck.layout == "huggingface" && fs::exists(config_json, ec)) {
    r.source = "huggingface config.json";
    r.source_path = config_json.string();
    apply_hf_config(c, read_json(config_json), r.source_path, r.facts);
    const fs::path processor = dir / "preprocessor_config.json";
    if (fs::exists(processor, ec)) {
      r.preprocess =
          read_hf_preprocessor(read_json(processor), processor.string(), c.image_resolution);
      r.preprocess_source = fmt::format("preprocessor_config.json ({})", processor.string());
    }
  } else if (const auto stated_json = clipbench_config()) {
    r.source = "clipbench config.json";
    r.source_path = config_json.string();
    CLIPConfig stated;
    try {
      stated = config_from_json(*stated_json);
    } catch (const Error& e) {
      throw CheckpointError(fmt::format("{}: 'config': {}", r.source_path, e.what()));
    }
    CLIPConfig sizes = stated;  // the facts the shapes tell must agree with the weights'
    sizes.vision_act = c.vision_act;
    sizes.text_act = c.text_act;
    sizes.vision_head_width = c.vision_head_width;
    sizes.transformer_heads = c.transformer_heads;
    sizes.vision_ln_eps = c.vision_ln_eps;
    sizes.text_ln_eps = c.text_ln_eps;
    sizes.text_causal = c.text_causal;
    sizes.text_pool = c.text_pool;
    sizes.text_eos_id = c.text_eos_id;
    sizes.vision_pool = c.vision_pool;
    sizes.vision_final_ln_after_pool = c.vision_final_ln_after_pool;
    if (sizes != c)
      throw CheckpointError(
          fmt::format("{}: 'config' {} does not describe the weights {}, whose shapes give {}",
                      r.source_path, to_json(stated).dump(), ck.path, to_json(c).dump()));
    c = stated;
    auto where = [&](const char* key, const char* rule) {
      return stated_json->contains(key)
                 ? fmt::format("config.{} ({})", key, r.source_path)
                 : fmt::format("config.{} absent: openai/CLIP's {} ({})", key, rule, r.source_path);
    };
    if (c.is_vit())
      r.facts.push_back(
          {"vision_act", activation_name(c.vision_act), where("vision_act", "QuickGELU")});
    r.facts.push_back({"text_act", activation_name(c.text_act), where("text_act", "QuickGELU")});
    r.facts.push_back({"vision_heads", std::to_string(c.vision_heads()),
                       where("vision_head_width", "head width 64")});
    r.facts.push_back({"text_heads", std::to_string(c.transformer_heads),
                       fmt::format("config.transformer_heads ({})", r.source_path)});
  } else if (ck.format == "openai-torchscript") {
    r.source = "openai-torchscript";
    openai_facts(c, "OpenAI TorchScript archive: openai/CLIP's model (QuickGELU, width / 64 heads)",
                 r.facts);
  } else if (const auto released = released_model_name(c)) {
    r.source = "openai-released";
    openai_facts(c,
                 fmt::format("bare state dict with the shapes of OpenAI's {}: openai/CLIP's "
                             "rules",
                             *released),
                 r.facts);
    r.note = fmt::format(
        "{}: no config beside the weights; its shapes are OpenAI's {}, so openai/CLIP's "
        "QuickGELU and width / 64 heads are assumed. An open_clip checkpoint of this shape "
        "trained with nn.GELU (most of open_clip's LAION / DataComp tags) computes other "
        "features: pass --model NAME --pretrained TAG (`clipbench models` lists them) or put its "
        "open_clip_config.json beside the weights",
        ck.path, *released);
  } else {
    throw CheckpointError(fmt::format(
        "{}: a bare state dict of a {} model ({} image tower, text width {}), which is not one "
        "of OpenAI's released architectures: its MLP activation (QuickGELU or nn.GELU) and the "
        "attention head counts of both towers cannot be read from the weights. Supply them: "
        "--model NAME [--pretrained TAG] for an open_clip model (`clipbench models` lists "
        "them), open_clip's open_clip_config.json beside the weights (model_cfg: quick_gelu, "
        "vision_cfg.head_width, text_cfg.heads), a Hugging Face config.json for CLIPModel "
        "weights, or a clipbench config.json beside them; for these weights, with the "
        "activations (quick_gelu, gelu or gelu_tanh) and head counts filled in: "
        "{{\"config\": {}}}",
        ck.path, describe_config(c), c.is_vit() ? "ViT" : "ModifiedResNet", c.transformer_width,
        [&] {
          json t = to_json(c);
          t["vision_act"] = t["text_act"] = "?";
          t["vision_head_width"] = "?";
          t["transformer_heads"] = "?";
          return t.dump();
        }()));
  }
  try {
    validate(c);
  } catch (const Error& e) {
    throw CheckpointError(fmt::format("{} ({}): {}", ck.path, r.source, e.what()));
  }
  if (c.is_vit())
    r.facts.push_back({"vision_mlp_width", std::to_string(c.vision_mlp_width),
                       c.vision_layout == VisionLayout::kTimmViT
                           ? "shape of visual.trunk.blocks.0.mlp.fc1.weight"
                           : "shape of visual.transformer.resblocks.0.mlp.c_fc.weight"});
  r.facts.push_back({"text_mlp_width", std::to_string(c.transformer_mlp_width),
                     c.text_layout == TextLayout::kCustomText
                         ? "shape of text.transformer.resblocks.0.mlp.c_fc.weight"
                         : "shape of transformer.resblocks.0.mlp.c_fc.weight"});
  if (!r.tokenizer.empty())
    r.facts.push_back({"tokenizer", "not CLIP's BPE: not built in", r.tokenizer});
  r.preprocess.size = c.image_resolution;
  if (r.preprocess_source.empty())
    r.preprocess_source =
        r.source == "--model"
            ? "no --pretrained tag: open_clip's defaults (OpenAI's mean / std, bicubic, shortest)"
            : "openai/CLIP's transform (bicubic, shortest, OpenAI's mean / std): the config "
              "states no other";
  r.facts.push_back({"preprocess", r.preprocess.describe(), r.preprocess_source});
  return r;
}

}  // namespace

ResolvedArchitecture resolve_architecture(const Checkpoint& ck,
                                          const ArchitectureRequest& request) {
  ResolvedArchitecture r = resolve_impl(ck, request);
  if (request.model.empty()) return r;
  // A config beside the weights as well: it must agree with --model (and is itself checked).
  const fs::path dir = fs::path(ck.path).parent_path();
  std::error_code ec;
  if (!fs::exists(dir / "open_clip_config.json", ec) && !fs::exists(dir / "config.json", ec))
    return r;
  const ResolvedArchitecture beside = resolve_impl(ck, {});
  // A preprocess_cfg beside the weights states the pixels; a tag must agree with it.
  if (beside.preprocess_source.rfind("preprocess_cfg", 0) == 0) {
    if (!request.pretrained.empty() && beside.preprocess != r.preprocess)
      throw CheckpointError(
          fmt::format("{}: --pretrained {} preprocesses with {}, but {} says {}: drop --model / "
                      "--pretrained, or fix or remove the file",
                      ck.path, request.pretrained, r.preprocess.describe(), beside.source_path,
                      beside.preprocess.describe()));
    r.preprocess = beside.preprocess;
    r.preprocess_source = beside.preprocess_source;
    r.facts.back() = beside.facts.back();
  }
  if (beside.config != r.config)
    throw CheckpointError(fmt::format(
        "{}: --model {}{} and {} describe these weights differently ({} vs {}): drop --model, "
        "or fix or remove the file",
        ck.path, request.model,
        request.pretrained.empty() ? "" : " --pretrained " + request.pretrained, beside.source_path,
        to_json(r.config).dump(), to_json(beside.config).dump()));
  return r;
}

}  // namespace clipbench
