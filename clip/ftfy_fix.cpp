// ftfy.fix_text's character-level fixes and NFC normalization, from the embedded generated tables.
#include "clip/ftfy_fix.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "clip/embedded_data.h"
#include "clip/errors.h"

namespace clipbench {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
// Hangul syllable algorithm (Unicode 14.0 section 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;
constexpr size_t kMaxSegment = 1000000;  // ftfy TextFixerConfig.max_decode_length

enum Flag : std::uint8_t { kControl = 1, kSingleQuote = 2, kDoubleQuote = 4, kDecimal = 8 };

struct Tables {
  std::vector<std::uint8_t> flags;  // Flag bits per code point
  std::vector<std::uint8_t> ccc;    // canonical combining class per code point
  std::unordered_map<char32_t, std::u32string> ligatures, width, decompositions;
  std::unordered_map<char32_t, char32_t> c1;
  std::unordered_map<std::uint64_t, char32_t> compositions;  // (first << 32 | second) -> composite
};

std::uint64_t pair_key(char32_t a, char32_t b) {
  return (static_cast<std::uint64_t>(a) << 32) | static_cast<std::uint64_t>(b);
}

char32_t code_point(const nlohmann::json& v) {
  const auto c = v.get<std::uint32_t>();
  if (c > kMaxCodePoint) throw Error(fmt::format("ftfy tables: code point {} out of range", c));
  return static_cast<char32_t>(c);
}

// Rows [from, to...] as a map from -> to.
void read_map(const nlohmann::json& rows, std::unordered_map<char32_t, std::u32string>& out) {
  for (const auto& row : rows) {
    std::u32string to;
    for (size_t i = 1; i < row.size(); ++i) to.push_back(code_point(row[i]));
    out.emplace(code_point(row.at(0)), std::move(to));
  }
}

void set_ranges(Tables& t, const nlohmann::json& ranges, std::uint8_t flag) {
  for (const auto& r : ranges)
    for (char32_t c = code_point(r.at(0)); c <= code_point(r.at(1)); ++c) t.flags[c] |= flag;
}

Tables load() {
  Tables t;
  const auto j = nlohmann::json::parse(embedded::kFtfyTablesJson,
                                       embedded::kFtfyTablesJson + embedded::kFtfyTablesJsonSize);
  t.flags.assign(kMaxCodePoint + 1, 0);
  t.ccc.assign(kMaxCodePoint + 1, 0);
  set_ranges(t, j.at("control_ranges"), kControl);
  set_ranges(t, j.at("single_quotes"), kSingleQuote);
  set_ranges(t, j.at("double_quotes"), kDoubleQuote);
  set_ranges(t, j.at("decimal_ranges"), kDecimal);
  for (const auto& r : j.at("ccc"))
    for (char32_t c = code_point(r.at(0)); c <= code_point(r.at(1)); ++c)
      t.ccc[c] = r.at(2).get<std::uint8_t>();
  read_map(j.at("ligatures"), t.ligatures);
  read_map(j.at("width_map"), t.width);
  read_map(j.at("decompositions"), t.decompositions);
  for (const auto& row : j.at("c1_map")) t.c1.emplace(code_point(row.at(0)), code_point(row.at(1)));
  for (const auto& row : j.at("compositions"))
    t.compositions.emplace(pair_key(code_point(row.at(0)), code_point(row.at(1))),
                           code_point(row.at(2)));
  return t;
}

const Tables& tables() {
  static const Tables t = load();
  return t;
}

bool has(char32_t c, std::uint8_t flag) {
  return c <= kMaxCodePoint && (tables().flags[c] & flag) != 0;
}

std::uint8_t ccc(char32_t c) { return c <= kMaxCodePoint ? tables().ccc[c] : 0; }

// `text.translate(map)` for a map of code points to strings.
std::u32string translate(const std::u32string& text,
                         const std::unordered_map<char32_t, std::u32string>& map) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    const auto it = map.find(c);
    if (it == map.end())
      out.push_back(c);
    else
      out += it->second;
  }
  return out;
}

