#!/usr/bin/python3
"""Writes baselines/paper_reference.json: the CLIP paper's numbers that reports compare against.

Transcribed mechanically from the shared reference file (default ../shared/reference/clip_paper.json):
Table 11 zero-shot scores per released model and dataset, Table 10 linear-probe scores (the nine CLIP
models and the supervised "ResNet 50" row), the Figure 5 deltas (zero-shot CLIP minus a ResNet-50
linear probe) and Table 1 (Visual N-Grams vs CLIP on aYahoo / ImageNet / SUN), each with its source.
Every number is copied, none computed. Standard library only:

    /usr/bin/python3 scripts/gen_paper_reference.py [--reference PATH] [--out PATH]
"""
import argparse
import json
import os
import sys

SCHEMA_VERSION = 1
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Table 1's column names -> clipbench catalogue ids (datasets/catalogue.h).
VISUAL_NGRAMS_DATASETS = {"aYahoo": "ayahoo", "ImageNet": "imagenet", "SUN": "sun397"}


def fail(msg):
    sys.exit(f"gen_paper_reference: {msg}")


def scores(table, where, dataset_ids):
    """A {dataset: percent} table, checked to cover exactly the 27 datasets with numbers."""
    if set(table) != set(dataset_ids):
        fail(f"{where}: datasets {sorted(set(table) ^ set(dataset_ids))} differ from Table 9's")
    out = {}
    for d in dataset_ids:  # Table 9 order
        v = table[d]
        if not isinstance(v, (int, float)) or not 0 <= v <= 100:
            fail(f"{where}.{d} = {v!r}, expected a percentage")
        out[d] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "reference", "clip_paper.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "baselines", "paper_reference.json"))
    args = ap.parse_args()
    with open(args.reference, encoding="utf-8") as f:
        paper = json.load(f)

    items = paper["datasets"]["items"]
    ids = [it["id"] for it in items]
    datasets = {
        it["id"]: {"name": it["name"], "metric": it["metric"], "classes": it["classes"],
                   "figure5_label": it.get("figure5_label")}
        for it in items
    }

    zs = paper["zero_shot"]
    zero_shot = {m: scores(t, f"zero_shot.models.{m}", ids) for m, t in zs["models"].items()}

    lp = paper["linear_probe"]
    probe = {m: scores(t, f"linear_probe.clip_models.{m}", ids) for m, t in lp["clip_models"].items()}
    rn50 = lp["supervised_resnet50_baseline"]
    probe["ResNet-50"] = scores(rn50["scores"], "linear_probe.supervised_resnet50_baseline", ids)

    f5 = paper["zero_shot_vs_resnet50_probe"]
    deltas = {}
    for d in ids:
        if d not in f5["figure_labels"]:
            fail(f"Figure 5 has no bar for {d}")
        deltas[d] = f5["figure_labels"][d]["delta"]

    vn = paper["visual_ngrams"]
    ngrams = {}
    for column in vn["columns"]:
        if column not in VISUAL_NGRAMS_DATASETS:
            fail(f"visual_ngrams column {column!r} has no catalogue id")
        ngrams[VISUAL_NGRAMS_DATASETS[column]] = {
            "column": column,
            "visual_ngrams": vn["Visual N-Grams"][column],
            "clip": vn["CLIP"][column],
        }

    model_names = {m: v for m, v in paper["model_names"]["map"].items()}

    out = {
        "schema_version": SCHEMA_VERSION,
        "generated_by": "scripts/gen_paper_reference.py from shared/reference/clip_paper.json",
        "paper": {k: paper["paper"][k] for k in ("title", "arxiv", "units")},
        "model_names": model_names,
        "dataset_order": ids,
        "datasets": datasets,
        "zero_shot": {"source": zs["source"], "models": zero_shot},
        "linear_probe": {
            "source": lp["source"],
            "stl10_note": lp["stl10_note"],
            "resnet50_row": rn50["row_label"] + ". " + rn50["what_it_is"],
            "models": probe,
        },
        "figure5": {
            "source": f5["source"],
            "definition": f5["definition"],
            "model_note": f5["consistency_with_tables"]["note"],
            "deltas": deltas,
        },
        "visual_ngrams": {
            "source": vn["source"],
            "notes": vn["notes"] + [
                "Catalogue ids: aYahoo -> ayahoo, ImageNet -> imagenet, SUN -> sun397 (Table 1's SUN is not"
                " Table 11's SUN397 column; compare with care)."
            ],
            "datasets": ngrams,
        },
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {len(zero_shot)} zero-shot models, {len(probe)} probe rows, "
          f"{len(deltas)} Figure 5 deltas, {len(ngrams)} Visual N-Grams columns")


if __name__ == "__main__":
    main()
