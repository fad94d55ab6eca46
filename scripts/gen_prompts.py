#!/usr/bin/python3
"""Dev-time generator of prompts/<dataset_id>.json (class names and templates per dataset).

Reads, without executing anything:
  - ../shared/reference/openai-clip/prompts.md: openai/CLIP data/prompts.md (26 of the paper's 27 datasets); each
    "## Name" section holds a Python block `classes = [...]` / `templates = [...]`, parsed with ast.parse and
    ast.literal_eval;
  - ../shared/reference/openai-clip/imagenet_prompts.json: ImageNet's 1,000 class names and 80 templates from
    openai/CLIP notebooks/Prompt_Engineering_for_ImageNet.ipynb;
  - ../shared/reference/clip_paper.json: dataset ids and display names (Table 9).
Fashion-MNIST (not in the paper) gets its documented label names and templates of ours.
aYahoo (the paper's Table 1, not Table 9; prompts.md has no section) gets its 12 class names and the 80 ImageNet
templates of the notebook, labelled as ours.

Usage: /usr/bin/python3 scripts/gen_prompts.py [--shared DIR] [--out DIR] [--check]
  --check: write nothing; exit 1 if any file in --out differs from what would be generated.
"""

import argparse
import ast
import json
import os
import re
import sys

SCHEMA_VERSION = 1
PROMPTS_MD_SOURCE = "openai/CLIP prompts.md"
IMAGENET_SOURCE = "openai/CLIP notebooks/Prompt_Engineering_for_ImageNet.ipynb"
OURS_SOURCE = "clipbench (not from the paper)"

# prompts.md section heading -> dataset id of clip_paper.json (datasets.items[].id).
SECTION_IDS = {
    "Birdsnap": "birdsnap",
    "CIFAR10": "cifar10",
    "CIFAR100": "cifar100",
    "CLEVRCounts": "clevr_counts",
    "Caltech101": "caltech101",
    "Country211": "country211",
    "DescribableTextures": "dtd",
    "EuroSAT": "eurosat",
    "FGVCAircraft": "fgvc_aircraft",
    "FacialEmotionRecognition2013": "fer2013",
    "Flowers102": "flowers102",
    "Food101": "food101",
    "GTSRB": "gtsrb",
    "HatefulMemes": "hateful_memes",
    "KITTI": "kitti",
    "Kinetics700": "kinetics700",
    "MNIST": "mnist",
    "OxfordPets": "oxford_pets",
    "PascalVOC2007": "voc2007",
    "PatchCamelyon": "pcam",
    "RESISC45": "resisc45",
    "SST2": "rendered_sst2",
    "STL10": "stl10",
    "SUN397": "sun397",
    "StanfordCars": "stanford_cars",
    "UCF101": "ucf101",
}

# Fashion-MNIST: label names in label order (0..9) as in its README ("Labels" table,
# zalandoresearch/fashion-mnist, also /usr/share/doc/dataset-fashion-mnist/README.md.gz).
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
FASHION_MNIST_TEMPLATES = [
    "a photo of a {}.",
    "a black and white photo of a {}.",
    "a low resolution photo of a {}.",
    "a photo of a {}, a type of clothing.",
    "a grayscale product photo of a {}.",
    "a photo of the {}, an item of fashion.",
]

# aYahoo (Farhadi et al. 2009, 'Describing Objects by their Attributes'): its 12 classes in sorted order, the
# label order of the ayahoo adapter (the class names of its ayahoo_test.txt annotation).
AYAHOO_CLASSES = ["bag", "building", "carriage", "centaur", "donkey", "goat",
                  "jetski", "monkey", "mug", "statue", "wolf", "zebra"]


