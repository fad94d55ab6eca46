#!/usr/bin/python3
"""Prints the Pillow expectations of tests/clip/preprocess_variants_test.cpp (dev time only).

open_clip v3's eval transforms (transform.py image_transform) on Pillow images, for each input of
../shared/fixtures/preprocess and each (interpolation, resize_mode) that open_clip's pretrained
tags use besides openai/CLIP's bicubic + shortest:
  shortest: torchvision Resize(n) (shorter side to n, longer int(n * long / short)) + CenterCrop(n)
            (offsets int(round((size - n) / 2)));
  squash:   Resize((n, n));
then MaybeConvertMode (convert("RGB")). torchvision's Resize on a Pillow image is
Image.resize((w, h), filter), written here directly so that only Pillow is needed. Each output is
summarized by the FNV-1a 64 hash of its RGB bytes (tests/support/formula_weights.h fnv1a64) and the
sum of its bytes.

Usage: /usr/bin/python3 scripts/gen_preprocess_expectations.py ../shared/fixtures/preprocess
(Debian bookworm's python3-pil: Pillow 9.4.0, the Pillow clipbench reproduces).
"""
import json
import os
import sys

import PIL
from PIL import Image

FILTERS = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR}
VARIANTS = [("bilinear", "shortest"), ("bicubic", "squash"), ("bilinear", "squash")]
SIZES = [224, 336]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def transform(img, n, interpolation, resize_mode):
    f = FILTERS[interpolation]
    w, h = img.size
    if resize_mode == "squash":
        img = img.resize((n, n), f)
    else:
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(n * long / short)
        size = (n, new_long) if w <= h else (new_long, n)
        if size != img.size:
            img = img.resize(size, f)
        w, h = img.size
        left, top = int(round((w - n) / 2.0)), int(round((h - n) / 2.0))
        img = img.crop((left, top, left + n, top + n))
    return img.convert("RGB")


def main():
    folder = sys.argv[1]
    cases = json.load(open(os.path.join(folder, "cases.json")))
    print(f"// BEGIN PILLOW EXPECTATIONS (generated with Pillow {PIL.__version__} by "
          "scripts/gen_preprocess_expectations.py)")
    for name in sorted(cases):
        path = os.path.join(folder, cases[name]["input"])
        # This transform must reproduce the fixture's openai/CLIP expectation first.
        with Image.open(path) as im:
            im.load()
            mine = transform(im, cases[name]["n_px"], "bicubic", "shortest").tobytes()
        with Image.open(os.path.join(folder, cases[name]["expected"])) as ref:
            if ref.convert("RGB").tobytes() != mine:
                sys.exit(f"{name}: the bicubic shortest transform differs from the fixture")
        for interpolation, resize_mode in VARIANTS:
            for n in SIZES:
                with Image.open(path) as im:
                    im.load()
                    out = transform(im, n, interpolation, resize_mode)
                data = out.tobytes()
                print(f'    {{"{cases[name]["input"]}", "{interpolation}", "{resize_mode}", {n}, '
                      f'0x{fnv1a64(data):016x}ULL, {sum(data)}}},')
    print("// END PILLOW EXPECTATIONS")


if __name__ == "__main__":
    main()
