// The reference tokenizer's IGNORECASE pre-tokenizer pattern, matched by hand on code points.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clipbench {

// `regex.findall(pattern, text)` for OpenAI's simple_tokenizer.py pattern, compiled with
// regex.IGNORECASE:
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// At each position the alternatives are tried in that order (the literals match letters
// case-insensitively, e.g. "'\u017f" is an "'s"); a position no alternative matches (a space, or
// U+0345, which IGNORECASE keeps out of both classes) is skipped. \p{L} / \p{N} are the general
// categories L* / N* of Unicode 14.0 (clip/unicode_tables.h). `text` must already be cleaned
// (clip/text_clean.h): `\s` is taken as str.isspace, which the cleaner has reduced to U+0020.
// Returns views into `text`.
std::vector<std::u32string_view> pretokenize(const std::u32string& text);

}  // namespace clipbench
