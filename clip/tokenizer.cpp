// CLIP's byte-level BPE tokenizer, reproducing OpenAI's `SimpleTokenizer` and `clip.tokenize`.
#include "clip/tokenizer.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "clip/errors.h"
#include "clip/pretokenizer.h"
#include "clip/text_clean.h"
#include "clip/utf8.h"

namespace clipbench {
namespace {

constexpr std::string_view kStartToken = "<|startoftext|>";
constexpr std::string_view kEndToken = "<|endoftext|>";
constexpr std::size_t kAbbreviateAt = 60;      // code points of a text quoted in an error message
constexpr std::int64_t kMaxTokenId = 1 << 24;  // ids index a table: refuse absurd ones

// The text for an error message: at most kAbbreviateAt code points, cut on a code point boundary.
std::string abbreviate(const std::string& text) {
  std::size_t i = 0, count = 0;
  while (i < text.size() && count < kAbbreviateAt) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    ++count;
  }
  if (i >= text.size()) return text;
  return fmt::format("{}... ({} bytes)", text.substr(0, i), text.size());
}

struct Merge {
  std::int32_t rank;
  std::int32_t result;  // symbol index of the merged pair
};

std::uint64_t pair_key(std::int32_t a, std::int32_t b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) |
         static_cast<std::uint32_t>(b);
}

}  // namespace

struct Tokenizer::Impl {
  // BPE works on symbol indices: every token string the vocabulary or the merges mention gets one.
  std::unordered_map<std::string, std::int32_t> symbol_index;
  std::vector<std::string> symbol_text;
  std::vector<std::int64_t>
      symbol_id;  // vocabulary id of a symbol, -1 when the vocabulary lacks it
  std::array<std::int32_t, 256> byte_symbol{};      // symbol of a lone byte
  std::array<std::int32_t, 256> byte_symbol_end{};  // the same + "</w>"
  std::unordered_map<std::uint64_t, Merge> merges;
  std::vector<std::string> id_token;  // id -> token ("" where no token has that id)
  std::vector<bool> id_present;
  std::unordered_map<char32_t, std::uint8_t> symbol_byte;  // byte symbol -> byte (decode)
  std::int64_t sot = 0, eot = 0;
  std::string source;

  mutable std::shared_mutex cache_mutex;
  mutable std::unordered_map<std::string, std::vector<std::int64_t>> cache;

  std::int32_t intern(const std::string& s) {
    const auto [it, inserted] =
        symbol_index.emplace(s, static_cast<std::int32_t>(symbol_text.size()));
    if (inserted) {
      symbol_text.push_back(s);
      symbol_id.push_back(-1);
    }
    return it->second;
  }

  // The reference's `bpe(token)` on the UTF-8 bytes of one piece, then the vocabulary lookup.
  std::vector<std::int64_t> bpe(std::string_view bytes) const {
    std::vector<std::int32_t> word;
    word.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const auto b = static_cast<std::uint8_t>(bytes[i]);
      word.push_back(i + 1 == bytes.size() ? byte_symbol_end[b] : byte_symbol[b]);
    }
    std::vector<std::int32_t> next;
    while (word.size() > 1) {
      const Merge* best = nullptr;
      std::int32_t first = 0, second = 0;
      for (std::size_t i = 0; i + 1 < word.size(); ++i) {
        const auto it = merges.find(pair_key(word[i], word[i + 1]));
        if (it != merges.end() && (best == nullptr || it->second.rank < best->rank)) {
          best = &it->second;
          first = word[i];
          second = word[i + 1];
        }
      }
      if (best == nullptr) break;
      next.clear();
      for (std::size_t i = 0; i < word.size();) {
        if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
          next.push_back(best->result);
          i += 2;
        } else {
          next.push_back(word[i++]);
        }
      }
      word.swap(next);
    }
    std::vector<std::int64_t> ids;
    ids.reserve(word.size());
    for (std::int32_t s : word) {
      if (symbol_id[s] < 0) {
        throw TokenizerError(
            fmt::format("BPE token \"{}\" is not in the vocabulary {}", symbol_text[s], source));
      }
      ids.push_back(symbol_id[s]);
    }
    return ids;
  }

  void encode_piece(const std::string& bytes, std::vector<std::int64_t>& out) const {
    if (bytes == kStartToken) {
      out.push_back(sot);
      return;
    }
    if (bytes == kEndToken) {
      out.push_back(eot);
      return;
    }
    {
      std::shared_lock lock(cache_mutex);
      const auto it = cache.find(bytes);
      if (it != cache.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
    std::vector<std::int64_t> ids = bpe(bytes);
    out.insert(out.end(), ids.begin(), ids.end());
    std::unique_lock lock(cache_mutex);
    if (cache.size() < kMaxCacheEntries) cache.emplace(bytes, std::move(ids));
  }
};

Tokenizer::Tokenizer(const BpeVocabulary& vocabulary) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.source = vocabulary.source;
  const auto find_special = [&](std::string_view name) {
    const auto it = vocabulary.encoder.find(std::string(name));
    if (it == vocabulary.encoder.end()) {
      throw TokenizerError(fmt::format("vocabulary {} has no {} token", vocabulary.source, name));
    }
    return it->second;
  };
  m.sot = find_special(kStartToken);
  m.eot = find_special(kEndToken);

  std::int64_t max_id = -1;
  for (const auto& [token, id] : vocabulary.encoder) {
    if (id >= kMaxTokenId) {
      throw TokenizerError(
          fmt::format("vocabulary {}: id {} of \"{}\" is implausibly large (limit {})",
                      vocabulary.source, id, token, kMaxTokenId));
    }
    max_id = std::max(max_id, id);
    m.symbol_id[m.intern(token)] = id;
  }
  m.id_token.assign(static_cast<std::size_t>(max_id + 1), std::string());
  m.id_present.assign(static_cast<std::size_t>(max_id + 1), false);
  for (const auto& [token, id] : vocabulary.encoder) {
    m.id_token[id] = token;
    m.id_present[id] = true;
  }

  const ByteSymbols& bs = byte_symbols();
  for (int b = 0; b < 256; ++b) {
    std::string s;
    append_utf8(bs.of_byte[b], s);
    m.byte_symbol[b] = m.intern(s);
    m.byte_symbol_end[b] = m.intern(s + "</w>");
    m.symbol_byte[bs.of_byte[b]] = static_cast<std::uint8_t>(b);
  }
  m.merges.reserve(vocabulary.merges.size());
  for (std::size_t rank = 0; rank < vocabulary.merges.size(); ++rank) {
    const auto& [a, b] = vocabulary.merges[rank];
    const std::int32_t sa = m.intern(a), sb = m.intern(b);
    const std::int32_t result = m.intern(a + b);
    m.merges[pair_key(sa, sb)] = Merge{static_cast<std::int32_t>(rank), result};
  }
}

