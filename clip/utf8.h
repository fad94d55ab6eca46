// UTF-8 <-> code points for the tokenizer (strict decoding; Python's errors="replace").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace clipbench {

// Decodes well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF) into `out`
// (cleared first). Returns the byte offset of the first ill-formed sequence, or nullopt when the
// whole input is well-formed.
std::optional<std::size_t> decode_utf8(std::string_view bytes, std::u32string& out);

// Appends the UTF-8 encoding of `c` (a code point below 0x110000) to `out`.
void append_utf8(char32_t c, std::string& out);
std::string encode_utf8(std::u32string_view text);

// Python's `bytes.decode("utf-8", errors="replace")`: ill-formed sequences become U+FFFD, one per
// maximal subpart (Unicode's recommended practice, which CPython follows). Returns UTF-8.
std::string decode_utf8_replacing(std::string_view bytes);

}  // namespace clipbench
