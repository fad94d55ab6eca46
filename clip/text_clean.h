// The reference tokenizers' text cleaning: CLIP's whitespace_clean(basic_clean(text)).lower() and
// open_clip's HFTokenizer clean functions (SigLIP's canonicalize_text).
#pragma once

#include <string>
#include <vector>

namespace clipbench {

// Names what the cleaner below does; caches of text embeddings record it and are not reused
// across a change ("2": ftfy_fix_text added to basic_clean).
inline constexpr const char* kTextCleanerVersion = "clipbench-text-clean-2 (ftfy 6.3.1 fixes)";

// `basic_clean` of OpenAI's simple_tokenizer.py (and open_clip's): `ftfy.fix_text(text)` as
// ftfy_fix_text reproduces it (curly quotes, full-width forms, ligatures, control characters, NFC;
// not ftfy's mojibake repair, see clip/ftfy_fix.h), then `html.unescape(html.unescape(text))`,
// then `str.strip()`.
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

// open_clip's `canonicalize_text` (from big_vision, SigLIP's prompt cleaning), without
// keep_punctuation_exact_string: "_" becomes " ", every ASCII punctuation character of Python's
// `string.punctuation` is removed, then python_lower, then `" ".join(text.split()).strip()`.
std::u32string canonicalize_text(const std::u32string& text);

// open_clip's HFTokenizer `clean` function called `mode` (open_clip v3 tokenizer.py
// get_clean_fn), each starting from basic_clean (with ftfy_fix_text, as above):
//   "canonicalize"          canonicalize_text(basic_clean(x))
//   "lower"                 python_lower(whitespace_clean(basic_clean(x)))
//   "whitespace"            whitespace_clean(basic_clean(x))            (open_clip's default)
//   "whitespace_underscore" whitespace_clean(basic_clean(x) with "_" -> " ")
// Throws RegistryError naming near matches for another mode.
std::u32string open_clip_clean(const std::u32string& text, const std::string& mode);
const std::vector<std::string>& open_clip_clean_modes();

}  // namespace clipbench
