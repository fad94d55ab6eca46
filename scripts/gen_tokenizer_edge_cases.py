#!/usr/bin/env python3
"""Dev-time: checks clip/data/unicode_tables.json against the `regex` module and writes tokenizer edge cases.

Needs a Python with the `regex` and `ftfy` (6.3.1) packages (the reference tokenizer's dependencies; not needed to
build or test). It
  1. re-implements the reference SimpleTokenizer's encode path (ftfy.fix_text, html.unescape twice, strip, `re`
     whitespace collapse, str.lower, the IGNORECASE `regex` pre-tokenizer, byte-level BPE) and checks it, with
     ftfy.fix_text as the identity (as the shared goldens were made), against ../shared/fixtures/tokenizer/golden.jsonl,
  2. checks, for every code point, that the pre-tokenizer classes in unicode_tables.json agree with the `regex`
     module (reporting the code points its newer Unicode data knows but Python's unicodedata does not),
  3. writes tests/clip/data/tokenizer_edge_cases.jsonl: {"text", "ids"} for hand-picked and seeded random strings
     that exercise what the shared goldens barely touch (entities, final sigma, U+0130, U+017F, U+0345, ...), the
     ids computed with ftfy.fix_text. Where ftfy's steps that clipbench does not reproduce (fix_encoding,
     unescape_html: clip/ftfy_fix.h) change the text, the row also holds "ids_without_unreproduced_ftfy": the ids
     with those two steps off, which is what clipbench gives.

    python3 scripts/gen_tokenizer_edge_cases.py [--shared ../shared]
"""
import argparse
import gzip
import html
import json
import os
import random
import re
import sys
import unicodedata

import ftfy
import regex

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATTERN = (r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+")


def byte_symbols():
    """byte -> symbol, in vocabulary order: printable bytes stand for themselves and come first, then the rest
    (in byte order) as U+0100, U+0101, ..."""
    printable = [b for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF]
    table = {b: chr(b) for b in printable}
    for extra, b in enumerate(b for b in range(256) if b not in table):
        table[b] = chr(256 + extra)
    return table


class Reference:
    def __init__(self, gz_path, fix_text=ftfy.fix_text):
        self.fix_text = fix_text
        lines = gzip.open(gz_path).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
        merges = [tuple(line.split()) for line in lines]
        self.bytes = byte_symbols()
        base = list(self.bytes.values())
        tokens = base + [t + "</w>" for t in base] + ["".join(m) for m in merges]
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.rank = {m: i for i, m in enumerate(merges)}
        self.pat = regex.compile(PATTERN, regex.IGNORECASE)

    def bpe(self, token):
        if token in ("<|startoftext|>", "<|endoftext|>"):
            return [token]
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(word[k], word[k + 1]) for k in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.rank.get(p, float("inf")))
            if best not in self.rank:
                break
            merged, k = [], 0
            while k < len(word):
                if k + 1 < len(word) and (word[k], word[k + 1]) == best:
                    merged.append(word[k] + word[k + 1])
                    k += 2
                else:
                    merged.append(word[k])
                    k += 1
            word = merged
        return word

    def clean(self, text):
        text = html.unescape(html.unescape(self.fix_text(text))).strip()
        return re.sub(r"\s+", " ", text).strip().lower()

    def encode(self, text):
        out = [self.ids["<|startoftext|>"]]
        for piece in self.pat.findall(self.clean(text)):
            sym = "".join(self.bytes[b] for b in piece.encode("utf-8"))
            out.extend(self.ids[t] for t in self.bpe(sym))
        return out + [self.ids["<|endoftext|>"]]


def check_tables():
    tables = json.load(open(os.path.join(ROOT, "clip/data/unicode_tables.json")))

    def in_ranges(rs):
        s = set()
        for lo, hi in rs:
            s.update(range(lo, hi + 1))
        return s

    letters, numbers = in_ranges(tables["letter_ranges"]), in_ranges(tables["number_ranges"])
    unmatched = set(tables["unmatched"])
    spaces = in_ranges(tables["space_ranges"])
    pat = regex.compile(PATTERN, regex.IGNORECASE)
    newer = 0
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or (cp in spaces):
            continue  # the cleaner has replaced every str.isspace character before the pre-tokenizer runs
        c = chr(cp)
        got = pat.findall("\x01" + c + "\x01")
        if cp in letters or cp in numbers:
            want = ["\x01", c, "\x01"]
        elif cp in unmatched:
            want = ["\x01", "\x01"]
        else:
            want = ["\x01" + c + "\x01"]
        if got != want:
            if unicodedata.category(c) == "Cn":
                newer += 1
                continue
            sys.exit(f"U+{cp:04X}: regex gives {got!r}, tables say {want!r}")
    print(f"tables agree with regex {regex.__version__} on every code point assigned in Unicode "
          f"{tables['unicode_version']}; {newer} code points assigned later differ", file=sys.stderr)


