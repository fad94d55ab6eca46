#!/usr/bin/python3
"""End-to-end image features, clipbench vs the Python reference, in the same run on the same cores.

Both sides do the same work: decode N synthetic 500 x 375 JPEGs, CLIP preprocessing (Resize(224,
BICUBIC), CenterCrop(224), convert("RGB"), ToTensor, Normalize), and the ViT-B/32 image encoder
with the formula weights of ../shared/fixtures/models/full/ViT-B-32.json (fixtures/README.md).

  clipbench: `clipbench embed --dataset-format imagefolder ...` (the prefetching batch loader:
             decode threads + intra-op threads), its own timing of the decode-and-encode loop.
  Python:    a torch module of openai/CLIP's VisionTransformer architecture loading the same
             checkpoint, a torch.utils.data.DataLoader (Pillow + torchvision transforms, worker
             processes), torch.set_num_threads; timed from the first batch request to the last
             features (model loading excluded on both sides).

It prints images/s of each side, the ratio, and the agreement: max relative feature difference
per image and identical top-1 decisions against a fixed set of class embeddings (seeded random
unit vectors, the zero-shot scorer's logits = 100 * normalized features @ W). Before timing it
checks the Python module against the fixture's expected image_features (formula input image).

On a GPU (--device cuda, a CLIPBENCH_WITH_CUDA build): clipbench decodes with nvJPEG and
preprocesses with its CUDA kernels; the Python reference keeps its DataLoader (Pillow workers) and
runs the module on the GPU in the same precision (LayerNorm in fp32). --compare-cpu N then also
encodes the first N images with clipbench on the CPU (fp32) and reports, per precision in
--precisions, the relative feature error against it: once with nvJPEG decoding and once with
the CPU decoder feeding the GPU encoder (--cpu-decode: the same pixels, so only the encoder
differs), and the top-1 agreement with fp32.

Prerequisites (not needed by the build or tests): Debian's python3-torch, python3-torchvision,
python3-pil, python3-numpy, run with /usr/bin/python3 (or a pip torch; without torchvision the
same transform is done with Pillow + numpy); a Release build of `clipbench`.

Usage: /usr/bin/python3 bench/pipeline_vs_python.py [--build-dir build] [--images 1000]
           [--threads 2] [--batch-size 32] [--cpus 0,1] [--work-dir DIR] [--rounds 1]
           [--device cpu|cuda] [--precision fp32|fp16|bf16] [--precisions fp32,bf16]
           [--compare-cpu N]
"""
import argparse
import json
import multiprocessing
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

try:
    from torchvision import transforms as T
except ImportError:  # pip torch without torchvision: the same transform with Pillow + numpy
    T = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


# ---------------------------------------------------------------- data and weights

def write_jpeg(args):
    """Deterministic synthetic photo-like JPEG i (smooth random waves + discs + noise), quality 90."""
    path, i, width, height = args
    if os.path.exists(path):
        return
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    rng = np.random.default_rng(1000 + i)
    img = np.zeros((height, width, 3), np.float32)
    for c in range(3):
        for _ in range(3):
            fx, fy = rng.uniform(0.002, 0.05, 2)
            ph = rng.uniform(0, 2 * np.pi)
            img[..., c] += rng.uniform(20, 60) * np.sin(fx * xx + fy * yy + ph)
        img[..., c] += rng.uniform(60, 190)
    for _ in range(4):  # a few hard-edged discs (high frequencies for the resize)
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(15, 90)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        img[mask] = rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(
        path + ".tmp", format="JPEG", quality=90, optimize=False, progressive=False)
    os.replace(path + ".tmp", path)


def write_jpegs(folder, count, width=500, height=375):
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, f"img_{i:05d}.jpg") for i in range(count)]
    with multiprocessing.Pool(max(1, len(os.sched_getaffinity(0)))) as pool:
        pool.map(write_jpeg, [(p, i, width, height) for i, p in enumerate(paths)], chunksize=16)
    return paths


