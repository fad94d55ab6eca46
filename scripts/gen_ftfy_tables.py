#!/usr/bin/python3
"""Generates clip/data/ftfy_tables.json: the data of the ftfy.fix_text steps clipbench reproduces (clip/ftfy_fix.h).

Run at development time with Debian's /usr/bin/python3 (its `unicodedata` is the source of truth, as for
scripts/gen_unicode_tables.py); the build embeds the output, so building clipbench needs neither Python nor ftfy:

    scripts/gen_ftfy_tables.py > clip/data/ftfy_tables.json

The rules are ftfy 6.3.1's (ftfy/chardata.py and ftfy/fixes.py), transcribed, each table computed from them:
  * ligatures: fix_latin_ligatures, chardata.LIGATURES (an explicit table: U+FB05 becomes "\u017ft", not NFKC's),
  * width_map: fix_character_width, U+3000 -> " " and NFKC of U+FF01..U+FFEF where it differs (chardata.WIDTH_MAP),
  * single_quotes / double_quotes: uncurl_quotes, [U+02BC U+2018-U+201B] -> "'" and [U+201C-U+201F] -> '"',
  * control_ranges: remove_control_chars (chardata.CONTROL_CHARS),
  * decimal_ranges: general category Nd, the \\d of remove_terminal_escapes' ANSI_RE (ESC [ (\\d or ;)* [a-zA-Z]),
  * c1_map: fix_c1_controls, U+0080..U+009F decoded as ftfy's sloppy-windows-1252 (Windows-1252, with the five
    bytes it leaves undefined kept as Latin-1),
  * ccc / decompositions / compositions: unicodedata.normalize("NFC"): canonical combining classes, one-level
    canonical decompositions, and the primary composites (two-character canonical decompositions of characters
    that NFC leaves unchanged, i.e. not excluded from composition). Hangul syllables are algorithmic, not listed.
Ranges are [first, last] code point pairs, inclusive, sorted; ccc rows are [first, last, class].
"""
import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_unicode_tables import chars, ranges  # noqa: E402  (the same code point walk and range folding)

LIGATURES = {  # ftfy 6.3.1 chardata.LIGATURES
    "\u0132": "IJ", "\u0133": "ij", "\u0149": "\u02bcn", "\u01f1": "DZ", "\u01f2": "Dz", "\u01f3": "dz",
    "\u01c4": "D\u017d", "\u01c5": "D\u017e", "\u01c6": "d\u017e", "\u01c7": "LJ", "\u01c8": "Lj", "\u01c9": "lj",
    "\u01ca": "NJ", "\u01cb": "Nj", "\u01cc": "nj", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
    "\ufb04": "ffl", "\ufb05": "\u017ft", "\ufb06": "st",
}
CONTROL = list(range(0x00, 0x09)) + [0x0B] + list(range(0x0E, 0x20)) + [0x7F] + list(range(0x206A, 0x2070)) + \
    [0xFEFF] + list(range(0xFFF9, 0xFFFD))


def main():
    ligatures = [[ord(c)] + [ord(x) for x in v] for c, v in sorted(LIGATURES.items())]
    width = [[0x3000, 0x20]]
    for cp in range(0xFF01, 0xFFF0):
        alt = unicodedata.normalize("NFKC", chr(cp))
        if alt != chr(cp):
            width.append([cp] + [ord(x) for x in alt])
    c1 = []
    for b in range(0x80, 0xA0):
        try:
            ch = bytes([b]).decode("windows-1252")
        except UnicodeDecodeError:
            ch = chr(b)
        c1.append([b, ord(ch)])
    ccc_rows, decomp, comp, decimal = [], [], [], []
    for cp, c in chars():
        if unicodedata.category(c) == "Nd":
            decimal.append(cp)
        k = unicodedata.combining(c)
        if k:
            if ccc_rows and ccc_rows[-1][1] == cp - 1 and ccc_rows[-1][2] == k:
                ccc_rows[-1][1] = cp
            else:
                ccc_rows.append([cp, cp, k])
        if 0xAC00 <= cp <= 0xD7A3:
            continue  # Hangul syllables: algorithmic
        d = unicodedata.decomposition(c)
        if not d or d.startswith("<"):
            continue
        parts = [int(x, 16) for x in d.split()]
        decomp.append([cp] + parts)
        if len(parts) == 2 and unicodedata.normalize("NFC", c) == c:
            comp.append([parts[0], parts[1], cp])
    data = {
        "generator": "scripts/gen_ftfy_tables.py",
        "ftfy_rules": "6.3.1",
        "python": sys.version.split()[0],
        "unicode_version": unicodedata.unidata_version,
        "ligatures": ligatures,
        "width_map": width,
        "single_quotes": ranges([0x02BC] + list(range(0x2018, 0x201C))),
        "double_quotes": ranges(range(0x201C, 0x2020)),
        "control_ranges": ranges(CONTROL),
        "decimal_ranges": ranges(decimal),
        "c1_map": c1,
        "ccc": ccc_rows,
        "decompositions": decomp,
        "compositions": comp,
    }
    json.dump(data, sys.stdout, separators=(",", ":"), ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
