#!/usr/bin/env bash
# Cold install of the CUDA toolkit's redistrib set (the shipped lock's packages, linux-x86_64) against its floor.
# Archives are synthesised from NVIDIA's manifest: one single-block tar.xz per package at SCALE x its real
# compressed size (libcublas 761 MiB at SCALE=1), served on loopback. Prints:
#   (a) nvsdk install, cold, default flags (max RSS from /usr/bin/time -v)
#   (f) floor: `xz -dc` of the largest archive alone (once every core is busy, the largest archive is the tail)
#   (g) every archive's `xz -dc` at once, xargs -P nproc (on few cores the total decode, not the tail, binds)
#   a/f (goal <= 1.2), a/g, and the no-op install (goal <= 50 ms, the best of 5).
# Usage: bench/redistrib-install.sh [SCALE]   (1 on the GPU host; 0.05 fits a 2-core box)
# Needs python3, xz, curl, /usr/bin/time (out/tools/ is put on PATH, see scripts/stage-bench-tools.sh).
set -euo pipefail
# The synthesised packages carry a test licence; a benchmark accepts it as CI does.
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
scale=${1:-1}
NV=$(realpath "${NV:-out/nvsdk}")
export PATH="$PWD/out/tools:$PATH"
manifest=${MANIFEST:-$PWD/bench/lib/cuda_redistrib_13.1.1.json}
source scripts/lib/loopback.sh
work=$(mktemp -d /var/tmp/nvsdk-redist.XXXXXX)
trap '[ -z "${MIRROR_PID:-}" ] || kill $MIRROR_PID 2>/dev/null || true; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
now() { date +%s.%N; }; el() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }

echo "synthesising the redistrib set at scale $scale..."
python3 bench/lib/make_redistrib_archives.py "$manifest" "$work/srv" "$scale"
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/srv" >/dev/null 2>&1 & MIRROR_PID=$!
wait_http "http://127.0.0.1:$port/" mirror /dev/null
sed -i "s/127.0.0.1:PORT/127.0.0.1:$port/" "$work/srv/bench.lock.json"

timer=$(command -v gnu-time || echo /usr/bin/time)
sync; t=$(now); "$timer" -v -o "$work/a.time" "$NV" install --lock "$work/srv/bench.lock.json" --root "$work/a" --quiet; a=$(el $t)
largest=$(ls -S "$work"/srv/*.tar.xz | head -1)
t=$(now); xz -dc "$largest" > /dev/null; f=$(el $t)
t=$(now); ls "$work"/srv/*.tar.xz | xargs -P"$(nproc)" -I{} sh -c 'xz -dc "$1" > /dev/null' _ {}; g=$(el $t)
# The best of 5: one sample right after an install of gigabytes catches the disk still busy (59 ms once on the H200).
noop=$(for _ in 1 2 3 4 5; do t=$(now); "$NV" install --lock "$work/srv/bench.lock.json" --root "$work/a" --quiet; el $t; echo; done | sort -n | head -1)

cz=$(du -cb "$work"/srv/*.tar.xz | tail -1 | cut -f1); ub=$(du -sb "$work/a/store" | cut -f1)
files=$(find "$work/a/generations/current/" -type f | wc -l)
printf '%d packages, xz %d MiB, store %d MiB, %d files in the generation, %d cores, scale %s\n' \
  "$(ls "$work"/srv/*.tar.xz | wc -l)" $((cz >> 20)) $((ub >> 20)) "$files" "$(nproc)" "$scale"
printf '(a) nvsdk install, cold, default flags  %7.2f s  (max RSS %s KiB)\n' "$a" "$(awk -F': ' '/Maximum resident/ {print $2}' "$work/a.time")"
printf '(f) floor: xz -dc %-40s %7.2f s\n' "$(basename "$largest")" "$f"
printf '(g) every archive xz -dc, xargs -P%d              %7.2f s  (the floor when cores, not the tail, bind)\n' "$(nproc)" "$g"
printf 'no-op install %.3f s (goal <= 0.050)\n' "$noop"
awk -v a="$a" -v f="$f" -v g="$g" 'BEGIN { printf "a/f %.2f (goal <= 1.2)  a/g %.2f\n", a / f, a / g }'
