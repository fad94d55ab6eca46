// SentencePiece tokenizers read from Hugging Face tokenizer files: open_clip's HFTokenizer over the
// T5 and Gemma tokenizers of SigLIP and SigLIP2.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clip/text_tokenizer.h"

namespace clipbench {

// Reproduces open_clip v3 `HFTokenizer(folder, context_length, clean=...)(texts)`, i.e.
// transformers' `tokenizer(clean_fn(texts), max_length=context_length, padding="max_length",
// truncation=True)`, for the tokenizer classes whose ids are a SentencePiece model's ids plus
// special tokens around them: "T5Tokenizer" / "T5TokenizerFast" (SigLIP's c4-en and mc4
// vocabularies) and "GemmaTokenizer" / "GemmaTokenizerFast" (SigLIP2).
//
// The special tokens around a text come from tokenizer.json's post_processor (a
// TemplateProcessing, what transformers' fast tokenizer runs) when the folder has one, else from
// tokenizer_config.json's add_bos_token / add_eos_token, else for T5 from the class (eos after
// the text); both sources present must agree, and a Gemma folder with neither is refused
// (transformers versions differ in its default). The ids in between are the SentencePiece
// model's own encoding (libsentencepiece, the library the model was made with), which is what
// transformers' fast tokenizer converted from it gives (checked against transformers 5.24 on
// tests/clip/data/sentencepiece); a cleaned text that still contains an added or special token's
// string ("</s>") is refused, since transformers would keep it as one id. Truncation keeps the
// first context_length minus the special tokens' count ids, then adds the special tokens;
// rows are right-padded with pad_token's id (open_clip forces padding_side "right").
//
// Files read from the folder: the SentencePiece model (the first of spiece.model,
// tokenizer.model, sentencepiece.model), tokenizer_config.json (tokenizer_class, eos_token,
// pad_token, bos_token, unk_token as a string or {"content": ...}, add_bos_token,
// add_eos_token, added_tokens_decoder), special_tokens_map.json for a token the config does not
// name, and tokenizer.json's added_tokens and post_processor (its vocabulary is not read). A
// token's id is its added-token id, else the model's piece id.
//
// Thread safety: const member functions may be called from several threads at once.
class SentencePieceTokenizer final : public TextTokenizer {
 public:
  // Reads `folder` as above; `clean` is open_clip's clean function (clip/text_clean.h
  // open_clip_clean: "canonicalize" for SigLIP). Throws TokenizerError naming the file and what
  // was expected: no SentencePiece model or tokenizer_config.json, an unreadable model, a
  // tokenizer_class other than the four above, a special token the model does not have, a pad
  // token missing (open_clip pads to context_length), an unknown clean mode; Error when clipbench
  // was built without libsentencepiece.
  static SentencePieceTokenizer from_folder(const std::string& folder, const std::string& clean);

  // Whether this build links libsentencepiece (from_folder throws Error otherwise).
  static bool available();

  // The SentencePiece model file in `folder` (see above), or "" when there is none.
  static std::string find_model_file(const std::string& folder);

  SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept;
  SentencePieceTokenizer& operator=(SentencePieceTokenizer&&) noexcept;
  ~SentencePieceTokenizer() override;

  // clean_fn(text) as UTF-8. Throws TokenizerError for invalid UTF-8 (naming the byte offset).
  std::string clean(const std::string& utf8) const;
  // The SentencePiece ids of clean(text), without special tokens.
  std::vector<std::int64_t> encode(const std::string& utf8) const;
  // The ids with the special tokens, unpadded; cut as described when longer than
  // `context_length` and `truncate`, else TokenizerError naming the text, its count and the limit.
  std::vector<std::int64_t> token_ids(const std::string& text, std::int64_t context_length,
                                      bool truncate) const;

  at::Tensor tokenize(const std::vector<std::string>& texts, std::int64_t context_length,
                      bool truncate) const override;
  // The model's piece count, or one past the largest added token id if larger.
  std::int64_t vocab_size() const override;
  // "sentencepiece T5Tokenizer <model file> (clean canonicalize)".
  std::string describe() const override;

  std::int64_t pad_id() const;
  std::int64_t eos_id() const;  // -1 when the tokenizer has no eos token
  std::int64_t bos_id() const;  // -1 when the tokenizer has no bos token
  const std::string& tokenizer_class() const;

 private:
  struct Impl;
  explicit SentencePieceTokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipbench
