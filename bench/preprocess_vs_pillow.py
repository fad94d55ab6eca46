#!/usr/bin/python3
"""Decode + CLIP preprocessing of 500x375 baseline JPEGs to 224: Pillow + torchvision vs clipbench.

Writes the JPEGs, times the reference Python transform on one thread (Image.open, Resize(224,
BICUBIC), CenterCrop(224), convert("RGB"), ToTensor, Normalize) and bench/preprocess_bench
(BM_LoadAndPreprocess224, one thread) on the same files in the same run, alternating rounds and
keeping each side's best, then prints images/s (CPU time and wall time) and the ratio. It also
checks that `clipbench preprocess` gives Pillow's pixels on every file.

Prerequisites (not needed by the build or tests): Debian's python3-pil (Pillow 9.4),
python3-torchvision and python3-numpy, run with /usr/bin/python3 (apt-get install -y python3-pil
python3-torchvision); a Release build with the bench targets (scripts/build, or
cmake -S . -B build -G Ninja && ninja -C build).

Usage: /usr/bin/python3 bench/preprocess_vs_pillow.py [--build-dir build] [--seconds 3] [--rounds 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def write_jpegs(out_dir, count):
    """500x375 baseline JPEGs (quality 90): crops of the shared fixture photos, else synthetic."""
    fixtures = os.path.join(ROOT, "..", "shared", "fixtures", "preprocess")
    sources = []
    for name in ("p01_photo_jpeg.jpg", "p02_photo2_jpeg.jpg", "p10_portrait_jpeg.jpg"):
        path = os.path.join(fixtures, name)
        if os.path.exists(path):
            sources.append(Image.open(path).convert("RGB"))
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        if sources:
            src = sources[i % len(sources)]
            scale = 1.0 + 0.15 * (i // len(sources))
            big = src.resize((int(src.width * scale * 500 / min(src.width, 500)) + 1,
                              int(src.height * scale * 500 / min(src.width, 500)) + 1), Image.BICUBIC)
            x = int(rng.integers(0, max(1, big.width - 500)))
            y = int(rng.integers(0, max(1, big.height - 375)))
            im = big.crop((x, y, x + 500, y + 375))
        else:
            yy, xx = np.mgrid[0:375, 0:500]
            base = np.stack([(xx + 40 * i) % 256, (yy * 2) % 256, (xx + yy) % 256], -1)
            im = Image.fromarray((base + rng.integers(0, 32, base.shape)).clip(0, 255).astype(np.uint8))
        path = os.path.join(out_dir, f"img_{i:02d}.jpg")
        im.save(path, format="JPEG", quality=90, optimize=False, progressive=False)
        paths.append(path)
    return paths


def time_pillow(paths, seconds):
    transform = T.Compose([
        T.Resize(224, interpolation=T.InterpolationMode.BICUBIC),
        T.CenterCrop(224),
        lambda im: im.convert("RGB"),
        T.ToTensor(),
        T.Normalize(CLIP_MEAN, CLIP_STD),
    ])
    for p in paths:  # warm up (page cache, lazy imports)
        transform(Image.open(p))
    n = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        for p in paths:
            transform(Image.open(p))
            n += 1
    return n / (time.process_time() - cpu0), n / (time.perf_counter() - wall0)


def time_clipbench(bench, jpeg_dir, seconds):
    env = dict(os.environ, CLIPBENCH_BENCH_JPEG_DIR=jpeg_dir, OMP_NUM_THREADS="1")
    out = subprocess.run([bench, "--benchmark_filter=BM_LoadAndPreprocess224$|BM_LoadAndPreprocess224/",
                          f"--benchmark_min_time={seconds}", "--benchmark_format=json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    run = json.loads(out)["benchmarks"][0]
    to_s = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run["time_unit"]]
    return 1.0 / (run["cpu_time"] * to_s), 1.0 / (run["real_time"] * to_s)


def check_pixels(clipbench_exe, paths, tmp):
    """clipbench preprocess must write exactly Pillow's Resize + CenterCrop + convert pixels."""
    worst = 0
    for p in paths:
        out = os.path.join(tmp, "check.png")
        subprocess.run([clipbench_exe, "preprocess", "--image", p, "--size", "224", "--out", out],
                       check=True, capture_output=True)
        ref = T.CenterCrop(224)(T.Resize(224, interpolation=T.InterpolationMode.BICUBIC)(Image.open(p)))
        diff = np.abs(np.asarray(Image.open(out), np.int16) - np.asarray(ref.convert("RGB"), np.int16))
        worst = max(worst, int(diff.max()))
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--count", type=int, default=16, help="number of JPEGs")
    ap.add_argument("--seconds", type=float, default=3.0, help="per timing round and side")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    bench = os.path.join(args.build_dir, "bench", "preprocess_bench")
    exe = os.path.join(args.build_dir, "harness", "clipbench")
    for f in (bench, exe):
        if not os.path.exists(f):
            sys.exit(f"missing {f}: build first (cmake -S . -B build -G Ninja && ninja -C build)")
    torch.set_num_threads(1)
    import PIL
    import torchvision
    with tempfile.TemporaryDirectory(prefix="clipbench_vs_pillow_") as tmp:
        paths = write_jpegs(tmp, args.count)
        worst = check_pixels(exe, paths, tmp)
        best_py, best_cb = (0.0, 0.0), (0.0, 0.0)
        for r in range(args.rounds):
            py = time_pillow(paths, args.seconds)
            cb = time_clipbench(bench, tmp, args.seconds)
            print(f"round {r + 1}: Pillow+torchvision {py[0]:7.1f} img/s cpu {py[1]:7.1f} wall | "
                  f"clipbench {cb[0]:7.1f} img/s cpu {cb[1]:7.1f} wall")
            best_py = max(best_py, py)
            best_cb = max(best_cb, cb)
    print(f"\n{args.count} baseline JPEGs 500x375 -> 3x224x224 float32, one thread, best of {args.rounds}")
    print(f"  Pillow {PIL.__version__} + torchvision {torchvision.__version__}: "
          f"{best_py[0]:7.1f} images/s (CPU time), {best_py[1]:7.1f} images/s (wall)")
    print(f"  clipbench preprocess_bench:        {best_cb[0]:7.1f} images/s (CPU time), "
          f"{best_cb[1]:7.1f} images/s (wall)")
    print(f"  ratio clipbench / Pillow: {best_cb[0] / best_py[0]:.2f}x (CPU time), "
          f"{best_cb[1] / best_py[1]:.2f}x (wall)")
    print(f"  pixels vs Pillow on these files: max difference {worst}")


if __name__ == "__main__":
    main()
