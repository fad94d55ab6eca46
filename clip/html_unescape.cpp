// Python's `html.unescape` on code points: HTML5 named and numeric character references.
#include "clip/html_unescape.h"

#include <cstdint>
#include <string_view>

#include "clip/unicode_tables.h"
#include "clip/utf8.h"

namespace clipbench {
namespace {

constexpr std::size_t kMaxNameLength = 32;
constexpr std::uint64_t kBeyondUnicode = 0x110000;

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char32_t c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char32_t c) {
  if (is_digit(c)) return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  return static_cast<int>(c - 'A' + 10);
}
// Characters of the named-reference alternative: [^\t\n\f <&#;].
bool is_name_char(char32_t c) {
  return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' &&
         c != ';';
}

// Python's `_replace_charref` for a numeric reference (the value saturates: anything above 0x10FFFF
// is alike).
void append_numeric(std::uint64_t num, std::u32string& out) {
  if (num < kBeyondUnicode) {
    if (const auto* r = unicode::html_invalid_charref(static_cast<std::uint32_t>(num))) {
      out += *r;
      return;
    }
  }
  if ((num >= 0xD800 && num <= 0xDFFF) || num >= kBeyondUnicode) {
    out.push_back(0xFFFD);
    return;
  }
  if (unicode::is_html_invalid_codepoint(static_cast<std::uint32_t>(num))) return;
  out.push_back(static_cast<char32_t>(num));
}

// Tries a numeric reference at text[i] == '#'; on a match appends its replacement and returns the
// index after it.
bool numeric_reference(const std::u32string& text, std::size_t i, std::u32string& out,
                       std::size_t& end) {
  std::size_t j = i + 1;
  const bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
  // Python tries the decimal alternative first: "#" followed by a digit.
  if (j < text.size() && is_digit(text[j])) {
  } else if (hex && j + 1 < text.size() && is_hex_digit(text[j + 1])) {
    ++j;
  } else {
    return false;
  }
  const bool decimal = !hex;
  std::uint64_t num = 0;
  while (j < text.size() && (decimal ? is_digit(text[j]) : is_hex_digit(text[j]))) {
    num = num * (decimal ? 10 : 16) + static_cast<std::uint64_t>(hex_value(text[j]));
    if (num >= kBeyondUnicode) num = kBeyondUnicode;
    ++j;
  }
  if (j < text.size() && text[j] == ';') ++j;
  append_numeric(num, out);
  end = j;
  return true;
}

// Tries a named reference starting at text[i] (just after '&').
bool named_reference(const std::u32string& text, std::size_t i, std::u32string& out,
                     std::size_t& end) {
  std::size_t j = i;
  while (j < text.size() && j - i < kMaxNameLength && is_name_char(text[j])) ++j;
  if (j == i) return false;
  if (j < text.size() && text[j] == ';') ++j;
  const std::u32string_view name(text.data() + i, j - i);
  end = j;
  if (const auto* r = unicode::html5_entity(encode_utf8(name))) {
    out += *r;
    return true;
  }
  for (std::size_t x = name.size() - 1; x > 1; --x) {
    if (const auto* r = unicode::html5_entity(encode_utf8(name.substr(0, x)))) {
      out += *r;
      out.append(name.substr(x));
      return true;
    }
  }
  out.push_back('&');
  out.append(name);
  return true;
}

}  // namespace

std::u32string html_unescape(const std::u32string& text) {
  if (text.find(U'&') == std::u32string::npos) return text;
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&' || i + 1 >= text.size()) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = 0;
    const bool matched = text[i + 1] == '#' ? numeric_reference(text, i + 1, out, end)
                                            : named_reference(text, i + 1, out, end);
    if (matched) {
      i = end;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace clipbench
