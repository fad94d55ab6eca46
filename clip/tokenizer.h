// CLIP's byte-level BPE tokenizer, reproducing OpenAI's `SimpleTokenizer` and `clip.tokenize`.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clip/bpe_vocabulary.h"
#include "clip/text_tokenizer.h"

namespace clipbench {

// Encodes text as OpenAI's simple_tokenizer.py does:
//   1. clean: ftfy.fix_text (clip/ftfy_fix.h: curly quotes, full-width forms, ligatures, control
//      characters, NFC; not its mojibake repair), html.unescape twice, strip, collapse Unicode
//      whitespace runs to one space, strip, str.lower() (clip/text_clean.h);
//   2. pre-tokenize with the reference's IGNORECASE pattern (clip/pretokenizer.h);
//   3. UTF-8 encode each piece, map its bytes to byte symbols, mark the last with "</w>", apply the
//   BPE merges
//      (lowest rank first, every non-overlapping occurrence left to right), look the symbols up in
//      the vocabulary.
// "<|startoftext|>" / "<|endoftext|>" written in the text become the special ids, as in the
// reference. Input must be valid UTF-8; anything else throws TokenizerError naming the byte offset.
//
// Thread safety: every const member function may be called from several threads at once on one
// Tokenizer. The per-word BPE cache (the reference's `self.cache`) is guarded by a shared mutex; it
// stops growing at kMaxCacheEntries words (later words are still encoded, just not cached).
class Tokenizer final : public TextTokenizer {
 public:
  static constexpr std::size_t kMaxCacheEntries = 1 << 18;

  // Reads a vocabulary (see read_vocabulary: bpe_simple_vocab_16e6.txt.gz, a Hugging Face
  // vocab.json with merges.txt beside it, or a directory holding either). Throws TokenizerError
  // naming the file when it is missing, corrupt, or lacks <|startoftext|> / <|endoftext|>.
  static Tokenizer from_file(const std::string& path);
  explicit Tokenizer(const BpeVocabulary& vocabulary);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer() override;

  // `SimpleTokenizer.encode(text)`: the BPE ids, without start / end tokens. Throws TokenizerError
  // for invalid UTF-8, or for a BPE token missing from the vocabulary (possible with a Hugging Face
  // vocab.json only).
  std::vector<std::int64_t> encode(const std::string& utf8) const;

  // `SimpleTokenizer.decode(ids)`: concatenates the tokens, maps byte symbols back to bytes,
  // decodes UTF-8 with errors="replace" and turns every "</w>" into a space (special tokens are
  // kept as text). Throws TokenizerError for an id outside the vocabulary.
  std::string decode(const std::vector<std::int64_t>& ids) const;

  // [sot, encode(text)..., eot], unpadded. When that is longer than `context_length`: with
  // `truncate`, the first `context_length` ids with the last replaced by eot; without, throws
  // TokenizerError naming the text (abbreviated when long), its token count and the limit. Throws
  // TokenizerError when context_length < 1.
  std::vector<std::int64_t> token_ids(const std::string& text, std::int64_t context_length = 77,
                                      bool truncate = false) const;

  // `clip.tokenize(texts, context_length, truncate)`: int64 tensor [texts.size(), context_length]
  // on the CPU, row i = token_ids(texts[i], ...) padded with 0. Same errors as token_ids.
  at::Tensor tokenize(const std::vector<std::string>& texts, std::int64_t context_length = 77,
                      bool truncate = false) const override;

  std::int64_t sot_token() const;  // id of <|startoftext|> (49406 for CLIP)
  std::int64_t eot_token() const;  // id of <|endoftext|> (49407 for CLIP)
  // One past the largest id (49408 for CLIP).
  std::int64_t vocab_size() const override;
  // "clip-bpe <source()>".
  std::string describe() const override;
  // The token string of an id (UTF-8 of byte symbols, e.g. "a</w>"), as in vocab.json. Throws
  // TokenizerError for an id outside the vocabulary.
  const std::string& id_to_token(std::int64_t id) const;
  // The file(s) the vocabulary came from.
  const std::string& source() const;

  // Empties the BPE cache (for benchmarks of cold encoding).
  void clear_cache() const;
  std::size_t cache_size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipbench
