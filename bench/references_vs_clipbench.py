#!/usr/bin/env python3
"""clipbench against today's Python references from PyPI, side by side on the same inputs.

Sections (--sections, all by default):
  pillow         Pillow 13 `Resize(224, BICUBIC)` + `CenterCrop(224)` + `convert("RGB")` (torchvision's
                 transforms) on fixtures/preprocess/ inputs: against `clipbench preprocess` (which matches
                 Pillow 9) and against the fixtures' expected PNGs (made with Pillow 9). Counts bit-exact images.
  transforms     open_clip 3.3.0's own eval transforms (`image_transform(n, is_train=False, interpolation=...,
                 resize_mode=...)`, all but ToTensor / Normalize, on Pillow 13 + torchvision) for bilinear + shortest,
                 bicubic + squash and bilinear + squash at 224 and 336, against `clipbench preprocess --interpolation
                 --resize-mode` on the same fixtures/preprocess/ inputs. Counts bit-exact images.
  tokenizer      fixtures/tokenizer/golden.jsonl texts (one line each) through `clipbench tokenize`, open_clip's
                 SimpleTokenizer (real ftfy 6.3), and transformers' CLIPTokenizer built from the same BPE file;
                 counts identical id sequences (the goldens were made with ftfy.fix_text as the identity).
  open_clip      open_clip 3.3.0 `create_model("ViT-B-32")` filled with fill formula 2 (fixtures README), saved as
                 safetensors: open_clip's features against the fixture's (torch 1.13) and `clipbench embed
                 --model ViT-B-32` against open_clip's (relative error), on the formula image and the prompts.
  clip_benchmark CLIP_benchmark 1.6's zero-shot `evaluate` (open_clip model of the same file, the same class names
                 and the 6 templates of prompts/fashion_mnist.json) on the first --limit Fashion-MNIST test images,
                 and `clipbench eval --prompts ensemble --limit N` on the same file: both accuracies, mean
                 per-class recalls and wall times.
  sklearn        bench/probe_vs_sklearn.py under this interpreter (scikit-learn 1.9 instead of Debian's 1.2).

Prerequisites (developer tool; the tests never need it): `scripts/setup-torch2 && .venv-torch2/bin/pip install -r
bench/requirements-references.txt`; a Release build of `clipbench` (scripts/build); Debian's dataset-fashion-mnist.

Usage: .venv-torch2/bin/python bench/references_vs_clipbench.py [--build-dir build] [--shared-dir ../shared]
           [--limit 1000] [--threads 2] [--sections pillow,transforms,tokenizer,open_clip,clip_benchmark,sklearn]
           [--work-dir /tmp/clipbench_references]
Prints one table per section and a final JSON line with every figure.
"""
import argparse
import gzip
import importlib.metadata as md
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from pipeline_vs_python import formula_tensor  # noqa: E402  (fill formula 1's rules, written once)
MASK64 = (1 << 64) - 1


def version(pkg):
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "not installed"


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r.stdout


def rel_err(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# ---- fill formula 2 (fixtures/README.md, models/open_clip) ----

def fnv1a64(name):
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK64
    return h


def formula2_u(name, n):
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(fnv1a64(name)) + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / 2.0**53 - 0.5


def formula2_tensor(name, shape):
    """A state-dict tensor under fill formula 2: pipeline_vs_python's rules with formula 2's u_i."""
    return torch.from_numpy(formula_tensor(name, list(shape), u_of=formula2_u))


# ---- sections ----

def section_pillow(args, out):
    from PIL import Image
    from torchvision import transforms as T
    cases = json.load(open(os.path.join(args.shared_dir, "fixtures/preprocess/cases.json")))
    n = exact_cb = exact_p9 = 0
    max_cb = max_p9 = 0
    pre = os.path.join(args.shared_dir, "fixtures/preprocess")
    for c in cases.values():
        src, expected, size = os.path.join(pre, c["input"]), os.path.join(pre, c["expected"]), c["n_px"]
        tf = T.Compose([T.Resize(size, interpolation=T.InterpolationMode.BICUBIC), T.CenterCrop(size)])
        with Image.open(src) as im:
            p13 = np.asarray(tf(im).convert("RGB"), dtype=np.int16)
        png = os.path.join(args.work_dir, "pre.png")
        run([args.clipbench, "preprocess", "--image", src, "--size", str(size), "--out", png])
        cb = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
        p9 = np.asarray(Image.open(expected).convert("RGB"), dtype=np.int16)
        n += 1
        d_cb, d_p9 = int(np.abs(p13 - cb).max()), int(np.abs(p13 - p9).max())
        exact_cb += d_cb == 0
        exact_p9 += d_p9 == 0
        max_cb, max_p9 = max(max_cb, d_cb), max(max_p9, d_p9)
    out["pillow"] = {"pillow": version("Pillow"), "torchvision": version("torchvision"), "images": n,
                     "exact_vs_clipbench": exact_cb, "max_levels_vs_clipbench": max_cb,
                     "exact_vs_pillow9_goldens": exact_p9, "max_levels_vs_pillow9_goldens": max_p9}
    print(f"\n## Pillow {version('Pillow')}: CLIP preprocessing of {n} fixture images")
    print(f"| against | bit-exact | max difference (levels) |\n|---|---|---|")
    print(f"| clipbench preprocess | {exact_cb}/{n} | {max_cb} |")
    print(f"| fixtures' Pillow 9 PNGs | {exact_p9}/{n} | {max_p9} |")


def section_transforms(args, out):
    import open_clip
    from PIL import Image
    cases = json.load(open(os.path.join(args.shared_dir, "fixtures/preprocess/cases.json")))
    pre = os.path.join(args.shared_dir, "fixtures/preprocess")
    rows = []
    for interpolation, resize_mode in [("bilinear", "shortest"), ("bicubic", "squash"), ("bilinear", "squash")]:
        for size in (224, 336):
            tf = open_clip.image_transform(size, is_train=False, interpolation=interpolation,
                                           resize_mode=resize_mode)
            pixels = tf.transforms[:-2]  # resize [+ crop] + MaybeConvertMode; not ToTensor / Normalize
            n = exact = worst = 0
            for c in cases.values():
                src = os.path.join(pre, c["input"])
                with Image.open(src) as im:
                    ref = im
                    for t in pixels:
                        ref = t(ref)
                    ref = np.asarray(ref, dtype=np.int16)
                png = os.path.join(args.work_dir, "variant.png")
                run([args.clipbench, "preprocess", "--image", src, "--size", str(size), "--interpolation",
                     interpolation, "--resize-mode", resize_mode, "--out", png])
                cb = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
                d = int(np.abs(ref - cb).max()) if ref.shape == cb.shape else 256
                n += 1
                exact += d == 0
                worst = max(worst, d)
            rows.append({"interpolation": interpolation, "resize_mode": resize_mode, "size": size,
                         "images": n, "exact": exact, "max_levels": worst})
    out["transforms"] = {"open_clip": version("open_clip_torch"), "pillow": version("Pillow"),
                         "torchvision": version("torchvision"), "rows": rows}
    print(f"\n## open_clip {version('open_clip_torch')} eval transforms (Pillow {version('Pillow')}) against "
          "`clipbench preprocess`")
    print("| interpolation | resize_mode | size | bit-exact | max difference (levels) |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['interpolation']} | {r['resize_mode']} | {r['size']} | {r['exact']}/{r['images']} | "
              f"{r['max_levels']} |")


def hf_tokenizer_files(bpe_gz, folder):
    """vocab.json + merges.txt of openai/CLIP's BPE file, in the order its SimpleTokenizer builds them."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    k = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + k)
            k += 1
    byte_chars = [chr(c) for c in cs]
    merges = gzip.open(bpe_gz).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
    vocab = byte_chars + [v + "</w>" for v in byte_chars] + ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    return os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")


def section_tokenizer(args, out):
    import open_clip
    from open_clip.tokenizer import SimpleTokenizer
    from transformers import CLIPTokenizer
    rows = [json.loads(l) for l in open(os.path.join(args.shared_dir, "fixtures/tokenizer/golden.jsonl"))]
    rows = [r for r in rows if "\n" not in r["text"] and "\r" not in r["text"] and
            len(r["text"].splitlines()) <= 1]
    texts = [r["text"] for r in rows]
    cb = [json.loads(l) for l in
          run([args.clipbench, "tokenize", "--vocab", args.vocab, "--context-length", "100000"], stdin="\n".join(texts) + "\n").splitlines()]
    oc = SimpleTokenizer(bpe_path=args.vocab)
    oc_ids = [[oc.sot_token_id] + oc.encode(t) + [oc.eot_token_id] for t in texts]
    vocab_json, merges = hf_tokenizer_files(args.vocab, os.path.join(args.work_dir, "hf_tokenizer"))
    hf = CLIPTokenizer.from_pretrained(os.path.dirname(vocab_json))  # as a user loads an HF folder
    hf_ids = [hf(t)["input_ids"] for t in texts]
    golden = [r["ids"] for r in rows]

    def same(a, b):
        return sum(x == y for x, y in zip(a, b))

    n = len(texts)
    res = {"texts": n, "ftfy": version("ftfy"), "open_clip": version("open_clip_torch"),
           "transformers": version("transformers"),
           "clipbench_vs_golden": same(cb, golden), "open_clip_vs_golden": same(oc_ids, golden),
           "clipbench_vs_open_clip": same(cb, oc_ids), "transformers_vs_golden": same(hf_ids, golden),
           "clipbench_vs_transformers": same(cb, hf_ids)}
    res["open_clip_differs_from_golden"] = [t for t, a, b in zip(texts, oc_ids, golden) if a != b][:5]
    res["transformers_differs_from_golden"] = [t for t, a, b in zip(texts, hf_ids, golden) if a != b][:5]
    out["tokenizer"] = res
    print(f"\n## Tokenizers on {n} golden texts (one line each)")
    print("| pair | identical id sequences |\n|---|---|")
    for k in ("clipbench_vs_golden", "open_clip_vs_golden", "clipbench_vs_open_clip",
              "transformers_vs_golden", "clipbench_vs_transformers"):
        print(f"| {k.replace('_vs_', ' vs ')} | {res[k]}/{n} |")
    for k in ("open_clip_differs_from_golden", "transformers_differs_from_golden"):
        if res[k]:
            print(f"{k}: {res[k]!r}")


def open_clip_formula_model(args, entry):
    import open_clip
    model = open_clip.create_model(entry["model"], pretrained=None)
    sd = {k: formula2_tensor(k, list(v.shape)) for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    model.eval()
    return model, sd


def section_open_clip(args, out):
    import open_clip
    from safetensors.torch import save_file
    entry = json.load(open(os.path.join(args.shared_dir, "fixtures/models/open_clip/ViT-B-32.json")))
    model, sd = open_clip_formula_model(args, entry)
    shape = entry["image_shape"]
    image = torch.from_numpy((2 * formula2_u("input.image", int(np.prod(shape)))).astype(np.float32)
                             .reshape(shape))
    ids = torch.tensor(entry["text_ids"])
    with torch.no_grad():
        oc_img = model.encode_image(image)[0].numpy()
        oc_txt = model.encode_text(ids).numpy()
    ckpt = os.path.join(args.work_dir, "open_clip_ViT-B-32_formula2.safetensors")
    save_file({k: v.contiguous() for k, v in sd.items()}, ckpt)
    tensor = os.path.join(args.work_dir, "formula_image.safetensors")
    save_file({"image": image.contiguous()}, tensor)
    cmd = [args.clipbench, "embed", "--checkpoint", ckpt, "--model", "ViT-B-32", "--vocab", args.vocab,
           "--image-tensor", tensor + ":image"]
    for p in entry["prompts"]:
        cmd += ["--text", p]
    cb = json.loads(run(cmd))
    res = {"open_clip": version("open_clip_torch"), "torch": torch.__version__,
           "open_clip_vs_fixture_image": rel_err(oc_img, entry["image_features"]),
           "open_clip_vs_fixture_text": rel_err(oc_txt, entry["text_features"]),
           "clipbench_vs_open_clip_image": rel_err(cb["image_features"][0], oc_img),
           "clipbench_vs_open_clip_text": rel_err(cb["text_features"], oc_txt)}
    out["open_clip"] = res
    print(f"\n## open_clip {res['open_clip']} ViT-B-32, fill formula 2 (torch {torch.__version__})")
    print("| pair | image rel. error | text rel. error |\n|---|---|---|")
    print(f"| open_clip vs fixture (torch 1.13) | {res['open_clip_vs_fixture_image']:.2e} | "
          f"{res['open_clip_vs_fixture_text']:.2e} |")
    print(f"| clipbench vs open_clip | {res['clipbench_vs_open_clip_image']:.2e} | "
          f"{res['clipbench_vs_open_clip_text']:.2e} |")
    return ckpt, model


def read_idx_images(path, limit):
    with gzip.open(path) as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        n = min(n, limit)
        return np.frombuffer(f.read(n * h * w), dtype=np.uint8).reshape(n, h, w)


def read_idx_labels(path, limit):
    with gzip.open(path) as f:
        _, n = struct.unpack(">II", f.read(8))
        return np.frombuffer(f.read(min(n, limit)), dtype=np.uint8).astype(np.int64)


def section_clip_benchmark(args, out, ckpt, model):
    import open_clip
    from PIL import Image
    from clip_benchmark.metrics import zeroshot_classification as zsc
    prompts = json.load(open(os.path.join(ROOT, "prompts/fashion_mnist.json")))
    classnames = [c[0] for c in prompts["classes"]]
    templates = [t.replace("{}", "{c}") for t in prompts["templates"]]  # CLIP_benchmark formats {c}
    data = os.path.join(args.data_root, "fashion-mnist")
    images = read_idx_images(os.path.join(data, "t10k-images-idx3-ubyte.gz"), args.limit)
    labels = read_idx_labels(os.path.join(data, "t10k-labels-idx1-ubyte.gz"), args.limit)
    preprocess = open_clip.image_transform(224, is_train=False)

    class Split(torch.utils.data.Dataset):
        classes = classnames  # CLIP_benchmark reads top-5 only for >= 5 classes

        def __len__(self):
            return len(labels)

        def __getitem__(self, i):
            return preprocess(Image.fromarray(images[i], mode="L")), int(labels[i])

    torch.set_num_threads(args.threads)
    loader = torch.utils.data.DataLoader(Split(), batch_size=64, num_workers=0)
    tokenizer = open_clip.get_tokenizer("ViT-B-32")
    t0 = time.perf_counter()
    metrics = zsc.evaluate(model, loader, tokenizer, classnames, templates, "cpu", amp=False)
    t_ref = time.perf_counter() - t0
    res_dir = os.path.join(args.work_dir, "clipbench_eval")
    t0 = time.perf_counter()
    run([args.clipbench, "eval", "--checkpoint", ckpt, "--model", "ViT-B-32", "--vocab", args.vocab,
         "--dataset", "fashion_mnist", "--data-root", args.data_root, "--limit", str(args.limit),
         "--prompts", "ensemble", "--threads", str(args.threads), "--batch-size", "64", "--force",
         "--out", res_dir])
    t_cb = time.perf_counter() - t0
    records = []
    for dirpath, _, files in os.walk(res_dir):
        records += [json.load(open(os.path.join(dirpath, f))) for f in files if f.endswith(".json")]
    rec = [r for r in records if r.get("prompt_mode", r.get("prompts")) == "ensemble" or "ensemble" in
           json.dumps(r.get("run", {}))] or records
    r = rec[0]
    cb_metrics = r.get("metrics", {})
    res = {"clip_benchmark": version("clip-benchmark"), "images": int(len(labels)),
           "clip_benchmark_acc1": metrics["acc1"], "clip_benchmark_acc5": metrics["acc5"],
           "clip_benchmark_mean_per_class_recall":
           metrics["mean_per_class_recall"], "clip_benchmark_seconds": t_ref,
           "clipbench_value": r.get("value"), "clipbench_metrics": cb_metrics, "clipbench_seconds": t_cb,
           "threads": args.threads}
    out["clip_benchmark"] = res
    print(f"\n## CLIP_benchmark {res['clip_benchmark']} vs clipbench eval: Fashion-MNIST test[0:{len(labels)}], "
          f"open_clip ViT-B-32 formula-2 weights, 6 templates, {args.threads} threads")
    print("| tool | top-1 | top-5 | wall s |\n|---|---|---|---|")
    print(f"| CLIP_benchmark `evaluate` | {100 * metrics['acc1']:.2f} | {100 * metrics['acc5']:.2f} | "
          f"{t_ref:.1f} (model built and filled before) |")
    print(f"| clipbench eval | {cb_metrics.get('top1', r.get('value')):.2f} | {cb_metrics.get('top5', float('nan')):.2f} "
          f"| {t_cb:.1f} (whole process: load, tokenize, encode) |")


def section_sklearn(args, out):
    cmd = [sys.executable, os.path.join(ROOT, "bench/probe_vs_sklearn.py"), "--build-dir", args.build_dir,
           "--threads", str(args.threads)]
    text = run(cmd)
    print(f"\n## scikit-learn {version('scikit-learn')}: bench/probe_vs_sklearn.py\n{text}")
    last = [l for l in text.splitlines() if l.startswith("{")]
    out["sklearn"] = {"scikit-learn": version("scikit-learn"), **(json.loads(last[-1]) if last else {})}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--shared-dir", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--data-root", default="/usr/share/datasets")
    ap.add_argument("--work-dir", default="/tmp/clipbench_references")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sections", default="pillow,transforms,tokenizer,open_clip,clip_benchmark,sklearn")
    args = ap.parse_args()
    args.clipbench = os.path.join(args.build_dir, "harness", "clipbench")
    args.vocab = os.path.join(args.shared_dir, "reference/openai-clip/bpe_simple_vocab_16e6.txt.gz")
    os.makedirs(args.work_dir, exist_ok=True)
    sections = args.sections.split(",")
    out = {"python": sys.version.split()[0], "torch": torch.__version__}
    if "pillow" in sections:
        section_pillow(args, out)
    if "transforms" in sections:
        section_transforms(args, out)
    if "tokenizer" in sections:
        section_tokenizer(args, out)
    if "open_clip" in sections or "clip_benchmark" in sections:
        ckpt, model = section_open_clip(args, out)
        if "clip_benchmark" in sections:
            section_clip_benchmark(args, out, ckpt, model)
    if "sklearn" in sections:
        section_sklearn(args, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
