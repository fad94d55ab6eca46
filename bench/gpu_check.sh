#!/usr/bin/env bash
# The GPU acceptance in one run (issue 7): builds clipbench against the pip LibTorch with CUDA
# (no OpenCV), runs the GPU tests (tests/clip/cuda: GPU preprocessing bit-exact vs CPU, nvJPEG vs
# libjpeg-turbo, encoders fp32 / bf16 / fp16 vs the goldens), then bench/pipeline_vs_python.py on
# 10,000 synthetic 500x375 JPEGs with ViT-B/32 formula weights: clipbench (nvJPEG + CUDA
# preprocessing + bf16 encoder) vs the Python reference (DataLoader + Pillow, the same module on
# the GPU in bf16) in the same run, and the GPU-vs-CPU feature table per precision.
# Acceptance: GPU features vs CPU rel. error < 1e-4 (fp32) / < 1e-2 (bf16); >= 8,000 images/s bf16.
#
# Usage (repository root, on the GPU machine): bench/gpu_check.sh [build-dir]
#   env: IMAGES (10000), BATCH (256), THREADS (nproc), COMPARE (512 images for the CPU comparison),
#        SHARED (../shared or ./shared), JOBS (nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-gpu}"
IMAGES="${IMAGES:-10000}"
BATCH="${BATCH:-256}"
THREADS="${THREADS:-$(nproc)}"
COMPARE="${COMPARE:-512}"
JOBS="${JOBS:-$(nproc)}"
if [[ -z "${SHARED:-}" ]]; then
  if [[ -d ../shared/fixtures ]]; then SHARED="$(cd ../shared && pwd)"; else SHARED="$(pwd)/shared"; fi
fi
python="${PYTHON:-python3}"
section() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

section "environment"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
command -v nvcc && nvcc --version | tail -1 || echo "nvcc not on PATH (CMake looks in /usr/local/cuda/bin too)"
ls /usr/include/nvjpeg.h /usr/local/cuda/include/nvjpeg.h 2>/dev/null || echo "nvjpeg.h: not in the usual places"

section "configure"
prefix="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCLIPBENCH_WITH_OPENCV=OFF -DCLIPBENCH_WITH_CUDA=ON -DCLIPBENCH_SHARED_DIR="$SHARED" \
  -DCLIPBENCH_BUILD_BENCH=OFF

section "build clipbench cuda_tests"
cmake --build "$build" -j "$JOBS" --target clipbench cuda_tests

section "GPU tests"
status=0
CLIPBENCH_REQUIRE_GPU=1 "$build/tests/cuda_tests" --success --reporter compact 2>&1 | tail -40 || status=1

section "throughput and agreement: ViT-B/32 bf16, $IMAGES images"
"$python" bench/pipeline_vs_python.py --build-dir "$build" --images "$IMAGES" \
  --threads "$THREADS" --batch-size "$BATCH" --device cuda --precision bf16 \
  --precisions fp32,bf16,fp16 --compare-cpu "$COMPARE" --shared-dir "$SHARED" --work-dir "${WORK_DIR:-/tmp/clipbench_gpu}" \
  || status=1
exit $status
