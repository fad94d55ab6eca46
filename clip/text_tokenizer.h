// The interface every text tokenizer gives the evaluators: texts in, a padded id tensor out.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace clipbench {

// Implemented by CLIP's BPE (clip/tokenizer.h, `clip.tokenize`) and by SentencePiece models read
// through Hugging Face tokenizer files (clip/sentencepiece_tokenizer.h, open_clip's `HFTokenizer`).
class TextTokenizer {
 public:
  virtual ~TextTokenizer() = default;

  // int64 tensor [texts.size(), context_length] on the CPU: each row the text's ids as the
  // reference tokenizer gives them, padded as it pads. A text whose ids do not fit in
  // `context_length` throws TokenizerError naming it, unless `truncate` (then it is cut as the
  // reference cuts). Throws TokenizerError when context_length < 1.
  virtual at::Tensor tokenize(const std::vector<std::string>& texts, std::int64_t context_length,
                              bool truncate) const = 0;

  // One past the largest id the tokenizer can produce (checked against the token embedding rows).
  virtual std::int64_t vocab_size() const = 0;

  // What the tokenizer is and where it was read from, for logs and records
  // ("clip-bpe <file>", "sentencepiece T5Tokenizer <folder> (clean canonicalize)").
  virtual std::string describe() const = 0;
};

}  // namespace clipbench
