#!/usr/bin/python3
"""Linear-probe C sweep on Fashion-MNIST pixels: `clipbench probe-fit` vs scikit-learn, same run.

The data of fixtures/probe/fashion_mnist_pixels.json: pixels / 255 of Debian's dataset-fashion-mnist
(train[0:5000], val = train[5000:6000], test = t10k[0:2000]). Writes the three splits as safetensors
(`features` float32 [N, 784], `labels` int64 [N]), runs `clipbench probe-fit` on them (the paper's
parametric binary search over log10 C, refit on train + val, test accuracy), then scikit-learn 1.2's
LogisticRegression(C, solver="lbfgs", max_iter=1000) through the same search (cold starts, float64
pixels, as the fixture was made), and prints both times, the ratio and each side's chosen log10 C and
test accuracy, plus one JSON line with everything.

Prerequisites (bench only; not needed by the build or tests, not in scripts/setup's list):
Debian's python3-sklearn (pulls python3-numpy, python3-scipy): sudo apt-get install -y python3-sklearn;
a Release build of the `clipbench` executable (ninja -C build clipbench).

Usage: /usr/bin/python3 bench/probe_vs_sklearn.py [--build-dir build] [--data /usr/share/datasets/fashion-mnist]
       [--threads N] [--skip-sklearn]   (clipbench only; no ratio)
scikit-learn takes about 5 minutes for the sweep on 2 cores.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def write_safetensors(path, tensors):
    """The public safetensors layout: u64 LE header length, JSON header, raw LE data."""
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[arr.dtype]
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
        blobs.append(arr.tobytes())
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def sklearn_sweep(xtr, ytr, xva, yva, xte, yte):
    """The paper's search with scikit-learn, as fixtures/probe was produced."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    scores = {}

    def val_acc(log10_c):
        if log10_c not in scores:
            clf = LogisticRegression(C=10.0 ** log10_c, solver="lbfgs", max_iter=1000)
            clf.fit(xtr, ytr)
            scores[log10_c] = float((clf.predict(xva) == yva).mean())
        return scores[log10_c]

    def better(a, b):
        return val_acc(a) > val_acc(b) or (val_acc(a) == val_acc(b) and a < b)

    best = -6.0
    for c in (-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0):
        if better(c, best):
            best = c
    step = 2.0
    while step > 0.125:
        step /= 2
        centre = best
        for c in (centre - step, centre + step):
            if better(c, best):
                best = c
    clf = LogisticRegression(C=10.0 ** best, solver="lbfgs", max_iter=1000)
    clf.fit(np.concatenate([xtr, xva]), np.concatenate([ytr, yva]))
    return best, float((clf.predict(xte) == yte).mean()), scores


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--skip-sklearn", action="store_true")
    ap.add_argument("--threads", type=int, default=0,
                    help="clipbench probe-fit --threads (default: LibTorch's default)")
    args = ap.parse_args()

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    t_images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784)
    t_labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    x = images / 255.0
    xt = t_images / 255.0
    splits = {"train": (x[:5000], labels[:5000]), "val": (x[5000:6000], labels[5000:6000]),
              "test": (xt[:2000], t_labels[:2000])}

    exe = os.path.join(args.build_dir, "harness", "clipbench")
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, (f, l) in splits.items():
            paths[name] = os.path.join(tmp, name + ".safetensors")
            write_safetensors(paths[name], {"features": f.astype(np.float32), "labels": l})
        t0 = time.perf_counter()
        cmd = [exe, "probe-fit", "--train", paths["train"], "--val", paths["val"],
               "--test", paths["test"]]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        ours_wall = time.perf_counter() - t0
    ours = json.loads(out.stdout)
    print(f"clipbench probe-fit: {ours_wall:.1f} s wall ({ours['seconds']:.1f} s inside, "
          f"{ours['threads']} threads), log10 C = {ours['log10_C']}, val {ours['val_accuracy']:.4f}, "
          f"test {ours['test_accuracy']:.4f}")
    for p in ours["evaluated"]:
        print(f"  log10 C {p['log10_C']:+.3f}: val {p['val_accuracy']:.4f}, {p['iterations']} it, "
              f"{p['seconds']:.2f} s")
    result = {"clipbench_seconds": ours_wall, "clipbench_log10_C": ours["log10_C"],
              "clipbench_test_acc": ours["test_accuracy"], "clipbench_threads": ours["threads"]}
    if not args.skip_sklearn:
        import sklearn
        t0 = time.perf_counter()
        best, test_acc, scores = sklearn_sweep(*splits["train"], *splits["val"], *splits["test"])
        sk_wall = time.perf_counter() - t0
        print(f"scikit-learn {sklearn.__version__}: {sk_wall:.1f} s, log10 C = {best}, "
              f"test {test_acc:.4f}")
        print(f"speed-up: {sk_wall / ours_wall:.1f}x; same chosen C: "
              f"{abs(best - ours['log10_C']) < 1e-9}")
        result.update({"sklearn_seconds": sk_wall, "sklearn_log10_C": best,
                       "sklearn_test_acc": test_acc, "speedup": sk_wall / ours_wall,
                       "sklearn_val_acc": {str(k): v for k, v in sorted(scores.items())}})
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
