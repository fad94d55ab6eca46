// The reference text cleaner's first step, ftfy.fix_text: its character-level fixes and NFC.
#pragma once

#include <string>

namespace clipbench {

// ftfy 6.3.1 `fix_text(text)` with its default configuration, as openai/CLIP's and open_clip's
// `basic_clean` call it, for the steps below. The text is cut into segments as ftfy does (each
// ends after a "\n", or after 1,000,000 characters), and on each segment these steps run in
// ftfy's order, repeated until the segment no longer changes:
//   fix_c1_controls          U+0080..U+009F read as (sloppy) Windows-1252: U+0092 -> U+2019
//   fix_latin_ligatures      ftfy's table: U+FB01 -> "fi", U+0132 -> "IJ", U+01C4 -> "D\u017d", ...
//   fix_character_width      full- / half-width forms (U+FF01..U+FFEF) to NFKC, U+3000 -> " "
//   uncurl_quotes            U+02BC, U+2018..U+201B -> "'"; U+201C..U+201F -> '"'
//   fix_line_breaks          "\r\n", "\r", U+2028, U+2029, U+0085 -> "\n"
//   remove_terminal_escapes  ESC "[" (decimal digits or ";")* ASCII letter removed
//   remove_control_chars     U+0000..U+0008, U+000B, U+000E..U+001F, U+007F, U+206A..U+206F,
//                            U+FEFF, U+FFF9..U+FFFC removed
//   NFC                      unicodedata.normalize("NFC") of Python 3.11 (Unicode 14.0)
// NOT reproduced (each is named so a difference can be traced):
//   fix_encoding     ftfy's mojibake detection and repair ("sÃ³" -> "só"): heuristics over many
//                    codecs; such text keeps its mojibake here;
//   unescape_html    ftfy's own entity pass (html5 names ending in ";" and all-caps Latin ones
//                    such as "&EACUTE;"); the cleaner's html.unescape twice follows anyway, so
//                    only all-caps entities and triple escaping differ;
//   fix_surrogates   UTF-8 input (clip/utf8.h) holds no surrogate code points.
// Data: clip/data/ftfy_tables.json (scripts/gen_ftfy_tables.py). Thread-safe.
std::u32string ftfy_fix_text(const std::u32string& text);

// Python 3.11's `unicodedata.normalize("NFC", text)` (Unicode 14.0): canonical decomposition
// (Hangul algorithmically), canonical ordering, canonical composition.
std::u32string nfc_normalize(const std::u32string& text);

}  // namespace clipbench