std::u32string fix_c1_controls(const std::u32string& text) {
  std::u32string out = text;
  for (char32_t& c : out)
    if (c >= 0x80 && c <= 0x9F) c = tables().c1.at(c);
  return out;
}

std::u32string uncurl_quotes(const std::u32string& text) {
  std::u32string out = text;
  for (char32_t& c : out) {
    if (has(c, kDoubleQuote)) c = U'"';
    if (has(c, kSingleQuote)) c = U'\'';
  }
  return out;
}

std::u32string fix_line_breaks(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == U'\r' && i + 1 < text.size() && text[i + 1] == U'\n') continue;  // "\r\n" -> "\n"
    out.push_back(c == U'\r' || c == 0x2028 || c == 0x2029 || c == 0x85 ? U'\n' : c);
  }
  return out;
}

// re.sub("\033\\[((?:\\d|;)*)([a-zA-Z])", "", text)
std::u32string remove_terminal_escapes(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == 0x1B && i + 1 < text.size() && text[i + 1] == U'[') {
      size_t j = i + 2;
      while (j < text.size() && (text[j] == U';' || has(text[j], kDecimal))) ++j;
      if (j < text.size() &&
          ((text[j] >= U'a' && text[j] <= U'z') || (text[j] >= U'A' && text[j] <= U'Z'))) {
        i = j + 1;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::u32string remove_control_chars(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text)
    if (!has(c, kControl)) out.push_back(c);
  return out;
}

void decompose(char32_t c, std::u32string& out) {
  if (c >= kSBase && c < kSBase + kSCount) {
    const char32_t s = c - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto& d = tables().decompositions;
  const auto it = d.find(c);
  if (it == d.end()) {
    out.push_back(c);
    return;
  }
  for (char32_t part : it->second) decompose(part, out);
}

// The primary composite of (a, b), or 0.
char32_t compose(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount)
    return a + (b - kTBase);
  const auto& m = tables().compositions;
  const auto it = m.find(pair_key(a, b));
  return it == m.end() ? 0 : it->second;
}

// Applies the fixes of ftfy's fix_and_explain loop to one segment until it stops changing.
std::u32string fix_segment(std::u32string text) {
  const Tables& t = tables();
  while (true) {
    const std::u32string before = text;
    text = fix_c1_controls(text);
    text = translate(text, t.ligatures);
    text = translate(text, t.width);
    text = uncurl_quotes(text);
    text = fix_line_breaks(text);
    text = remove_terminal_escapes(text);
    text = remove_control_chars(text);
    text = nfc_normalize(text);
    if (text == before) return text;
  }
}

}  // namespace

std::u32string nfc_normalize(const std::u32string& text) {
  std::u32string d;
  d.reserve(text.size());
  for (char32_t c : text) decompose(c, d);
  // Canonical ordering: a stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < d.size();) {
    if (ccc(d[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < d.size() && ccc(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i),
                     d.begin() + static_cast<std::ptrdiff_t>(j),
                     [](char32_t a, char32_t b) { return ccc(a) < ccc(b); });
    i = j;
  }
  // Canonical composition (UAX #15): each character joins the last starter when nothing between
  // them blocks it (a character of the same or a higher class, or a starter).
  std::u32string out;
  out.reserve(d.size());
  size_t starter = std::u32string::npos;
  int last_class = -1;
  for (char32_t c : d) {
    const int cls = ccc(c);
    if (starter != std::u32string::npos && (last_class < cls || last_class == 0)) {
      const bool adjacent_or_unblocked = last_class == 0 ? out.size() == starter + 1 : true;
      if (adjacent_or_unblocked) {
        const char32_t composite = compose(out[starter], c);
        if (composite != 0) {
          out[starter] = composite;
          continue;
        }
      }
    }
    if (cls == 0) starter = out.size();
    last_class = cls;
    out.push_back(c);
  }
  return out;
}

std::u32string ftfy_fix_text(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find(U'\n', pos);
    end = end == std::u32string::npos ? text.size() : end + 1;
    end = std::min(end, pos + kMaxSegment);
    out += fix_segment(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace clipbench
