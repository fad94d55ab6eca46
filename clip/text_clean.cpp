// The reference tokenizers' text cleaning: CLIP's cleaner and open_clip's HFTokenizer clean
// functions.
#include "clip/text_clean.h"

#include "clip/ftfy_fix.h"
#include "clip/html_unescape.h"
#include "clip/registry.h"
#include "clip/unicode_tables.h"

namespace clipbench {
namespace {

constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;

bool is_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
  return unicode::is_space(c);
}

// CPython's handle_capital_sigma: the lowercase of the U+03A3 at text[i].
char32_t lower_sigma(const std::u32string& text, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && unicode::is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !unicode::is_cased(text[j - 1])) return kSmallSigma;
  std::size_t k = i + 1;
  while (k < text.size() && unicode::is_case_ignorable(text[k])) ++k;
  return (k == text.size() || !unicode::is_cased(text[k])) ? kFinalSigma : kSmallSigma;
}

}  // namespace

std::u32string python_strip(const std::u32string& text) {
  std::size_t b = 0, e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

std::u32string basic_clean(const std::u32string& text) {
  return python_strip(html_unescape(html_unescape(ftfy_fix_text(text))));
}

std::u32string whitespace_clean(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  bool in_space = false;
  for (char32_t c : text) {
    if (is_space(c)) {
      if (!in_space) out.push_back(' ');
      in_space = true;
    } else {
      out.push_back(c);
      in_space = false;
    }
  }
  return python_strip(out);
}

std::u32string python_lower(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    } else if (c == kCapitalSigma) {
      out.push_back(lower_sigma(text, i));
    } else {
      unicode::append_lower(c, out);
    }
  }
  return out;
}

std::u32string clean_text(const std::u32string& text) {
  return python_lower(whitespace_clean(basic_clean(text)));
}

std::u32string canonicalize_text(const std::u32string& text) {
  // Python's string.punctuation.
  static const std::u32string kPunctuation = U"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  std::u32string kept;
  kept.reserve(text.size());
  for (char32_t c : text) {
    if (c == U'_') c = U' ';
    if (kPunctuation.find(c) == std::u32string::npos) kept.push_back(c);
  }
  return whitespace_clean(python_lower(kept));
}

namespace {

using CleanFn = std::u32string (*)(const std::u32string&);

const Registry<CleanFn>& clean_functions() {
  static const Registry<CleanFn> registry = [] {
    Registry<CleanFn> r("open_clip clean function");
    r.add("canonicalize",
          [](const std::u32string& x) { return canonicalize_text(basic_clean(x)); });
    r.add("lower",
          [](const std::u32string& x) { return python_lower(whitespace_clean(basic_clean(x))); });
    r.add("whitespace", [](const std::u32string& x) { return whitespace_clean(basic_clean(x)); });
    r.add("whitespace_underscore", [](const std::u32string& x) {
      std::u32string t = basic_clean(x);
      for (char32_t& c : t)
        if (c == U'_') c = U' ';
      return whitespace_clean(t);
    });
    return r;
  }();
  return registry;
}

}  // namespace

std::u32string open_clip_clean(const std::u32string& text, const std::string& mode) {
  return clean_functions().at(mode)(text);
}

const std::vector<std::string>& open_clip_clean_modes() { return clean_functions().names(); }

}  // namespace clipbench
