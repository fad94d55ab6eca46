// BPE vocabulary files: OpenAI's .txt.gz, Hugging Face vocab.json + merges.txt, discovery.
#include "clip/bpe_vocabulary.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "clip/embedded_data.h"
#include "clip/errors.h"
#include "clip/unicode_tables.h"
#include "clip/utf8.h"
#include "common/atomic_file.h"

namespace clipbench {
namespace fs = std::filesystem;
namespace {

constexpr const char* kOpenAiFile = "bpe_simple_vocab_16e6.txt.gz";
constexpr const char* kHfVocab = "vocab.json";
constexpr const char* kHfMerges = "merges.txt";
constexpr const char* kStartToken = "<|startoftext|>";
constexpr const char* kEndToken = "<|endoftext|>";

ByteSymbols make_byte_symbols() {
  ByteSymbols s{};
  std::size_t k = 0;
  auto printable = [](int b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  };
  for (int b = 0; b < 256; ++b) {
    if (printable(b)) {
      s.of_byte[b] = static_cast<char32_t>(b);
      s.in_order[k++] = static_cast<std::uint8_t>(b);
    }
  }
  char32_t next = 0x100;
  for (int b = 0; b < 256; ++b) {
    if (!printable(b)) {
      s.of_byte[b] = next++;
      s.in_order[k++] = static_cast<std::uint8_t>(b);
    }
  }
  return s;
}

std::string read_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw TokenizerError(fmt::format("cannot open vocabulary file {}", path));
  std::string data;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) data.append(buf, static_cast<std::size_t>(n));
  // A truncated or corrupt stream may end gzread with 0 rather than -1: the error state tells.
  int errnum = Z_OK;
  const std::string err = gzerror(f, &errnum);
  const bool plain = gzdirect(f) == 1;
  gzclose(f);
  if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
    throw TokenizerError(
        fmt::format("vocabulary file {} is a corrupt or truncated gzip file: {}", path, err));
  }
  if (plain) {
    throw TokenizerError(
        fmt::format("vocabulary file {} is not gzip-compressed (expected OpenAI's {}, "
                    "or a Hugging Face {} + {})",
                    path, kOpenAiFile, kHfVocab, kHfMerges));
  }
  return data;
}

// The gzip stream `bytes` inflated (the built-in vocabulary). Throws TokenizerError naming
// `source`.
std::string gunzip(std::string_view bytes, const std::string& source) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    throw TokenizerError(fmt::format("{}: cannot start zlib", source));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  std::string data;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    data.append(buf, sizeof(buf) - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    throw TokenizerError(fmt::format("{} is a corrupt or truncated gzip stream", source));
  return data;
}

std::string read_plain(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(fmt::format("cannot open vocabulary file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw TokenizerError(fmt::format("cannot read vocabulary file {}", path));
  return ss.str();
}

void require_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw TokenizerError(fmt::format("vocabulary file {} does not exist (or is not a file)", path));
  }
}

// Python's `str.split()` on one merges line (Unicode whitespace), which must give exactly two
// tokens.
std::pair<std::string, std::string> parse_merge(std::string_view line, const std::string& path,
                                                std::size_t line_number) {
  std::u32string text;
  if (const auto bad = decode_utf8(line, text)) {
    throw TokenizerError(fmt::format("vocabulary file {}: line {} is not valid UTF-8 (byte {})",
                                     path, line_number, *bad));
  }
  std::vector<std::u32string> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && unicode::is_space(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !unicode::is_space(text[j])) ++j;
    if (j > i) parts.push_back(text.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 2) {
    throw TokenizerError(
        fmt::format("vocabulary file {}: line {} should hold one merge (two tokens "
                    "separated by a space), found {} token(s): \"{}\"",
                    path, line_number, parts.size(), std::string(line.substr(0, 80))));
  }
  return {encode_utf8(parts[0]), encode_utf8(parts[1])};
}

