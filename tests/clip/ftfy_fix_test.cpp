// Tests of clip/ftfy_fix: ftfy 6.3.1's fix_text on the strings of tests/clip/data/ftfy_cases.jsonl
// (scripts/gen_ftfy_cases.py), NFC on known compositions, and the tokenizer's ids for the public
// failure report F3.
#include "clip/ftfy_fix.h"

#include <string>

#include "clip/tokenizer.h"
#include "clip/utf8.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

using clipbench::encode_utf8;
using clipbench::ftfy_fix_text;
using clipbench::nfc_normalize;

namespace {

std::u32string u32(const std::string& utf8) {
  std::u32string out;
  REQUIRE_FALSE(clipbench::decode_utf8(utf8, out).has_value());
  return out;
}

}  // namespace

TEST_CASE("ftfy_fix_text reproduces ftfy.fix_text on widths, ligatures, quotes, controls and NFC",
          "[parity]") {
  const auto rows = clipbench::test::read_jsonl_file(std::string(CLIPBENCH_SOURCE_DIR) +
                                                     "/tests/clip/data/ftfy_cases.jsonl");
  REQUIRE(rows.size() > 4000);
  size_t mismatches = 0, changed = 0;
  std::string first;
  for (const auto& row : rows) {
    const std::string text = row.at("text").get<std::string>();
    const std::string want =
        row.value("fixed_without_unreproduced", row.at("fixed")).get<std::string>();
    const std::string got = encode_utf8(ftfy_fix_text(u32(text)));
    changed += want != text;
    if (got != want && ++mismatches <= 5)
      first += "\n  " + nlohmann::json(text).dump() + "\n    want " + nlohmann::json(want).dump() +
               "\n    got  " + nlohmann::json(got).dump();
  }
  INFO(mismatches << " of " << rows.size() << " rows differ:" << first);
  CHECK(mismatches == 0);
  CHECK(changed > 2000);  // the corpus exercises the fixes, not only identity
}

TEST_CASE("nfc_normalize composes, reorders and handles Hangul as unicodedata.normalize('NFC')",
          "[unit]") {
  CHECK(nfc_normalize(U"e\u0301") == U"\u00e9");
  CHECK(nfc_normalize(U"\u00e9") == U"\u00e9");
  // Marks reorder by combining class (dot below 220 before dot above 230), then compose.
  CHECK(nfc_normalize(U"a\u0307\u0323") == U"\u1ea1\u0307");
  CHECK(nfc_normalize(U"\u1100\u1161\u11a8") == U"\uac01");  // L V T -> one syllable
  CHECK(nfc_normalize(U"\uac00\u11a8") == U"\uac01");        // LV + T
  CHECK(nfc_normalize(U"\u212b") == U"\u00c5");        // ANGSTROM SIGN: a singleton decomposition
  CHECK(nfc_normalize(U"\u0958") == U"\u0915\u093c");  // excluded from composition
  CHECK(nfc_normalize(U"\u0301e") == U"\u0301e");      // a leading mark composes with nothing
  CHECK(nfc_normalize(U"") == U"");
}

TEST_CASE("the tokenizer applies ftfy's fixes (failure report F3)", "[parity]") {
  const auto t = clipbench::Tokenizer::from_file(
      clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz"));
  // ../shared/reference/failure-reports.md F3: the reference's ids.
  CHECK(t.encode("don\u2019t") == std::vector<int64_t>{847, 713});
  CHECK(t.encode("\uff43\uff41\uff54") == std::vector<int64_t>{2368});
  // NFC and ligatures: the same ids as the composed / plain spelling.
  CHECK(t.encode("cafe\u0301") == t.encode("caf\u00e9"));
  CHECK(t.encode("\ufb01sh") == t.encode("fish"));
}