def edge_cases(rng):
    fixed = [
        "&amp;amp; &ampxyz; &amp &AMP; &AElig &AEligx &notin; &notit; &noti &#39; &#x27; &#X27 &#;",
        "&#0; &#13; &#128; &#x80; &#x9F; &#1; &#xD800; &#x110000; &#99999999999999999999999; &#xFFFE; &#x1F600;",
        "&lt;b&gt;bold&lt;/b&gt; &amp;lt;twice&amp;gt; &amp;amp;thrice &unknownentity; &; & &a",
        "&abcdefghijklmnopqrstuvwxyzabcdefghijklmnop; &frac12x &NewLine; &Tab;tab &nbsp;nbsp &nbsp",
        "ΟΔΥΣΣΕΥΣ ΣΑΣ Σ. ΑΣ' ΑΣ'Β Σ Α.Σ ΑΣ\u0301 ΑΣ\u0301Β",
        "\u0130STANBUL \u0130i DİYARBAKIR I\u0307 K\u212a \u1e9e STRASSE \u01c4\u01c5\u01c6",
        "it\u2019s what's it'S IT'S \u017f 'ſ x'ſ <|\u017ftartoftext|> <|STARTOFTEXT|> <|startoftext|><|endoftext|>",
        "a\u0345b \u0345 \u03b9\u0345 \u1fb3 \u2160\u2161 \u2170x \u24b6\u24d0 \u00bd\u00b2\u0663 \uff21\uff41 \ufb01",
        "tabs\tand\x1cunit\x1dseparators\x1e\x1f\x85next\u2028line\u3000ideographic\u00a0nbsp\u200bzwsp",
        "  \u3000 leading and trailing \u2003 ",
        "e\u0301 cafe\u0301 \u1100\u1161\u11a8 \u0915\u094d\u0937 \u0e01\u0e34 \U0001f468\u200d\U0001f469\u200d\U0001f467",
        "1234567890 \u0661\u0662 \u2460 \U0001d7d8 12.5% $100 #hashtag @user http://example.com/a?b=c&d=e",
        "'s's 'll've 're'd 'm't ''s '''' \"quoted\" (paren) [bracket] {brace} <angle>",
        "\U00010400\U00010428 \U0001e900 \u13a0\uab70 \u0531\u0561 \u10a0\u2d00 \U00016e40",
        "",
        "   ",
        "&#x110000;&#xD7FF;&#xE000;&#xFDD0;&#x10FFFF;&#x1F;&#127;&#159;&#160;",
    ]
    pool = ([chr(c) for c in range(0x20, 0x7f)] * 3 + list("&;#<>|'sStT ") * 4 +
            ["&amp;", "&lt", "&#38;", "&#x26;", "&notin", "\u03a3", "\u03c3", "\u0130", "\u017f", "\u0345",
             "\u0301", "\u00df", "\u1e9e", "\u2160", "\u00e9", "\u4e2d", "\U0001f600", "\u3000", "\u00a0", "\t",
             "\x1c", "\u0391", "\u212a", "\u2126", "\u01c5", "\ufb00", "\u0661", "\u00bd", "<|startoftext|>"])
    rand = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    def assigned_char():
        # Code points unassigned in Python's Unicode 14 data are left out: newer `regex` releases know some of them.
        while True:
            c = chr(rng.choice([rng.randint(0x20, 0x2fff), rng.randint(0x3000, 0xd7ff),
                                rng.randint(0xe000, 0xffff), rng.randint(0x10000, 0x1ffff)]))
            if unicodedata.category(c) != "Cn":
                return c

    rand += ["".join(assigned_char() for _ in range(rng.randint(1, 20))) for _ in range(200)]
    return fixed + rand


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = ap.parse_args()
    vocab = os.path.join(args.shared, "reference/openai-clip/bpe_simple_vocab_16e6.txt.gz")
    ref = Reference(vocab)
    without = Reference(vocab, lambda t: ftfy.fix_text(t, fix_encoding=False, unescape_html=False))
    bad = 0
    identity = Reference(vocab, lambda t: t)
    for line in open(os.path.join(args.shared, "fixtures/tokenizer/golden.jsonl"), encoding="utf-8"):
        row = json.loads(line)
        bad += identity.encode(row["text"]) != row["ids"]
    if bad:
        sys.exit(f"this reference disagrees with golden.jsonl on {bad} lines")
    print("reference reproduces golden.jsonl", file=sys.stderr)
    check_tables()
    out = os.path.join(ROOT, "tests/clip/data/tokenizer_edge_cases.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for text in edge_cases(random.Random(20210226)):
            row = {"text": text, "ids": ref.encode(text)}
            if without.encode(text) != row["ids"]:
                row["ids_without_unreproduced_ftfy"] = without.encode(text)
            f.write(json.dumps(row) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