def parse_prompts_md(path):
    """Returns {section heading: (classes, templates)} from prompts.md, parsing only literals."""
    text = open(path, encoding="utf-8").read()
    sections = {}
    for match in re.finditer(r"^## (\S+)\s*\n+```\w*\n(.*?)^```", text, re.S | re.M):
        name, code = match.group(1), match.group(2)
        values = {}
        for node in ast.parse(code).body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                raise SystemExit(f"{path}: section {name}: unexpected statement at line {node.lineno}")
            values[node.targets[0].id] = ast.literal_eval(node.value)
        if sorted(values) != ["classes", "templates"]:
            raise SystemExit(f"{path}: section {name}: expected classes and templates, got {sorted(values)}")
        sections[name] = (values["classes"], values["templates"])
    headings = re.findall(r"^## (.+)$", text, re.M)
    if len(headings) != len(sections):
        raise SystemExit(f"{path}: {len(headings)} headings but {len(sections)} parsed sections")
    return sections


def as_name_lists(classes):
    """Every class as a list of names (FER2013's prompts.md entries already are lists)."""
    out = []
    for c in classes:
        names = [c] if isinstance(c, str) else list(c)
        if not names or not all(isinstance(n, str) for n in names):
            raise SystemExit(f"bad class entry {c!r}")
        out.append(names)
    return out


def record(dataset_id, display_name, source, classes, templates):
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": dataset_id,
        "display_name": display_name,
        "source": source,
        "classes": as_name_lists(classes),
        "templates": list(templates),
    }


def dump(obj):
    # One class (a short list of names) per line keeps diffs readable.
    lines = ["{"]
    keys = list(obj)
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        value = obj[key]
        if isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for j, item in enumerate(value):
                item_comma = "," if j + 1 < len(value) else ""
                lines.append(f"    {json.dumps(item, ensure_ascii=False)}{item_comma}")
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(root, "prompts"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    ref = os.path.join(args.shared, "reference")

    paper = json.load(open(os.path.join(ref, "clip_paper.json"), encoding="utf-8"))
    display = {item["id"]: item["name"] for item in paper["datasets"]["items"]}
    paper_classes = {item["id"]: item["classes"] for item in paper["datasets"]["items"]}

    records = []
    sections = parse_prompts_md(os.path.join(ref, "openai-clip", "prompts.md"))
    unknown = sorted(set(sections) - set(SECTION_IDS))
    if unknown:
        raise SystemExit(f"prompts.md sections without an id: {unknown}")
    for heading, (classes, templates) in sections.items():
        dataset_id = SECTION_IDS[heading]
        records.append(record(dataset_id, display[dataset_id], PROMPTS_MD_SOURCE, classes, templates))

    imagenet = json.load(open(os.path.join(ref, "openai-clip", "imagenet_prompts.json"), encoding="utf-8"))
    records.append(record("imagenet", display["imagenet"], IMAGENET_SOURCE,
                          imagenet["classes"], imagenet["templates"]))

    records.append(record("fashion_mnist", "Fashion-MNIST", OURS_SOURCE,
                          FASHION_MNIST_CLASSES, FASHION_MNIST_TEMPLATES))

    # aYahoo: class names above, CLIP's 80 ImageNet templates (not a template set the paper states for aYahoo).
    records.append(record("ayahoo", "aYahoo", OURS_SOURCE, AYAHOO_CLASSES, imagenet["templates"]))

    missing = sorted(set(display) - {r["dataset"] for r in records})
    stale = []
    for r in sorted(records, key=lambda r: r["dataset"]):
        path = os.path.join(args.out, r["dataset"] + ".json")
        text = dump(r)
        assert json.loads(text) == r
        count = len(r["classes"])
        paper_count = paper_classes.get(r["dataset"])
        note = "" if paper_count in (None, count) else f"  (Table 9: {paper_count})"
        print(f"{r['dataset']:15s} {count:5d} classes {len(r['templates']):3d} templates{note}")
        if args.check:
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            if old != text:
                stale.append(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if missing:
        print(f"paper datasets without prompts: {missing}")
    if stale:
        print("out of date: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
