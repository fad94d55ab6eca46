#!/usr/bin/env python3
"""Writes clip/data/released_models.json: the configs of OpenAI's nine released CLIP models,
read from the fixtures (../shared/fixtures/models/full/*.json), so results can name a checkpoint
whose architecture is a released one. Run: /usr/bin/python3 scripts/gen_released_models.py [SHARED]"""
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared")
names = ["RN50", "RN101", "RN50x4", "RN50x16", "RN50x64", "ViT-B/32", "ViT-B/16", "ViT-L/14",
         "ViT-L/14@336px"]
files = {n: n.replace("/", "-").replace("@336px", "-336px") + ".json" for n in names}
models = []
for name in names:
    with open(os.path.join(shared, "fixtures", "models", "full", files[name])) as f:
        models.append({"name": name, "config": json.load(f)["config"]})
out = {
    "schema_version": 1,
    "source": "configs of openai/CLIP's released checkpoints as in ../shared/fixtures/models/full "
              "(the reference build_model's inferred constructor arguments); names as clip.load()",
    "models": models,
}
with open(os.path.join(root, "clip", "data", "released_models.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