// lines[1 : 1 + kReferenceMergeCount] of `text` split on '\n', as merges. A final empty line (the
// file's trailing newline) is not a merge.
std::vector<std::pair<std::string, std::string>> parse_merges(std::string_view text,
                                                              const std::string& path) {
  std::vector<std::pair<std::string, std::string>> merges;
  std::size_t pos = 0, line_number = 0;
  while (pos <= text.size() && merges.size() < kReferenceMergeCount) {
    std::size_t end = text.find('\n', pos);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++line_number;
    if (line_number > 1 && !(last && line.empty()))
      merges.push_back(parse_merge(line, path, line_number));
    if (last) break;
    pos = end + 1;
  }
  if (merges.empty())
    throw TokenizerError(fmt::format("vocabulary file {} holds no BPE merges", path));
  return merges;
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// The vocabulary file inside `dir`, or "" when it holds none. Throws when vocab.json lacks its
// merges.txt.
std::string vocabulary_in(const fs::path& dir) {
  if (is_file(dir / kHfVocab)) {
    if (!is_file(dir / kHfMerges)) {
      throw TokenizerError(
          fmt::format("{} has no {} beside it (a Hugging Face vocabulary needs both)",
                      (dir / kHfVocab).string(), kHfMerges));
    }
    return (dir / kHfVocab).string();
  }
  if (is_file(dir / kOpenAiFile)) return (dir / kOpenAiFile).string();
  return "";
}

}  // namespace

const ByteSymbols& byte_symbols() {
  static const ByteSymbols s = make_byte_symbols();
  return s;
}

namespace {

// The vocabulary SimpleTokenizer builds from the merges file's text.
BpeVocabulary openai_vocabulary(const std::string& text, const std::string& source) {
  BpeVocabulary v;
  v.source = source;
  v.merges = parse_merges(text, source);
  std::vector<std::string> tokens;
  tokens.reserve(512 + v.merges.size() + 2);
  for (std::uint8_t b : byte_symbols().in_order) {
    std::string t;
    append_utf8(byte_symbols().of_byte[b], t);
    tokens.push_back(t);
  }
  for (std::size_t k = 0; k < 256; ++k) tokens.push_back(tokens[k] + "</w>");
  for (const auto& [a, b] : v.merges) tokens.push_back(a + b);
  tokens.emplace_back(kStartToken);
  tokens.emplace_back(kEndToken);
  v.encoder.reserve(tokens.size());
  for (std::size_t id = 0; id < tokens.size(); ++id)
    v.encoder[tokens[id]] = static_cast<std::int64_t>(id);
  return v;
}

}  // namespace

std::string_view builtin_vocabulary_gzip() {
  return {reinterpret_cast<const char*>(embedded::kBpeSimpleVocabGz),
          embedded::kBpeSimpleVocabGzSize};
}

BpeVocabulary read_openai_vocabulary(const std::string& gz_path) {
  if (gz_path == kBuiltinVocabulary)
    return openai_vocabulary(gunzip(builtin_vocabulary_gzip(), gz_path), gz_path);
  require_file(gz_path);
  return openai_vocabulary(read_gzip(gz_path), gz_path);
}

BpeVocabulary read_hf_vocabulary(const std::string& vocab_json, const std::string& merges_txt) {
  require_file(vocab_json);
  require_file(merges_txt);
  BpeVocabulary v;
  v.source = vocab_json + " + " + merges_txt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_plain(vocab_json));
  } catch (const nlohmann::json::exception& e) {
    throw TokenizerError(
        fmt::format("vocabulary file {} is not valid JSON: {}", vocab_json, e.what()));
  }
  if (!j.is_object() || j.empty()) {
    throw TokenizerError(fmt::format(
        "vocabulary file {} should be a JSON object mapping tokens to ids", vocab_json));
  }
  v.encoder.reserve(j.size());
  for (const auto& [token, id] : j.items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0) {
      throw TokenizerError(
          fmt::format("vocabulary file {}: the id of token \"{}\" is {}, not an integer >= 0",
                      vocab_json, token, id.dump()));
    }
    v.encoder[token] = id.get<std::int64_t>();
  }
  for (const char* special : {kStartToken, kEndToken}) {
    if (v.encoder.count(special) == 0) {
      throw TokenizerError(fmt::format("vocabulary file {} has no {} token", vocab_json, special));
    }
  }
  // CLIPTokenizer strips the whole file (Python whitespace) before splitting it into lines.
  std::u32string merges_text;
  const std::string raw = read_plain(merges_txt);
  if (const auto bad = decode_utf8(raw, merges_text)) {
    throw TokenizerError(
        fmt::format("vocabulary file {} is not valid UTF-8 (byte {})", merges_txt, *bad));
  }
  std::size_t b = 0, e = merges_text.size();
  while (b < e && unicode::is_space(merges_text[b])) ++b;
  while (e > b && unicode::is_space(merges_text[e - 1])) --e;
  v.merges =
      parse_merges(encode_utf8(std::u32string_view(merges_text).substr(b, e - b)), merges_txt);
  return v;
}

