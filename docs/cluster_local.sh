#!/usr/bin/env bash
# Runs the commands of docs/cluster.md on one machine, with local stand-ins for the scheduler's
# variables: a Slurm job array (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, one shard after the
# other), a torchrun launch (RANK / WORLD_SIZE / LOCAL_RANK / MASTER_ADDR / MASTER_PORT, 2 ranks on
# 127.0.0.1) and an srun launch (SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID). Each result is checked
# against the plain single-process run: same records (value, metrics, n), same report.json.
# Usage: docs/cluster_local.sh [BUILD_DIR (default build)] [WORK_DIR (default: a new temp dir)]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
work=${2:-$(mktemp -d /tmp/clipbench-cluster-XXXXXX)}
clipbench=$build/harness/clipbench
suite=$repo/suites/cluster_local.json
vocab=$(cd "$repo/.." && pwd)/shared/reference/openai-clip/bpe_simple_vocab_16e6.txt.gz
[ -x "$clipbench" ] || { echo "cluster_local: $clipbench not built (ninja -C $build clipbench)" >&2; exit 2; }
mkdir -p "$work"
echo "cluster_local: working in $work"

# The run's outcome per record file (value, metrics, n, skipped), without timings or versions.
outcome() {
  python3 - "$1" <<'PY'
import json, pathlib, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*__*__*__*__*.json")):
    r = json.loads(f.read_text())
    print(f.name, r["value"], json.dumps(r["metrics"], sort_keys=True), r["n"], r["skipped"])
PY
}
report_json() {
  "$clipbench" report --format json --results "$1" 2>/dev/null
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j.pop("results"); print(json.dumps(j, sort_keys=True))' "$1/report.json"
}
same() {  # same NAME DIR_A DIR_B
  if diff <(outcome "$2") <(outcome "$3") > /dev/null && diff <(report_json "$2") <(report_json "$3") > /dev/null; then
    echo "cluster_local: $1: $(outcome "$3" | wc -l) records and report.json equal the single-process run"
  else
    echo "cluster_local: $1 DIFFERS from the single-process run:" >&2
    diff <(outcome "$2") <(outcome "$3") >&2 || true
    exit 1
  fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
seconds() { date +%s.%N; }

# 1. The reference: the whole suite in one process.
t0=$(seconds)
"$clipbench" run --suite "$suite" --out "$work/single" 2> "$work/single.log"
t1=$(seconds)
echo "cluster_local: single process: $(echo "$t1 - $t0" | bc) s"

# 2. A Slurm job array of 2 tasks (sbatch --array=0-1), one task after the other here.
t0=$(seconds)
for id in 0 1; do
  SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 \
    "$clipbench" run --suite "$suite" --out "$work/array" 2> "$work/array-$id.log"
done
t1=$(seconds)
echo "cluster_local: job array, 2 shards in sequence: $(echo "$t1 - $t0" | bc) s"
same "job array (2 shards)" "$work/single" "$work/array"
# A re-submitted shard skips its finished jobs.
SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=2 "$clipbench" run --suite "$suite" --out "$work/array" 2>/dev/null

# 3. torchrun --nproc_per_node=2 --no-python clipbench eval ...: 2 ranks on 127.0.0.1.
t0=$(seconds)
"$clipbench" eval --checkpoint "$repo/../shared/fixtures/models/tiny-vit/model.safetensors" --vocab "$vocab" \
  --dataset fashion_mnist --data-root /usr/share/datasets --limit 2000 --batch-size 128 --out "$work/eval-single" \
  2> "$work/eval-single.log" > /dev/null
t1=$(seconds)
echo "cluster_local: eval, single process: $(echo "$t1 - $t0" | bc) s"
port=$(free_port)
t0=$(seconds)
for rank in 0 1; do
  RANK=$rank WORLD_SIZE=2 LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$clipbench" eval --checkpoint "$repo/../shared/fixtures/models/tiny-vit/model.safetensors" --vocab "$vocab" \
    --dataset fashion_mnist --data-root /usr/share/datasets --limit 2000 --batch-size 128 --threads 1 \
    --out "$work/torchrun" --dist-timeout 120 > "$work/torchrun-$rank.out" 2> "$work/torchrun-$rank.log" &
  pids[$rank]=$!
done
for rank in 0 1; do wait "${pids[$rank]}" || { echo "cluster_local: rank $rank failed, see $work/torchrun-$rank.log" >&2; exit 1; }; done
t1=$(seconds)
echo "cluster_local: torchrun stand-in, 2 ranks: $(echo "$t1 - $t0" | bc) s"
same "torchrun stand-in (2 ranks)" "$work/eval-single" "$work/torchrun"

# 4. srun --ntasks=2 clipbench run --suite ...: Slurm's task variables, data parallel inside each job.
port=$(free_port)
for task in 0 1; do
  SLURM_PROCID=$task SLURM_NTASKS=2 SLURM_LOCALID=$task MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$clipbench" run --suite "$suite" --out "$work/srun" --dist-timeout 120 2> "$work/srun-$task.log" &
  pids[$task]=$!
done
for task in 0 1; do wait "${pids[$task]}" || { echo "cluster_local: task $task failed, see $work/srun-$task.log" >&2; exit 1; }; done
same "srun stand-in (2 tasks)" "$work/single" "$work/srun"
echo "cluster_local: all stand-ins agree; logs in $work"
