// Unicode and HTML character data for text cleaning, from the embedded generated tables.
#include "clip/unicode_tables.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "clip/embedded_data.h"
#include "clip/errors.h"

namespace clipbench::unicode {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

enum Flag : std::uint8_t {
  kSpace = 1,
  kLetter = 2,
  kNumber = 4,
  kUnmatched = 8,
  kCaseIgnorable = 16,
  kCased = 32,
  kHasLower = 64,
  kHtmlInvalid = 128,
};

struct Tables {
  std::vector<std::uint8_t> flags;  // one byte of Flag bits per code point 0..0x10FFFF
  std::unordered_map<char32_t, std::u32string> lower;
  std::array<std::u32string, 26>
      pattern_variants;  // extra code points matching 'a'..'z' under IGNORECASE
  std::unordered_map<std::string, std::u32string> html5;
  std::unordered_map<std::uint32_t, std::u32string> invalid_charrefs;
  std::string unicode_version;
};

std::u32string to_u32(const nlohmann::json& code_points) {
  std::u32string s;
  for (const auto& c : code_points) s.push_back(static_cast<char32_t>(c.get<std::uint32_t>()));
  return s;
}

void set_ranges(Tables& t, const nlohmann::json& ranges, std::uint8_t flag) {
  for (const auto& r : ranges) {
    const auto lo = r.at(0).get<std::uint32_t>();
    const auto hi = r.at(1).get<std::uint32_t>();
    if (lo > hi || hi > kMaxCodePoint)
      throw Error(fmt::format("unicode tables: bad range [{}, {}]", lo, hi));
    for (std::uint32_t c = lo; c <= hi; ++c) t.flags[c] |= flag;
  }
}

Tables load() {
  Tables t;
  const auto j =
      nlohmann::json::parse(embedded::kUnicodeTablesJson,
                            embedded::kUnicodeTablesJson + embedded::kUnicodeTablesJsonSize);
  t.flags.assign(kMaxCodePoint + 1, 0);
  set_ranges(t, j.at("space_ranges"), kSpace);
  set_ranges(t, j.at("letter_ranges"), kLetter);
  set_ranges(t, j.at("number_ranges"), kNumber);
  set_ranges(t, j.at("case_ignorable_ranges"), kCaseIgnorable);
  set_ranges(t, j.at("cased_ranges"), kCased);
  set_ranges(t, j.at("html_invalid_codepoints"), kHtmlInvalid);
  for (const auto& c : j.at("unmatched")) t.flags.at(c.get<std::uint32_t>()) |= kUnmatched;
  for (const auto& row : j.at("lower_map")) {
    const auto from = row.at(0).get<std::uint32_t>();
    std::u32string to;
    for (std::size_t i = 1; i < row.size(); ++i) to.push_back(row[i].get<std::uint32_t>());
    t.flags.at(from) |= kHasLower;
    t.lower.emplace(from, std::move(to));
  }
  for (const auto& [letter, variants] : j.at("pattern_case_variants").items()) {
    if (letter.size() != 1 || letter[0] < 'a' || letter[0] > 'z') {
      throw Error(fmt::format("unicode tables: bad pattern letter '{}'", letter));
    }
    t.pattern_variants[letter[0] - 'a'] = to_u32(variants);
  }
  for (const auto& [name, value] : j.at("html5_entities").items())
    t.html5.emplace(name, to_u32(value));
  for (const auto& row : j.at("html_invalid_charrefs")) {
    t.invalid_charrefs.emplace(row.at(0).get<std::uint32_t>(), to_u32(row.at(1)));
  }
  t.unicode_version = j.at("unicode_version").get<std::string>();
  return t;
}

const Tables& tables() {
  static const Tables t = load();
  return t;
}

inline bool has(char32_t c, std::uint8_t flag) {
  return c <= kMaxCodePoint && (tables().flags[c] & flag) != 0;
}

}  // namespace

bool is_space(char32_t c) { return has(c, kSpace); }
bool is_letter(char32_t c) { return has(c, kLetter); }
bool is_number(char32_t c) { return has(c, kNumber); }
bool is_unmatched(char32_t c) { return has(c, kUnmatched); }
bool is_case_ignorable(char32_t c) { return has(c, kCaseIgnorable); }
bool is_cased(char32_t c) { return has(c, kCased); }

void append_lower(char32_t c, std::u32string& out) {
  if (!has(c, kHasLower)) {
    out.push_back(c);
    return;
  }
  out += tables().lower.at(c);
}

bool matches_ignoring_case(char ascii_lower, char32_t c) {
  if (c == static_cast<unsigned char>(ascii_lower)) return true;
  if (ascii_lower < 'a' || ascii_lower > 'z') return false;
  for (char32_t v : tables().pattern_variants[ascii_lower - 'a']) {
    if (v == c) return true;
  }
  return false;
}

const std::u32string* html5_entity(const std::string& name) {
  const auto& m = tables().html5;
  const auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}

const std::u32string* html_invalid_charref(std::uint32_t code) {
  const auto& m = tables().invalid_charrefs;
  const auto it = m.find(code);
  return it == m.end() ? nullptr : &it->second;
}

bool is_html_invalid_codepoint(std::uint32_t code) { return has(code, kHtmlInvalid); }

const std::string& unicode_version() { return tables().unicode_version; }

}  // namespace clipbench::unicode
