// What a checkpoint's shapes cannot tell (activations, attention heads), read from the config that
// describes it, and where each fact came from; never guessed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clip/checkpoint.h"
#include "clip/model_config.h"
#include "clip/preprocess.h"

namespace clipbench {

// One resolved fact and its source, as `clipbench inspect` prints it.
struct ArchitectureFact {
  std::string
      fact;  // "vision_act", "text_act", "vision_heads", "text_heads", "vision_mlp_width", ...
  std::string value;   // "gelu", "16", ...
  std::string source;  // "open_clip_config.json model_cfg.quick_gelu (/path/...)", "shapes", ...
};

// What the command line says of the model (`--model NAME [--pretrained TAG]`): open_clip's config
// NAME from the built-in table (clip/open_clip_models.h), TAG's quick_gelu. Empty: nothing said.
struct ArchitectureRequest {
  std::string model;
  std::string pretrained;
};

struct ResolvedArchitecture {
  CLIPConfig config;  // sizes from the shapes, the other facts from `source`; validated
  // Where the facts beyond the shapes came from: "--model", "open_clip_config.json",
  // "huggingface config.json", "clipbench config.json", "openai-torchscript" or "openai-released".
  std::string source;
  std::string source_path;  // the config file read, or "" (TorchScript / released architecture)
  std::vector<ArchitectureFact> facts;
  // A line for the log when the facts are openai/CLIP's rules applied to a bare state dict (a
  // released architecture): what was assumed and how to override it. Empty otherwise.
  std::string note;
  // open_clip's name of the model, "NAME" or "NAME:TAG": from `--model` / `--pretrained`, or for
  // an open_clip_config.json the built-in config whose model_cfg it equals (else
  // describe_config) and its preprocess_cfg.from_tag; "" for other sources.
  std::string open_clip_name;
  std::string open_clip_tag;  // the TAG of open_clip_name, or ""
  // What the evaluators do to an image for this model (size = config.image_resolution): an
  // open_clip_config.json's preprocess_cfg, or the --pretrained tag's; openai/CLIP's transform
  // for every other source (and for --model without a tag, open_clip's default). Also the last
  // entry of `facts` ("preprocess").
  ImagePreprocess preprocess;
  std::string preprocess_source;
  // "" when the text tower takes CLIP's BPE tokens (openai/CLIP's vocabulary); otherwise the
  // open_clip config's other tokenizer (`text_cfg.hf_tokenizer_name` / `tokenizer_kwargs`, e.g.
  // SigLIP's SentencePiece), which clipbench does not implement: text goes in as token ids
  // (`embed --text-ids`). Also a "tokenizer" fact then.
  std::string tokenizer;
  // The same config's open_clip `HFTokenizer` arguments when `tokenizer` is set: the HF tokenizer
  // named (`text_cfg.hf_tokenizer_name`), `tokenizer_kwargs.clean` (open_clip's default
  // "whitespace") and `strip_sep_token` (default false). `unsupported` names any other
  // tokenizer_kwargs / tokenizer_mode the config sets (their tokenizer is then refused).
  struct HfTokenizer {
    std::string name;
    std::string clean = "whitespace";
    bool strip_sep_token = false;
    std::string unsupported;
  } hf_tokenizer;
};

// Resolves `ck`'s architecture (ck.path: the weights file read, ck.layout, ck.format), from the
// first of these that applies:
//   0. `request.model`: open_clip's built-in model config of that name (with `request.pretrained`'s
//      quick_gelu), read as in 1;
//   1. `open_clip_config.json` beside the weights (open_clip hub folders): its `model_cfg`
//      (`quick_gelu`, default false = nn.GELU; `vision_cfg.head_width`, default 64;
//      `text_cfg.heads`, default 8; `mlp_ratio`, default 4; `text_cfg.no_causal_mask`,
//      `pool_type`, `proj_bias`, `norm_kwargs.eps`, `act_kwargs.approximate`; `custom_text` and
//      `init_logit_bias` must match the weights' layout), open_clip's own defaults; a
//      `vision_cfg.timm_model_name` tower's heads, activation and LayerNorm eps come from the
//      built-in timm table (clip/timm_models.h: SigLIP's ViTs with the MAP head);
//   2. a Hugging Face `CLIPModel` checkpoint's `config.json` (`hidden_act`, `num_attention_heads`,
//      `intermediate_size`, `layer_norm_eps` per tower, transformers' defaults where absent);
//   3. a clipbench `config.json` beside the weights: {"config": <to_json form>} (the fixtures',
//      and what `clipbench train` writes): openai/CLIP's constructor arguments plus the optional
//      extra fields of to_json;
//   4. an OpenAI TorchScript archive: openai/CLIP's model (QuickGELU, heads = width / 64);
//   5. a bare state dict whose shapes are one of OpenAI's nine released architectures:
//      openai/CLIP's rules, with `note` saying so and how to supply a config instead.
// Every size a config states must equal the shapes'. With `request.model` and a config beside the
// weights too, both are resolved and must give the same architecture (else CheckpointError naming
// both): the command line never silently overrides a file that describes the weights. Throws
// CheckpointError naming the file and the field for a config that contradicts the shapes, asks for
// something these encoders do not implement (layer scale, another pooling, a Hugging Face text
// tower, a preprocess_cfg / tag whose interpolation, resize_mode or mode clipbench does not
// implement (bicubic / bilinear, shortest / squash, RGB); open_clip config keys are checked against
// the list this function understands, so an unknown key is refused, not ignored), or cannot be
// parsed; and for a bare state dict of any other architecture, naming the facts that are missing
// and the files that supply them. Throws RegistryError (near matches) for an unknown
// `request.model` or `request.pretrained`, Error for a pretrained tag without a model.
ResolvedArchitecture resolve_architecture(const Checkpoint& ck,
                                          const ArchitectureRequest& request = {});

// "" when every option of an open_clip `model_cfg` is one these encoders implement; otherwise why
// not (the first unimplemented option, by its dotted key), as resolve_architecture would refuse it.
std::string open_clip_unsupported(const nlohmann::json& model_cfg);
// "" when an open_clip `model_cfg`'s text tower takes CLIP's BPE tokens; otherwise the tokenizer
// it names instead ("text_cfg.hf_tokenizer_name \"timm/ViT-B-16-SigLIP\", tokenizer_kwargs
// {...}"), which clipbench does not implement (ResolvedArchitecture::tokenizer).
std::string open_clip_tokenizer(const nlohmann::json& model_cfg);

// open_clip's HFTokenizer arguments of `model_cfg` (ResolvedArchitecture::hf_tokenizer).
ResolvedArchitecture::HfTokenizer open_clip_hf_tokenizer(const nlohmann::json& model_cfg);
// The same for a pretrained tag's preprocessing (clip/open_clip_models.h open_clip_pretrained).
std::string open_clip_preprocess_unsupported(const nlohmann::json& pretrained);
// A pretrained tag's (or a preprocess_cfg's) preprocessing at `size`, as resolve_architecture reads
// it. Throws CheckpointError naming the key for what is not implemented.
ImagePreprocess open_clip_preprocess(const nlohmann::json& pretrained, int64_t size);

// The released OpenAI model (clip.load() name, "ViT-B/32") whose architecture equals `config`
// (clip/data/released_models.json; activations and head widths included), or nullopt.
std::optional<std::string> released_model_name(const CLIPConfig& config);

// "ViT-<width>/<patch>@<resolution>" or "RN-<width>x<layers...>@<resolution>".
std::string describe_config(const CLIPConfig& config);

}  // namespace clipbench