Tokenizer Tokenizer::from_file(const std::string& path) { return Tokenizer(read_vocabulary(path)); }

Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<std::int64_t> Tokenizer::encode(const std::string& utf8) const {
  std::u32string text;
  if (const auto bad = decode_utf8(utf8, text)) {
    throw TokenizerError(fmt::format("text \"{}\" is not valid UTF-8 (byte {})",
                                     abbreviate(decode_utf8_replacing(utf8)), *bad));
  }
  const std::u32string cleaned = clean_text(text);
  std::vector<std::int64_t> ids;
  std::string bytes;
  for (const std::u32string_view piece : pretokenize(cleaned)) {
    bytes.clear();
    for (char32_t c : piece) append_utf8(c, bytes);
    impl_->encode_piece(bytes, ids);
  }
  return ids;
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids) const {
  std::string bytes;
  std::u32string symbols;
  for (const std::int64_t id : ids) {
    const std::string& token = id_to_token(id);
    bool ok = !decode_utf8(token, symbols).has_value();
    for (std::size_t i = 0; ok && i < symbols.size(); ++i) {
      const auto it = impl_->symbol_byte.find(symbols[i]);
      ok = it != impl_->symbol_byte.end();
      if (ok) bytes.push_back(static_cast<char>(it->second));
    }
    if (!ok) {
      throw TokenizerError(
          fmt::format("token {} (\"{}\") of vocabulary {} is not made of byte symbols", id, token,
                      impl_->source));
    }
  }
  std::string text = decode_utf8_replacing(bytes);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 4, "</w>") == 0) {
      out.push_back(' ');
      i += 4;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::vector<std::int64_t> Tokenizer::token_ids(const std::string& text, std::int64_t context_length,
                                               bool truncate) const {
  if (context_length < 1) {
    throw TokenizerError(fmt::format("context length must be at least 1, got {}", context_length));
  }
  std::vector<std::int64_t> ids;
  ids.push_back(impl_->sot);
  const std::vector<std::int64_t> body = encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.push_back(impl_->eot);
  const auto n = static_cast<std::int64_t>(ids.size());
  if (n > context_length) {
    if (!truncate) {
      throw TokenizerError(
          fmt::format("text \"{}\" is {} tokens long (start and end tokens included), more than "
                      "the context length {}; shorten it or ask for truncation",
                      abbreviate(text), n, context_length));
    }
    ids.resize(static_cast<std::size_t>(context_length));
    ids.back() = impl_->eot;
  }
  return ids;
}

at::Tensor Tokenizer::tokenize(const std::vector<std::string>& texts, std::int64_t context_length,
                               bool truncate) const {
  if (context_length < 1) {
    throw TokenizerError(fmt::format("context length must be at least 1, got {}", context_length));
  }
  at::Tensor out = at::zeros({static_cast<std::int64_t>(texts.size()), context_length}, at::kLong);
  auto acc = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::vector<std::int64_t> ids = token_ids(texts[i], context_length, truncate);
    auto row = acc[static_cast<std::int64_t>(i)];
    for (std::size_t k = 0; k < ids.size(); ++k) row[static_cast<std::int64_t>(k)] = ids[k];
  }
  return out;
}

std::int64_t Tokenizer::sot_token() const { return impl_->sot; }
std::int64_t Tokenizer::eot_token() const { return impl_->eot; }
std::int64_t Tokenizer::vocab_size() const {
  return static_cast<std::int64_t>(impl_->id_token.size());
}
const std::string& Tokenizer::source() const { return impl_->source; }

std::string Tokenizer::describe() const { return "clip-bpe " + impl_->source; }

const std::string& Tokenizer::id_to_token(std::int64_t id) const {
  if (id < 0 || id >= vocab_size() || !impl_->id_present[static_cast<std::size_t>(id)]) {
    throw TokenizerError(fmt::format("token id {} is not in the vocabulary {} (size {})", id,
                                     impl_->source, vocab_size()));
  }
  return impl_->id_token[static_cast<std::size_t>(id)];
}

void Tokenizer::clear_cache() const {
  std::unique_lock lock(impl_->cache_mutex);
  impl_->cache.clear();
}

std::size_t Tokenizer::cache_size() const {
  std::shared_lock lock(impl_->cache_mutex);
  return impl_->cache.size();
}

}  // namespace clipbench
