// SentencePiece tokenizers from Hugging Face tokenizer files (open_clip's HFTokenizer over T5 /
// Gemma).
#include "clip/sentencepiece_tokenizer.h"

#include <ATen/ATen.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "clip/errors.h"
#include "clip/sentencepiece_config.h"
#include "clip/text_clean.h"
#include "clip/utf8.h"

namespace clipbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The tokenizer classes reproduced, with transformers' defaults for add_bos_token / add_eos_token.
struct ClassRules {
  bool add_bos;
  bool add_eos;
};

const std::map<std::string, ClassRules>& class_rules() {
  static const std::map<std::string, ClassRules> rules = {
      {"T5Tokenizer", {false, true}},
      {"T5TokenizerFast", {false, true}},
      {"GemmaTokenizer", {true, false}},
      {"GemmaTokenizerFast", {true, false}},
  };
  return rules;
}

std::string abbreviate(const std::string& text) {
  return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw TokenizerError(fmt::format("cannot open {}", path.string()));
  try {
    json j = json::parse(in);
    if (!j.is_object())
      throw TokenizerError(fmt::format("{}: expected a JSON object, got {}", path.string(),
                                       std::string(j.type_name())));
    return j;
  } catch (const json::exception& e) {
    throw TokenizerError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
}

// A special token's string: "</s>" or {"content": "</s>", ...}; nullopt when absent or null.
std::optional<std::string> token_string(const json& config, const std::string& key,
                                        const std::string& file) {
  if (!config.contains(key) || config.at(key).is_null()) return std::nullopt;
  const json& v = config.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v.at("content").is_string())
    return v.at("content").get<std::string>();
  throw TokenizerError(fmt::format("{}: '{}' must be a string or {{\"content\": string}}, got {}",
                                   file, key, v.dump()));
}

// libclipbench_sentencepiece.so (clip/sentencepiece_shim.h), loaded once.
struct SpmApi {
  void* (*load)(const char*, char**) = nullptr;
  void (*destroy)(void*) = nullptr;
  int (*piece_size)(const void*) = nullptr;
  int (*piece_to_id)(const void*, const char*, std::size_t, int*) = nullptr;
  int (*encode)(const void*, const char*, std::size_t, int**, std::size_t*, char**) = nullptr;
  void (*free)(void*) = nullptr;
};

constexpr const char* kShimName = "libclipbench_sentencepiece.so";

// Where the module is looked for: $CLIPBENCH_SENTENCEPIECE_LIB, else beside the running
// executable or one folder up (build/ holds it; build/tests/ and build/bench/ hold executables).
std::vector<std::string> shim_candidates() {
  if (const char* env = std::getenv("CLIPBENCH_SENTENCEPIECE_LIB"); env && *env) return {env};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {kShimName};
  return {(exe.parent_path() / kShimName).string(),
          (exe.parent_path().parent_path() / kShimName).string()};
}

const SpmApi& spm_api() {
  static SpmApi api;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    if (!CLIPBENCH_WITH_SENTENCEPIECE) {
      failure =
          "clipbench was built without SentencePiece (libsentencepiece); install "
          "libsentencepiece-dev (Debian) and reconfigure to tokenize with it, or pass the text as "
          "token ids (embed --text-ids)";
      return;
    }
    // RTLD_LOCAL | RTLD_DEEPBIND: libsentencepiece's bundled protobuf-lite stays its own, apart
    // from the libprotobuf LibTorch loads (sanitizer runtimes refuse RTLD_DEEPBIND).
    int flags = RTLD_NOW | RTLD_LOCAL;
#if defined(RTLD_DEEPBIND) && !defined(__SANITIZE_ADDRESS__)
    flags |= RTLD_DEEPBIND;
#endif
    std::vector<std::string> tried;
    void* handle = nullptr;
    for (const std::string& path : shim_candidates()) {
      std::error_code ec;
      if (path != kShimName && !fs::exists(path, ec)) {
        tried.push_back(path + " (absent)");
        continue;
      }
      handle = dlopen(path.c_str(), flags);
      if (handle) break;
      const char* why = dlerror();
      tried.push_back(path + " (" + (why ? why : "dlopen failed") + ")");
    }
    if (!handle) {
      failure = fmt::format(
          "cannot load {}, clipbench's SentencePiece module (built beside the clipbench binary): "
          "tried {}; copy it beside the executable or set CLIPBENCH_SENTENCEPIECE_LIB to its path",
          kShimName, fmt::join(tried, ", "));
      return;
    }
    auto symbol = [&](auto& target, const char* name) {
      target = reinterpret_cast<std::remove_reference_t<decltype(target)>>(dlsym(handle, name));
      if (!target && failure.empty())
        failure = fmt::format("{}: has no symbol {} (another version?)", kShimName, name);
    };
    symbol(api.load, "clipbench_spm_load");
    symbol(api.destroy, "clipbench_spm_destroy");
    symbol(api.piece_size, "clipbench_spm_piece_size");
    symbol(api.piece_to_id, "clipbench_spm_piece_to_id");
    symbol(api.encode, "clipbench_spm_encode");
    symbol(api.free, "clipbench_spm_free");
  });
  if (!failure.empty()) throw Error(failure);
  return api;
}

