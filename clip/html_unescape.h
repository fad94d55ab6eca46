// Python's `html.unescape` on code points: HTML5 named and numeric character references.
#pragma once

#include <string>

namespace clipbench {

// Reproduces CPython 3.11's `html.unescape(s)`: every match of
//   &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)
// (scanned left to right, without overlap) is replaced:
//  * numeric: a number listed in `html._invalid_charrefs` (0x80 -> U+20AC, 0 -> U+FFFD, ...) gives
//  that
//    replacement; a surrogate or a number above 0x10FFFF gives U+FFFD; one in
//    `html._invalid_codepoints` (C0/C1 controls, noncharacters) gives nothing; otherwise the code
//    point itself;
//  * named: the HTML5 entity of that exact name (`html.entities.html5`, ';' included when matched),
//  else the longest
//    entity name (at least 2 characters, so a legacy name valid without ';') that prefixes it
//    followed by the rest, else the text unchanged.
std::u32string html_unescape(const std::u32string& text);

}  // namespace clipbench
