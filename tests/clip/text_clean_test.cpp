// Tests for the text cleaning, HTML unescaping, pre-tokenizer and UTF-8 pieces, against Python.
// Expected values are what Python 3.11 gives (html.unescape, str.lower, re.sub, the `regex`
// pattern).
#include "clip/text_clean.h"

#include <string>
#include <vector>

#include "clip/html_unescape.h"
#include "clip/pretokenizer.h"
#include "clip/unicode_tables.h"
#include "clip/utf8.h"
#include "tests/support/catch.h"

namespace {

std::u32string u32(const std::string& utf8) {
  std::u32string out;
  REQUIRE_FALSE(clipbench::decode_utf8(utf8, out).has_value());
  return out;
}

std::string unescape(const std::string& utf8) {
  return clipbench::encode_utf8(clipbench::html_unescape(u32(utf8)));
}

std::vector<std::string> pieces(const std::string& cleaned) {
  std::vector<std::string> out;
  const std::u32string text = u32(cleaned);
  for (auto p : clipbench::pretokenize(text)) out.push_back(clipbench::encode_utf8(p));
  return out;
}

}  // namespace

TEST_CASE("html_unescape reproduces Python's html.unescape", "[unit]") {
  CHECK(unescape("&amp;amp;") == "&amp;");
  CHECK(unescape("&ampxyz;") == "&xyz;");
  CHECK(unescape("&notit;") == "\u00acit;");
  CHECK(unescape("&notin;") == "\u2209");
  CHECK(unescape("&noti") == "\u00aci");
  CHECK(unescape("&#39;&#x27;&#X27") == "'''");
  CHECK(unescape("&#;&#x;&") == "&#;&#x;&");
  CHECK(unescape("&#0;&#13;&#128;&#x9F;") == "\ufffd\r\u20ac\u0178");
  CHECK(unescape("&#1;x&#xD800;&#x110000;&#99999999999999999999999;") == "x\ufffd\ufffd\ufffd");
  CHECK(unescape("&#xFFFE;&#x1F600;") == "\U0001F600");
  CHECK(unescape("&abcdefghijklmnopqrstuvwxyzabcdefghijklmnop;") ==
        "&abcdefghijklmnopqrstuvwxyzabcdefghijklmnop;");
  CHECK(unescape("&frac12x") == "\u00bdx");
  CHECK(unescape("&NewLine;&Tab;") == "\n\t");
  CHECK(unescape("&lt&gt") == "<>");
  CHECK(unescape("&AMP;&AMP") == "&&");
  CHECK(unescape("&unknown; & &a") == "&unknown; & &a");
  CHECK(unescape("no entities") == "no entities");
}

TEST_CASE("python_lower applies full mappings and the final-sigma rule", "[unit]") {
  using clipbench::encode_utf8;
  using clipbench::python_lower;
  CHECK(encode_utf8(python_lower(u32("ΟΔΥΣΣΕΥΣ"))) == "οδυσσευς");
  CHECK(encode_utf8(python_lower(u32("ΑΣ'Β"))) == "ασ'β");
  CHECK(encode_utf8(python_lower(u32("Σ"))) == "σ");
  CHECK(encode_utf8(python_lower(u32("ΑΣ\u0301"))) == "ας\u0301");
  CHECK(encode_utf8(python_lower(u32("ΑΣ\u0301Β"))) == "ασ\u0301β");
  CHECK(encode_utf8(python_lower(u32("\u0130STANBUL"))) == "i\u0307stanbul");
  CHECK(encode_utf8(python_lower(u32("\u1e9e \u01c5 \u212a"))) == "\u00df \u01c6 k");
}

TEST_CASE("whitespace_clean collapses Python's Unicode whitespace, basic_clean unescapes twice",
          "[unit]") {
  using clipbench::encode_utf8;
  CHECK(encode_utf8(clipbench::whitespace_clean(u32(" a\x1c"
                                                    "b\u3000\u00a0c\u200bd\u0085e "))) ==
        "a b c\u200bd e");
  CHECK(encode_utf8(clipbench::basic_clean(u32("  &amp;lt;b&amp;gt; "))) == "<b>");
  CHECK(encode_utf8(clipbench::clean_text(u32("\tA  Photo&nbsp;OF\n"))) == "a photo of");
}

TEST_CASE("pretokenize follows the IGNORECASE regex pattern on code points", "[unit]") {
  using V = std::vector<std::string>;
  CHECK(pieces("it's a dog's life, isn't it? we'll") ==
        V{"it", "'s", "a", "dog", "'s", "life", ",", "isn", "'t", "it", "?", "we", "'ll"});
  CHECK(pieces("3.14 2021") == V{"3", ".", "1", "4", "2", "0", "2", "1"});
  CHECK(pieces("x'\u017f <|\u017ftartoftext|> <|startoftext|>!!") ==
        V{"x", "'\u017f", "<|\u017ftartoftext|>", "<|startoftext|>", "!!"});
  CHECK(pieces("a\u0345b \u0345") == V{"a", "b"});
  CHECK(pieces("caf\u00e9 e\u0301 \u6771\u4eac \U0001F600\U0001F44D") ==
        V{"caf\u00e9", "e", "\u0301", "\u6771\u4eac", "\U0001F600\U0001F44D"});
  CHECK(pieces("\u2160\u00bd\u0663x") == V{"\u2160", "\u00bd", "\u0663", "x"});
}

TEST_CASE("unicode tables come from Unicode 14 data", "[unit]") {
  CHECK(clipbench::unicode::unicode_version() == "14.0.0");
  CHECK(clipbench::unicode::is_letter(U'\u00e9'));
  CHECK_FALSE(clipbench::unicode::is_letter(U'\u0301'));
  CHECK(clipbench::unicode::is_number(U'\u2160'));
  CHECK(clipbench::unicode::is_space(U'\x1f'));
  CHECK_FALSE(clipbench::unicode::is_space(U'\u200b'));
  CHECK(clipbench::unicode::matches_ignoring_case('s', U'\u017f'));
  CHECK_FALSE(clipbench::unicode::matches_ignoring_case('t', U'\u017f'));
}

TEST_CASE("UTF-8 decoding is strict; replacement decoding follows Python", "[unit]") {
  std::u32string out;
  CHECK(clipbench::decode_utf8("ok \xc3\xa9", out) == std::nullopt);
  CHECK(out == U"ok \u00e9");
  CHECK(clipbench::decode_utf8("ab\xc0\x80", out) == std::optional<std::size_t>(2));
  CHECK(clipbench::decode_utf8("\xed\xa0\x80", out) == std::optional<std::size_t>(0));
  CHECK(clipbench::decode_utf8("\xe2\x82", out) == std::optional<std::size_t>(0));
  // b"\xe2\x82a\xed\xa0\x80\xf4\x90\x80\x80z".decode("utf-8", "replace")
  CHECK(clipbench::decode_utf8_replacing("\xe2\x82"
                                         "a\xed\xa0\x80\xf4\x90\x80\x80z") ==
        "\ufffd"
        "a\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdz");
}
