// The reference tokenizer's text cleaning: whitespace_clean(basic_clean(text)).lower().
#pragma once

#include <string>

namespace clipbench {

// `basic_clean` of OpenAI's simple_tokenizer.py without its first step:
// `html.unescape(html.unescape(text))` then `str.strip()`. The reference first applies
// `ftfy.fix_text` (mojibake repair, NFC normalization, curly quotes to straight ones, ligatures and
// full-width forms to ASCII, ...); that step is NOT reproduced, so texts that ftfy would change can
// tokenize differently here (the shared goldens were made with ftfy as the identity).
std::u32string basic_clean(const std::u32string& text);

// `re.sub(r'\s+', ' ', text).strip()`, with Python's Unicode `\s` (str.isspace: includes
// U+001C..U+001F, U+0085, U+00A0, U+3000, ...).
std::u32string whitespace_clean(const std::u32string& text);

// Python's `str.lower()`: the full lowercase mapping (U+0130 -> "i\u0307") and the final-sigma rule
// (U+03A3 becomes U+03C2 after a cased letter, skipping case-ignorable characters, when no cased
// letter follows).
std::u32string python_lower(const std::u32string& text);

// Python's `str.strip()` without arguments (strips str.isspace characters at both ends).
std::u32string python_strip(const std::u32string& text);

// The whole cleaner: python_lower(whitespace_clean(basic_clean(text))).
std::u32string clean_text(const std::u32string& text);

}  // namespace clipbench