BpeVocabulary read_vocabulary(const std::string& path) {
  if (path == kBuiltinVocabulary) return read_openai_vocabulary(path);
  fs::path p(path);
  if (is_directory(path)) {
    const std::string found = vocabulary_in(p);
    if (found.empty()) {
      throw TokenizerError(fmt::format("directory {} holds no vocabulary ({} + {}, or {})", path,
                                       kHfVocab, kHfMerges, kOpenAiFile));
    }
    p = found;
  }
  if (p.extension() == ".json")
    return read_hf_vocabulary(p.string(), (p.parent_path() / kHfMerges).string());
  if (p.filename() == kHfMerges)
    return read_hf_vocabulary((p.parent_path() / kHfVocab).string(), p.string());
  return read_openai_vocabulary(p.string());
}

std::string find_vocabulary(const std::string& explicit_path, const std::string& checkpoint_path) {
  auto existing = [](const std::string& path, const std::string& origin) {
    if (is_directory(path)) {
      const std::string found = vocabulary_in(path);
      if (found.empty()) {
        throw TokenizerError(fmt::format("{} {} holds no vocabulary ({} + {}, or {})", origin, path,
                                         kHfVocab, kHfMerges, kOpenAiFile));
      }
      return found;
    }
    if (!is_file(path)) throw TokenizerError(fmt::format("{} {} does not exist", origin, path));
    return path;
  };
  if (explicit_path == kBuiltinVocabulary) return kBuiltinVocabulary;
  if (!explicit_path.empty()) return existing(explicit_path, "vocabulary file (--vocab)");
  if (!checkpoint_path.empty()) {
    const fs::path ckpt(checkpoint_path);
    const fs::path dir = is_directory(checkpoint_path) ? ckpt
                         : ckpt.has_parent_path()      ? ckpt.parent_path()
                                                       : fs::path(".");
    const std::string found = vocabulary_in(dir);
    if (!found.empty()) return found;
  }
  const char* env = std::getenv("CLIPBENCH_VOCAB");
  if (env != nullptr && *env != '\0') return existing(env, "vocabulary file ($CLIPBENCH_VOCAB)");
  return kBuiltinVocabulary;
}

std::vector<std::string> write_vocabulary_files(const std::string& vocab, const std::string& dir) {
  const fs::path folder(dir);
  if (vocab == kBuiltinVocabulary) {
    const std::string file = (folder / kOpenAiFile).string();
    write_file_atomically(file, builtin_vocabulary_gzip(), "the vocabulary");
    return {file};
  }
  std::vector<fs::path> sources{vocab};
  if (fs::path(vocab).filename() == kHfVocab)
    sources.push_back(fs::path(vocab).parent_path() / kHfMerges);
  std::vector<std::string> written;
  for (const fs::path& source : sources) {
    const fs::path target = folder / source.filename();
    std::error_code ec;
    if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
      written.push_back(target.string());
      continue;
    }
    write_file_atomically(target.string(), read_plain(source.string()), "the vocabulary");
    written.push_back(target.string());
  }
  return written;
}

}  // namespace clipbench
