#!/usr/bin/python3
"""Generates clip/data/unicode_tables.json: the Unicode and HTML data the tokenizer's text cleaning needs.

Run at development time with Debian's /usr/bin/python3 (its `unicodedata`, `str` methods and `html` module are the
source of truth); the build embeds the JSON output, so building clipbench needs neither Python nor ICU:

    scripts/gen_unicode_tables.py > clip/data/unicode_tables.json

Every table reproduces one piece of the reference `SimpleTokenizer` pipeline:
  * space_ranges: `str.isspace` (Python's `re` `\\s`, `str.strip()`),
  * lower_map: `str.lower` for one character (full mapping, e.g. U+0130 -> "i\\u0307"),
  * case_ignorable_ranges / cased_ranges: the two properties `str.lower` consults for the final-sigma rule,
    recovered by probing `str.lower` itself (see final_sigma_properties),
  * letter_ranges / number_ranges / unmatched: the pre-tokenizer classes `[\\p{L}]` / `[\\p{N}]` (general category
    L* / N*); `unmatched` are characters that are neither but have a case variant that is a letter, number or space:
    with IGNORECASE the `regex` module matches them with no alternative of the pattern, so `findall` skips them,
  * pattern_case_variants: the characters IGNORECASE lets match each ASCII letter of the pattern's literals,
  * html5_entities, html_invalid_charrefs, html_invalid_codepoints: `html.unescape`'s tables.
Ranges are [first, last] code point pairs, inclusive, sorted.
"""
import html
import html.entities
import json
import sys
import unicodedata

MAX_CP = 0x110000
SIGMA = "\u03a3"


def chars():
    for cp in range(MAX_CP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        yield cp, chr(cp)


def ranges(cps):
    out = []
    for cp in sorted(cps):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def final_sigma_properties():
    """(case_ignorable, cased) as str.lower's final-sigma rule sees them.

    CPython lowers U+03A3 to U+03C2 when it follows a cased character (skipping case-ignorable ones) and no cased
    character follows (again skipping case-ignorable ones). Three probes per character c recover what the rule
    needs: lower(c + SIGMA) is final iff c is not ignorable and cased; lower("A" + c + SIGMA) is final iff c is
    ignorable or cased; lower("A" + SIGMA + c) is final iff c is ignorable or not cased. The rule only asks whether
    a character is cased after finding it is not case-ignorable, so `cased` lists non-ignorable cased characters.
    """
    ignorable, cased = [], []
    final = "\u03c2"
    for cp, c in chars():
        p1 = (c + SIGMA).lower()[-1] == final
        p2 = ("A" + c + SIGMA).lower()[-1] == final
        p3 = ("A" + SIGMA + c).lower()[1] == final
        if p2 and p3 and not p1:
            ignorable.append(cp)
        elif p1 and p2 and not p3:
            cased.append(cp)
        elif not p1 and not p2 and p3:
            pass
        else:
            sys.exit(f"inconsistent final-sigma probes for U+{cp:04X}: {p1} {p2} {p3}")
    return ignorable, cased


def case_variants(c):
    """Single characters that Python's simple case operations link to c (both directions are added later)."""
    out = set()
    for f in (str.lower, str.upper, str.title):
        v = f(c)
        if len(v) == 1 and v != c:
            out.add(v)
    return out


def main():
    space, letters, numbers, lower_map = [], [], [], []
    variants = {}
    for cp, c in chars():
        if c.isspace():
            space.append(cp)
        cat = unicodedata.category(c)
        if cat.startswith("L"):
            letters.append(cp)
        elif cat.startswith("N"):
            numbers.append(cp)
        lo = c.lower()
        if lo != c:
            lower_map.append([cp] + [ord(x) for x in lo])
        for v in case_variants(c):
            variants.setdefault(c, set()).add(v)
            variants.setdefault(v, set()).add(c)

    def matched_class(c):
        cat = unicodedata.category(c)
        return cat[0] in "LN" or c.isspace()

    # Case variants are an equivalence relation (s ~ S ~ U+017F): close the links into classes.
    classes = {}
    for c in variants:
        if c in classes:
            continue
        cls, todo = set(), [c]
        while todo:
            x = todo.pop()
            if x not in cls:
                cls.add(x)
                todo.extend(variants.get(x, ()))
        for x in cls:
            classes[x] = cls
    unmatched = sorted(ord(c) for c, cls in classes.items()
                       if not matched_class(c) and any(matched_class(v) for v in cls))
    ignorable, cased = final_sigma_properties()
    pattern_letters = sorted(set("startoftextendoftextsrevmld"))
    pattern_case_variants = {x: sorted(ord(v) for v in classes.get(x, {x}) if v != x) for x in pattern_letters}

    invalid_codepoints = sorted(html._invalid_codepoints)
    data = {
        "generator": "scripts/gen_unicode_tables.py",
        "python": sys.version.split()[0],
        "unicode_version": unicodedata.unidata_version,
        "space_ranges": ranges(space),
        "letter_ranges": ranges(letters),
        "number_ranges": ranges(numbers),
        "unmatched": unmatched,
        "lower_map": lower_map,
        "case_ignorable_ranges": ranges(ignorable),
        "cased_ranges": ranges(cased),
        "pattern_case_variants": pattern_case_variants,
        "html5_entities": {k: [ord(x) for x in v] for k, v in sorted(html.entities.html5.items())},
        "html_invalid_charrefs": [[k, [ord(x) for x in v]] for k, v in sorted(html._invalid_charrefs.items())],
        "html_invalid_codepoints": ranges(invalid_codepoints),
    }
    json.dump(data, sys.stdout, separators=(",", ":"), ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