std::string take_error(const SpmApi& api, char* error) {
  std::string out = error ? error : "unknown error";
  if (error) api.free(error);
  return out;
}

}  // namespace

struct SentencePieceTokenizer::Impl {
  const SpmApi* api = nullptr;
  std::shared_ptr<void> processor;
  std::string model_file;
  std::string tokenizer_class;
  std::string clean_mode;
  std::int64_t pieces = 0;
  std::int64_t vocab_size = 0;
  std::int64_t pad = -1, eos = -1, bos = -1;
  // The ids put before / after every text, and where that was read.
  std::vector<std::int64_t> prefix, suffix;
  std::string specials_source;
  std::vector<std::string> special_strings;  // refused inside cleaned text
};

bool SentencePieceTokenizer::available() { return CLIPBENCH_WITH_SENTENCEPIECE != 0; }

std::string SentencePieceTokenizer::find_model_file(const std::string& folder) {
  std::error_code ec;
  for (const char* name : {"spiece.model", "tokenizer.model", "sentencepiece.model"}) {
    const fs::path p = fs::path(folder) / name;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

SentencePieceTokenizer SentencePieceTokenizer::from_folder(const std::string& folder,
                                                           const std::string& clean) {
  auto impl = std::make_unique<Impl>();
  // The clean mode first: an unknown one throws RegistryError with near matches.
  (void)open_clip_clean(U"", clean);
  impl->clean_mode = clean;
  impl->model_file = find_model_file(folder);
  if (impl->model_file.empty())
    throw TokenizerError(fmt::format(
        "{}: no SentencePiece model (spiece.model, tokenizer.model or sentencepiece.model); put "
        "the Hugging Face tokenizer files of the model (its hub folder's tokenizer files) there",
        folder));
  const fs::path config_path = fs::path(folder) / "tokenizer_config.json";
  std::error_code ec;
  if (!fs::is_regular_file(config_path, ec))
    throw TokenizerError(fmt::format(
        "{}: missing: which special tokens the tokenizer adds and pads with is read from it (the "
        "tokenizer files of the model's Hugging Face hub folder hold it)",
        config_path.string()));
  const json config = read_json_file(config_path);
  const std::string cfg = config_path.string();
  json special_map = json::object();
  const fs::path map_path = fs::path(folder) / "special_tokens_map.json";
  if (fs::is_regular_file(map_path, ec)) special_map = read_json_file(map_path);

  if (!config.contains("tokenizer_class") || !config.at("tokenizer_class").is_string())
    throw TokenizerError(
        fmt::format("{}: no 'tokenizer_class' string (expected one of "
                    "T5Tokenizer, T5TokenizerFast, GemmaTokenizer, "
                    "GemmaTokenizerFast)",
                    cfg));
  impl->tokenizer_class = config.at("tokenizer_class").get<std::string>();
  const auto rules = class_rules().find(impl->tokenizer_class);
  if (rules == class_rules().end())
    throw TokenizerError(fmt::format(
        "{}: tokenizer_class '{}' is not one clipbench reproduces (T5Tokenizer, T5TokenizerFast, "
        "GemmaTokenizer, GemmaTokenizerFast: SentencePiece ids plus fixed special tokens); pass "
        "the text as token ids instead (embed --text-ids)",
        cfg, impl->tokenizer_class));
  std::optional<bool> add_bos, add_eos;
  for (const auto& [key, target] :
       {std::pair<const char*, std::optional<bool>*>{"add_bos_token", &add_bos},
        std::pair<const char*, std::optional<bool>*>{"add_eos_token", &add_eos}}) {
    if (!config.contains(key)) continue;
    if (!config.at(key).is_boolean())
      throw TokenizerError(
          fmt::format("{}: '{}' must be true or false, got {}", cfg, key, config.at(key).dump()));
    *target = config.at(key).get<bool>();
  }
  // tokenizer.json (what transformers' fast tokenizer runs): its added tokens and post-processor.
  const fs::path fast_path = fs::path(folder) / "tokenizer.json";
  json fast = json::object();
  if (fs::is_regular_file(fast_path, ec)) {
    std::ifstream in(fast_path);
    if (!in) throw TokenizerError(fmt::format("cannot open {}", fast_path.string()));
    try {
      // The vocabulary and merges ("model") are the SentencePiece model's: not kept.
      fast = json::parse(in, [](int depth, json::parse_event_t event, json& parsed) {
        return !(depth == 1 && event == json::parse_event_t::key && parsed == "model");
      });
    } catch (const json::exception& e) {
      throw TokenizerError(fmt::format("{}: not valid JSON: {}", fast_path.string(), e.what()));
    }
    if (!fast.is_object())
      throw TokenizerError(fmt::format("{}: expected a JSON object", fast_path.string()));
  }

  try {
    impl->api = &spm_api();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", impl->model_file, e.what()));
  }
  {
    char* error = nullptr;
    void* p = impl->api->load(impl->model_file.c_str(), &error);
    if (!p)
      throw TokenizerError(fmt::format("{}: not a readable SentencePiece model: {}",
                                       impl->model_file, take_error(*impl->api, error)));
    impl->processor = std::shared_ptr<void>(p, impl->api->destroy);
  }
  impl->pieces = impl->api->piece_size(impl->processor.get());
  impl->vocab_size = impl->pieces;

  // added_tokens_decoder: {"<id>": {"content": "<pad>", ...}}.
  std::map<std::string, std::int64_t> added;
  if (config.contains("added_tokens_decoder")) {
    const json& d = config.at("added_tokens_decoder");
    if (!d.is_object())
      throw TokenizerError(fmt::format("{}: 'added_tokens_decoder' must be an object", cfg));
    for (const auto& [id_text, token] : d.items()) {
      std::int64_t id = -1;
      try {
        std::size_t used = 0;
        id = std::stoll(id_text, &used);
        if (used != id_text.size() || id < 0) id = -1;
      } catch (const std::exception&) {
        id = -1;
      }
      if (id < 0 || !token.is_object() || !token.contains("content") ||
          !token.at("content").is_string())
        throw TokenizerError(fmt::format(
            "{}: added_tokens_decoder entry '{}' must map an id to {{\"content\": string}}", cfg,
            id_text));
      added[token.at("content").get<std::string>()] = id;
      impl->vocab_size = std::max(impl->vocab_size, id + 1);
    }
  }
  if (fast.contains("added_tokens")) {
    const json& list = fast.at("added_tokens");
    if (!list.is_array())
      throw TokenizerError(fmt::format("{}: 'added_tokens' must be a list", fast_path.string()));
    for (const json& t : list) {
      if (!t.is_object() || !t.contains("id") || !t.at("id").is_number_unsigned() ||
          !t.contains("content") || !t.at("content").is_string())
        throw TokenizerError(
            fmt::format("{}: added_tokens entry {} must have an 'id' (>= 0) and a 'content' string",
                        fast_path.string(), t.dump()));
      const std::string content = t.at("content").get<std::string>();
      const std::int64_t id = t.at("id").get<std::int64_t>();
      if (const auto it = added.find(content); it != added.end() && it->second != id)
        throw TokenizerError(fmt::format("{}: added token '{}' is id {} there but {} in {}",
                                         fast_path.string(), content, id, it->second, cfg));
      added[content] = id;
      impl->special_strings.push_back(content);
      impl->vocab_size = std::max(impl->vocab_size, id + 1);
    }
  }
  auto token_id = [&](const std::string& key) -> std::int64_t {
    std::optional<std::string> s = token_string(config, key, cfg);
    if (!s && !config.contains(key)) s = token_string(special_map, key, map_path.string());
    if (!s) return -1;
    impl->special_strings.push_back(*s);
    if (const auto it = added.find(*s); it != added.end()) return it->second;
    int unknown = 0;
    const int id = impl->api->piece_to_id(impl->processor.get(), s->data(), s->size(), &unknown);
    if (unknown && key != "unk_token")
      throw TokenizerError(
          fmt::format("{}: {} '{}' is not a piece of {}", cfg, key, *s, impl->model_file));
    return id;
  };
  impl->eos = token_id("eos_token");
  impl->pad = token_id("pad_token");
  impl->bos = token_id("bos_token");
  (void)token_id("unk_token");

  // The special tokens around a text: from tokenizer.json's post_processor when there is one,
  // else from add_bos_token / add_eos_token or the class's defaults; both present must agree.
  std::optional<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> from_fast;
  if (fast.contains("post_processor")) {
    const json& post = fast.at("post_processor");
    const std::string where = fast_path.string() + " post_processor";
    from_fast.emplace();
    if (!post.is_null()) {
      if (!post.is_object() || post.value("type", "") != "TemplateProcessing" ||
          !post.contains("single") || !post.at("single").is_array())
        throw TokenizerError(fmt::format(
            "{}: {} is not a TemplateProcessing clipbench reproduces (special tokens around the "
            "text); pass the text as token ids instead (embed --text-ids)",
            where, post.is_object() ? post.value("type", "(no type)") : post.dump()));
      const json specials = post.value("special_tokens", json::object());
      bool seen_text = false;
      for (const json& item : post.at("single")) {
        if (item.contains("Sequence")) {
          if (seen_text)
            throw TokenizerError(fmt::format("{}: the text appears twice in 'single'", where));
          seen_text = true;
        } else if (item.contains("SpecialToken") && item.at("SpecialToken").contains("id") &&
                   item.at("SpecialToken").at("id").is_string()) {
          const std::string name = item.at("SpecialToken").at("id").get<std::string>();
          if (!specials.contains(name) || !specials.at(name).contains("ids") ||
              !specials.at(name).at("ids").is_array())
            throw TokenizerError(
                fmt::format("{}: special token '{}' has no ids in special_tokens", where, name));
          auto& side = seen_text ? from_fast->second : from_fast->first;
          for (const json& id : specials.at(name).at("ids")) {
            if (!id.is_number_unsigned())
              throw TokenizerError(fmt::format("{}: special token '{}' ids must be ids, got {}",
                                               where, name, id.dump()));
            side.push_back(id.get<std::int64_t>());
          }
        } else {
          throw TokenizerError(
              fmt::format("{}: 'single' item {} is neither a Sequence nor a "
                          "SpecialToken",
                          where, item.dump()));
        }
      }
      if (!seen_text)
        throw TokenizerError(fmt::format("{}: 'single' has no Sequence (the text)", where));
    }
  }
  std::optional<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> from_config;
  const bool is_gemma = impl->tokenizer_class.rfind("Gemma", 0) == 0;
  if (add_bos || add_eos || !is_gemma) {
    // T5 always appends eos (transformers' T5Tokenizer); Gemma's defaults are bos on, eos off.
    const bool bos = add_bos.value_or(rules->second.add_bos);
    const bool eos = add_eos.value_or(rules->second.add_eos);
    from_config.emplace();
    if (bos) {
      if (impl->bos < 0)
        throw TokenizerError(fmt::format("{}: adds a bos token but no bos_token is named", cfg));
      from_config->first.push_back(impl->bos);
    }
    if (eos) {
      if (impl->eos < 0)
        throw TokenizerError(fmt::format("{}: adds an eos token but no eos_token is named", cfg));
      from_config->second.push_back(impl->eos);
    }
  }
  if (from_fast && from_config && *from_fast != *from_config)
    throw TokenizerError(fmt::format(
        "{} and {} disagree on the special tokens around a text (post_processor adds [{}] ... "
        "[{}], add_bos_token / add_eos_token [{}] ... [{}]): transformers versions read them "
        "differently, so the ids are not known; make them agree",
        fast_path.string(), cfg, fmt::join(from_fast->first, ", "),
        fmt::join(from_fast->second, ", "), fmt::join(from_config->first, ", "),
        fmt::join(from_config->second, ", ")));
  if (from_fast) {
    std::tie(impl->prefix, impl->suffix) = *from_fast;
    impl->specials_source = fast_path.string() + " post_processor";
  } else if (from_config) {
    std::tie(impl->prefix, impl->suffix) = *from_config;
    impl->specials_source = cfg + (add_bos || add_eos ? " add_bos_token / add_eos_token"
                                                      : " (" + impl->tokenizer_class +
                                                            "'s default: eos after the text)");
  } else {
    throw TokenizerError(fmt::format(
        "{}: neither add_bos_token / add_eos_token nor a tokenizer.json beside it says which "
        "special tokens {} puts around a text (transformers versions differ in the default)",
        cfg, impl->tokenizer_class));
  }
  for (const std::int64_t id : impl->prefix) impl->vocab_size = std::max(impl->vocab_size, id + 1);
  for (const std::int64_t id : impl->suffix) impl->vocab_size = std::max(impl->vocab_size, id + 1);
  if (impl->pad < 0)
    throw TokenizerError(fmt::format(
        "{}: no pad_token: open_clip pads every text to the context length with it", cfg));
  return SentencePieceTokenizer(std::move(impl));
}

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SentencePieceTokenizer::SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer& SentencePieceTokenizer::operator=(SentencePieceTokenizer&&) noexcept =
    default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::string SentencePieceTokenizer::clean(const std::string& utf8) const {
  std::u32string text;
  if (const auto bad = decode_utf8(utf8, text))
    throw TokenizerError(fmt::format("text '{}' is not valid UTF-8 (at byte {})",
                                     abbreviate(decode_utf8_replacing(utf8)), *bad));
  return encode_utf8(open_clip_clean(text, impl_->clean_mode));
}

std::vector<std::int64_t> SentencePieceTokenizer::encode(const std::string& utf8) const {
  const std::string cleaned = clean(utf8);
  for (const std::string& special : impl_->special_strings)
    if (!special.empty() && cleaned.find(special) != std::string::npos)
      throw TokenizerError(fmt::format(
          "text '{}' contains the special token '{}' after cleaning ({}): transformers keeps it "
          "as one id, which clipbench does not reproduce",
          abbreviate(utf8), special, impl_->clean_mode));
  std::vector<std::int64_t> out;
  int* ids = nullptr;
  std::size_t count = 0;
  char* error = nullptr;
  if (impl_->api->encode(impl_->processor.get(), cleaned.data(), cleaned.size(), &ids, &count,
                         &error) != 0)
    throw TokenizerError(fmt::format("text '{}': SentencePiece: {}", abbreviate(utf8),
                                     take_error(*impl_->api, error)));
  out.assign(ids, ids + count);
  impl_->api->free(ids);
  return out;
}

std::vector<std::int64_t> SentencePieceTokenizer::token_ids(const std::string& text,
                                                            std::int64_t context_length,
                                                            bool truncate) const {
  if (context_length < 1)
    throw TokenizerError(fmt::format("context length must be at least 1, got {}", context_length));
  std::vector<std::int64_t> ids = encode(text);
  const std::int64_t specials =
      static_cast<std::int64_t>(impl_->prefix.size() + impl_->suffix.size());
  const std::int64_t total = static_cast<std::int64_t>(ids.size()) + specials;
  if (total > context_length) {
    if (!truncate)
      throw TokenizerError(fmt::format(
          "text '{}' is {} tokens ({} with special tokens), longer than the context length {} "
          "(pass --truncate to cut it as open_clip does)",
          abbreviate(text), ids.size(), total, context_length));
    ids.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, context_length - specials)));
  }
  std::vector<std::int64_t> out;
  out.reserve(ids.size() + 2);
  out.insert(out.end(), impl_->prefix.begin(), impl_->prefix.end());
  out.insert(out.end(), ids.begin(), ids.end());
  out.insert(out.end(), impl_->suffix.begin(), impl_->suffix.end());
  // A context shorter than the special tokens themselves: transformers keeps them all.
  if (static_cast<std::int64_t>(out.size()) > context_length) out.resize(context_length);
  return out;
}

