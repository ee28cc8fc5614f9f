#!/usr/bin/env bash
# On a GPU host: run `nvsdk doctor --json` and `nvidia-smi -q` 10 times each, print the medians and their ratio
# (target ≤ 0.5). Usage: bench/doctor-vs-nvidia-smi.sh [path/to/nvsdk]
set -euo pipefail
cd "$(dirname "$0")/.."
nvsdk_bin=${1:-out/nvsdk}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
"$nvsdk_bin" doctor --json >/dev/null 2>&1 || true   # warm the page cache for both
nvidia-smi -q >/dev/null
doctor=$(for _ in $(seq 10); do time_ms "$nvsdk_bin" doctor --json; done | median)
smi=$(for _ in $(seq 10); do time_ms nvidia-smi -q; done | median)
awk -v d="$doctor" -v s="$smi" 'BEGIN { printf "nvsdk doctor --json: median %.1f ms\nnvidia-smi -q:       median %.1f ms\nratio doctor/nvidia-smi = %.2f (target <= 0.5)\n", d/1000, s/1000, d/s }'