def fnv1a32(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def formula_u(name, numel):
    i = np.arange(numel, dtype=np.uint64)
    v = ((i + np.uint64(1)) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    v ^= np.uint64(fnv1a32(name))
    return v.astype(np.float64) / 2.0 ** 32 - 0.5


def formula_tensor(name, shape, u_of=None):
    """fixtures/README.md, models/full: every tensor of a state dict from its key and shape.

    u_of(name, numel): the u_i sequence; formula 1's formula_u by default (models/open_clip: formula 2)."""
    numel = int(np.prod(shape)) if shape else 1
    if name.endswith("num_batches_tracked"):
        return np.zeros(shape, np.float32)
    if name.endswith("logit_scale"):
        return np.full(shape, np.log(100.0), np.float32)
    u = (u_of or formula_u)(name, numel)
    if name.endswith("running_var"):
        v = 1 + 0.5 * (u + 0.5)
    elif name.endswith("running_mean") or name.endswith("bias"):
        v = 0.1 * u
    elif len(shape) == 1 and name.endswith("weight"):
        v = 1 + 0.2 * u
    elif len(shape) <= 1:
        v = 0.5 * u
    else:
        v = u * np.sqrt(12.0 / (numel / shape[0]))
    return v.astype(np.float32).reshape(shape)


def write_safetensors(path, arrays):
    header, offset, blobs = {}, 0, []
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[a.dtype]
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for a in blobs:
            f.write(a.tobytes())
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt = {"F32": np.float32, "I64": np.int64}[e["dtype"]]
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(data[b:end], dt).reshape(e["shape"])
    return out


# ---------------------------------------------------------------- the Python reference model

class LayerNorm(nn.LayerNorm):
    def forward(self, x):  # openai/CLIP: LayerNorm in fp32
        return super().forward(x.float()).type(x.dtype)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(width, width * 4)),
                                              ("gelu", QuickGELU()),
                                              ("c_proj", nn.Linear(width * 4, width))]))
        self.ln_2 = LayerNorm(width)

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    """openai/CLIP model.py VisionTransformer (the same parameter names)."""

    def __init__(self, resolution, patch, width, layers, heads, output_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(
            scale * torch.randn((resolution // patch) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1],
                                                             dtype=x.dtype, device=x.device)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.transformer(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


def set_precision(model, dtype):
    """Weights to dtype except LayerNorm (computed in fp32, as openai/CLIP's LayerNorm subclass)."""
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            continue
        for p in m.parameters(recurse=False):
            p.data = p.data.to(dtype)
    return model


def reference_model(config, weights):
    c = config
    m = VisionTransformer(c["image_resolution"], c["vision_patch_size"], c["vision_width"],
                          c["vision_layers"], c["vision_width"] // 64, c["embed_dim"])
    sd = {k[len("visual."):]: torch.from_numpy(np.array(v)) for k, v in weights.items()
          if k.startswith("visual.")}
    m.load_state_dict(sd, strict=True)
    return m.eval()


# ---------------------------------------------------------------- the two timed runs

class PillowTransform:
    """torchvision's Resize(224, BICUBIC) + CenterCrop(224) + convert + ToTensor + Normalize."""

    def __init__(self, n=224):
        self.n = n
        self.mean = np.array(CLIP_MEAN, np.float32).reshape(3, 1, 1)
        self.std = np.array(CLIP_STD, np.float32).reshape(3, 1, 1)

    def __call__(self, im):
        n, (w, h) = self.n, im.size
        size = (n, int(n * h / w)) if w <= h else (int(n * w / h), n)
        if size != (w, h):
            im = im.resize(size, Image.BICUBIC)
        left, top = int(round((size[0] - n) / 2.0)), int(round((size[1] - n) / 2.0))
        im = im.crop((left, top, left + n, top + n)).convert("RGB")
        a = np.asarray(im, np.float32).transpose(2, 0, 1) / np.float32(255)
        return torch.from_numpy((a - self.mean) / self.std)


def clip_transform():
    if T is None:
        return PillowTransform()
    return T.Compose([T.Resize(224, interpolation=T.InterpolationMode.BICUBIC), T.CenterCrop(224),
                      lambda im: im.convert("RGB"), T.ToTensor(), T.Normalize(CLIP_MEAN, CLIP_STD)])


class Files(torch.utils.data.Dataset):
    def __init__(self, paths, transform):
        self.paths, self.transform = paths, transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with open(self.paths[i], "rb") as f:
            return self.transform(Image.open(f))


def run_python(model, paths, threads, workers, batch_size, device, dtype):
    torch.set_num_threads(threads)
    loader = torch.utils.data.DataLoader(Files(paths, clip_transform()), batch_size=batch_size,
                                         num_workers=workers, shuffle=False,
                                         pin_memory=device == "cuda")
    feats = []
    t0 = time.perf_counter()
    with torch.no_grad():
        for batch in loader:
            feats.append(model(batch.to(device, dtype, non_blocking=True)).float())
        out = torch.cat(feats).cpu().numpy()
    seconds = time.perf_counter() - t0
    return out, seconds


def run_clipbench(exe, checkpoint, data_root, work, threads, batch_size, cpus, extra=()):
    out = os.path.join(work, "clipbench_features.safetensors")
    summary = os.path.join(work, "clipbench_embed.json")
    cmd = [exe, "embed", "--checkpoint", checkpoint, "--dataset-format", "imagefolder",
           "--dataset-root", data_root, "--split", "all", "--features-out", out,
           "--batch-size", str(batch_size), "--threads", str(threads),
           "--intra-op-threads", str(threads), "--out", summary] + list(extra)
    if cpus:
        cmd = ["taskset", "-c", cpus] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    s = json.load(open(summary))["dataset"]
    return read_safetensors(out)["image_features"], s["seconds"], " ".join(cmd)


def top1(f, classes=100, seed=0):
    w = np.random.default_rng(seed).normal(size=(f.shape[1], classes)).astype(np.float32)
    w /= np.linalg.norm(w, axis=0, keepdims=True)
    return np.argmax(100 * (f / np.linalg.norm(f, axis=1, keepdims=True)) @ w, axis=1)


def rel_err(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def gpu_precision_table(exe, checkpoint, data_root, work, a, n):
    """clipbench on the GPU per precision vs clipbench fp32 on the CPU, on the first n images."""
    lim = ["--limit", str(n)]
    ref, _, _ = run_clipbench(exe, checkpoint, data_root, work, a.threads, a.batch_size, a.cpus,
                              lim + ["--device", "cpu"])
    print(f"\nGPU vs CPU features (first {n} images; clipbench fp32 on the CPU is the reference)")
    print("| precision | decode | rel. error | max row rel. error | top-1 = CPU fp32 |")
    print("|---|---|---|---|---|")
    for p in a.precisions.split(","):
        for decode, extra in (("nvJPEG", []), ("CPU", ["--cpu-decode"])):
            f, _, _ = run_clipbench(exe, checkpoint, data_root, work, a.threads, a.batch_size,
                                    a.cpus, lim + ["--device", "cuda", "--precision", p] + extra)
            rows = np.linalg.norm(f - ref, axis=1) / np.linalg.norm(ref, axis=1)
            print(f"| {p} | {decode} | {rel_err(f, ref):.2e} | {rows.max():.2e} | "
                  f"{100 * np.mean(top1(f) == top1(ref)):.1f}% |")


def agreement(a, b):
    rel = np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)
    return float(rel.max()), float(np.mean(top1(a) == top1(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2,
                    help="clipbench decode and intra-op threads; Python DataLoader workers and "
                         "torch threads")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--cpus", default="", help="pin both sides to these CPUs (taskset list)")
    ap.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "clipbench_pvp"),
                    help="JPEGs and the 600 MB checkpoint are kept here between runs")
    ap.add_argument("--rounds", type=int, default=1, help="alternate the two sides this often")
    ap.add_argument("--model", default="ViT-B-32")
    ap.add_argument("--shared-dir", default=os.path.join(ROOT, "..", "shared"),
                    help="the shared folder holding fixtures/ (default: ../shared)")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--precision", default="fp32", choices=["fp32", "fp16", "bf16"],
                    help="encoder precision of both sides (timed runs)")
    ap.add_argument("--precisions", default="fp32,fp16,bf16",
                    help="precisions of the --compare-cpu table")
    ap.add_argument("--compare-cpu", type=int, default=0, metavar="N",
                    help="--device cuda: GPU vs CPU features on the first N images per precision")
    a = ap.parse_args()
    if a.cpus:
        os.sched_setaffinity(0, {int(c) for c in a.cpus.split(",")})

    exe = os.path.join(a.build_dir, "harness", "clipbench")
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: build it first (ninja -C {a.build_dir} clipbench)")
    fixture = json.load(open(os.path.join(a.shared_dir, "fixtures", "models", "full",
                                          a.model + ".json")))
    os.makedirs(a.work_dir, exist_ok=True)
    checkpoint = os.path.join(a.work_dir, a.model + "-formula.safetensors")
    if not os.path.exists(checkpoint):
        print(f"writing formula weights to {checkpoint}", flush=True)
        write_safetensors(checkpoint, {k: formula_tensor(k, s)
                                       for k, s in fixture["state_dict_shapes"].items()})
    weights = read_safetensors(checkpoint)
    model = reference_model(fixture["config"], weights)
    del weights

    # The Python module must reproduce the fixture (formula input image) before it is timed.
    r = fixture["config"]["image_resolution"]
    image = 2 * formula_u("input.image", 3 * r * r).astype(np.float32).reshape(1, 3, r, r)
    with torch.no_grad():
        got = model(torch.from_numpy(image)).numpy()
    want = np.array(fixture["image_features"], np.float32).reshape(got.shape)
    rel = np.linalg.norm(got - want) / np.linalg.norm(want)
    print(f"Python module vs fixture image_features: relative error {rel:.2e}")
    if rel > 1e-4:
        sys.exit("the Python reference module does not reproduce the fixture")
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[a.precision]
    model = set_precision(model, dtype).to(a.device)

    data_root = os.path.join(a.work_dir, f"jpegs{a.images}")
    paths = write_jpegs(os.path.join(data_root, "synthetic"), a.images)
    print(f"{len(paths)} JPEGs 500x375 in {data_root}; threads {a.threads}, batch {a.batch_size}, "
          f"cpus {a.cpus or sorted(os.sched_getaffinity(0))}", flush=True)

    best_cb = best_py = None
    for rnd in range(a.rounds):
        cb_feats, cb_s, cmd = run_clipbench(exe, checkpoint, data_root, a.work_dir, a.threads,
                                            a.batch_size, a.cpus,
                                            ["--device", a.device, "--precision", a.precision])
        py_feats, py_s = run_python(model, paths, a.threads, a.threads, a.batch_size, a.device,
                                    dtype)
        print(f"round {rnd + 1}: clipbench {len(paths) / cb_s:.1f} images/s ({cb_s:.2f} s), "
              f"Python {len(paths) / py_s:.1f} images/s ({py_s:.2f} s)", flush=True)
        best_cb = cb_s if best_cb is None else min(best_cb, cb_s)
        best_py = py_s if best_py is None else min(best_py, py_s)
    max_rel, agree = agreement(cb_feats, py_feats)
    print(f"clipbench command: {cmd}")
    print(f"clipbench: {len(paths) / best_cb:8.1f} images/s ({a.device}, {a.precision})")
    print(f"Python   : {len(paths) / best_py:8.1f} images/s ({a.device}, {a.precision}, "
          f"{'torchvision' if T else 'Pillow + numpy'} transform)")
    print(f"ratio    : {best_py / best_cb:8.2f}x  (target on 2 cores: >= 1.5x)")
    print(f"agreement: top-1 identical for {100 * agree:.1f}% of {len(paths)} images "
          f"(100 seeded class embeddings); max relative feature difference {max_rel:.2e}")
    if a.device == "cuda" and a.compare_cpu > 0:
        gpu_precision_table(exe, checkpoint, data_root, a.work_dir, a, a.compare_cpu)
    return 0 if agree == 1.0 or a.precision != "fp32" else 1


if __name__ == "__main__":
    sys.exit(main())