at::Tensor SentencePieceTokenizer::tokenize(const std::vector<std::string>& texts,
                                            std::int64_t context_length, bool truncate) const {
  if (context_length < 1)
    throw TokenizerError(fmt::format("context length must be at least 1, got {}", context_length));
  at::Tensor out =
      at::full({static_cast<std::int64_t>(texts.size()), context_length}, impl_->pad, at::kLong);
  auto acc = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::vector<std::int64_t> ids = token_ids(texts[i], context_length, truncate);
    for (std::size_t j = 0; j < ids.size(); ++j) acc[i][j] = ids[j];
  }
  return out;
}

std::int64_t SentencePieceTokenizer::vocab_size() const { return impl_->vocab_size; }

std::string SentencePieceTokenizer::describe() const {
  return fmt::format("sentencepiece {} {} (clean {}; special tokens from {})",
                     impl_->tokenizer_class, impl_->model_file, impl_->clean_mode,
                     impl_->specials_source);
}

std::int64_t SentencePieceTokenizer::pad_id() const { return impl_->pad; }
std::int64_t SentencePieceTokenizer::eos_id() const { return impl_->eos; }
std::int64_t SentencePieceTokenizer::bos_id() const { return impl_->bos; }
const std::string& SentencePieceTokenizer::tokenizer_class() const {
  return impl_->tokenizer_class;
}

}  // namespace clipbench
