// The reference tokenizer's IGNORECASE pre-tokenizer pattern, matched by hand on code points.
#include "clip/pretokenizer.h"

#include <array>

#include "clip/unicode_tables.h"

namespace clipbench {
namespace {

enum class Class { kSpace, kLetter, kNumber, kOther, kUnmatched };

Class classify(char32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Class::kLetter;
    if (c >= '0' && c <= '9') return Class::kNumber;
    if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F)) return Class::kSpace;
    return Class::kOther;
  }
  if (unicode::is_letter(c)) return Class::kLetter;
  if (unicode::is_number(c)) return Class::kNumber;
  if (unicode::is_space(c)) return Class::kSpace;
  if (unicode::is_unmatched(c)) return Class::kUnmatched;
  return Class::kOther;
}

// Length of `literal` (ASCII) when it matches text at i under IGNORECASE, else 0.
std::size_t match_literal(const std::u32string& text, std::size_t i, std::string_view literal) {
  if (text.size() - i < literal.size()) return 0;
  for (std::size_t k = 0; k < literal.size(); ++k) {
    const char p = literal[k];
    const char32_t c = text[i + k];
    const bool ok = (p >= 'a' && p <= 'z') ? unicode::matches_ignoring_case(p, c)
                                           : c == static_cast<unsigned char>(p);
    if (!ok) return 0;
  }
  return literal.size();
}

constexpr std::array<std::string_view, 2> kSpecialTokens = {"<|startoftext|>", "<|endoftext|>"};
constexpr std::array<std::string_view, 7> kContractions = {"'s", "'t",  "'re", "'ve",
                                                           "'m", "'ll", "'d"};

}  // namespace

std::vector<std::u32string_view> pretokenize(const std::u32string& text) {
  std::vector<std::u32string_view> pieces;
  const std::u32string_view view(text);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = 0;
    if (text[i] == '<') {
      for (auto lit : kSpecialTokens) {
        if ((n = match_literal(text, i, lit)) != 0) break;
      }
    } else if (text[i] == '\'') {
      for (auto lit : kContractions) {
        if ((n = match_literal(text, i, lit)) != 0) break;
      }
    }
    if (n == 0) {
      const Class cls = classify(text[i]);
      if (cls == Class::kNumber) {
        n = 1;
      } else if (cls == Class::kLetter || cls == Class::kOther) {
        n = 1;
        while (i + n < text.size() && classify(text[i + n]) == cls) ++n;
      }
    }
    if (n == 0) {
      ++i;
      continue;
    }
    pieces.push_back(view.substr(i, n));
    i += n;
  }
  return pieces;
}

}  // namespace clipbench
