#!/usr/bin/env python3
"""Dev-time: writes tests/clip/data/ftfy_cases.jsonl, ftfy.fix_text's output on strings that exercise each step
clipbench reproduces (clip/ftfy_fix.h): full- and half-width forms, ligatures, curly quotes, C1 and other control
characters, terminal escapes, line breaks, and NFC (every canonically decomposable character in its NFD form,
seeded random sequences of combining marks, Hangul jamo).

Needs a Python with ftfy 6.3.1 (bench/requirements-references.txt); not needed to build or test.
Each row is {"text", "fixed"}; where ftfy's steps that clipbench does not reproduce (fix_encoding, unescape_html)
change the result, the row also holds "fixed_without_unreproduced": ftfy's output with those two steps off.

    python3 scripts/gen_ftfy_cases.py
"""
import json
import os
import random
import sys
import unicodedata

import ftfy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cases(rng):
    out = [
        "don\u2019t", "\uff43\uff41\uff54", "\ufb01sh and \ufb02ower, \ufb03ce", "\u201cquoted\u201d \u2018single\u2019",
        "caf\u0065\u0301", "\x1b[31mred\x1b[0m apple", "\x1b[1;32;40mbold\x1b[m", "\x1b[xnot an escape", "\x1b[12",
        "it\x92s", "line\r\nbreak\rmac\u2028sep\u2029para\x85next", "a\x00b\x07c\x0bd\x7fe\ufeff\ufff9\ufffc",
        "\u206a\u206fx", "\u3000ideographic space", "\uff8a\uff9f\uff8a\uff9e", "\u01c4\u01c5\u01c6 \u0132\u0133 \u0149",
        "\u1100\u1161\u11a8 \u1100\u1161 \uac00\u11a8", "a\u0323\u0307 a\u0307\u0323 q\u0307\u0323",
        "\u0344 \u0958 \u2126 \u212b", "e\u0301\u0301 \u00e9\u0301", "multi\nline\ntext \u2019s", "",
        "\uff21\uff22\uff23\uff11\uff12\uff13\uff01", "\u02bcokina \u201bhigh\u201f",
    ]
    for cp in range(0xFF01, 0xFFF0):
        out.append("x" + chr(cp) + "y")
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)) + [0x206A, 0x206F, 0xFEFF, 0xFFF9, 0xFFFC]:
        out.append("a" + chr(cp) + "b")
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        d = unicodedata.decomposition(c)
        if d and not d.startswith("<"):
            out.append(unicodedata.normalize("NFD", c))
    marks = [chr(cp) for cp in range(0x300, 0x370)] + ["\u0323", "\u0328", "\u05b0", "\u0e38", "\u3099", "\u309a"]
    bases = list("aeiouAEIOUcnsyz") + ["\u03b1", "\u0438", "\u304b", "\u30cf", "\u05d0"]
    for _ in range(1500):
        s = "".join(rng.choice(bases) + "".join(rng.choice(marks) for _ in range(rng.randint(0, 4)))
                    for _ in range(rng.randint(1, 4)))
        out.append(s)
    for _ in range(300):
        L = chr(0x1100 + rng.randrange(19))
        V = chr(0x1161 + rng.randrange(21))
        T = chr(0x11A8 + rng.randrange(27)) if rng.random() < 0.6 else ""
        out.append(L + V + T + rng.choice(["", "\u11a8", "\u1161", "a"]))
    return out


def main():
    path = os.path.join(ROOT, "tests/clip/data/ftfy_cases.jsonl")
    marked = 0
    with open(path, "w", encoding="utf-8") as f:
        for text in cases(random.Random(20211215)):
            row = {"text": text, "fixed": ftfy.fix_text(text)}
            without = ftfy.fix_text(text, fix_encoding=False, unescape_html=False)
            if without != row["fixed"]:
                row["fixed_without_unreproduced"] = without
                marked += 1
            f.write(json.dumps(row) + "\n")
    print(f"wrote {path} (ftfy {ftfy.__version__}; {marked} rows differ by fix_encoding / unescape_html)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
