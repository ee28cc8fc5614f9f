#!/usr/bin/env bash
# The floor of a cold install from NVIDIA-style archives: one single-block tar.xz (as NVIDIA ships; one core decodes
# it whatever the machine) installed by nvsdk (download, SHA-256, decode, unpack, syncfs, generation) against plain
# `xz -dc > /dev/null` of the same file and the admin's `xz -dc | tar -x`, in one run. A ratio near 1.0 says the
# install is the decoder's time and nothing more: no scheduling can beat it, and install-side-by-side's a/b can
# fall below 1.0 only by what the admin's pipeline adds around the same decode (download, sha256sum -c, sync).
# Usage: bench/cold-install-xz-floor.sh [MiB] [runs]   (default 256 MiB, 2 runs; the best of each is printed)
set -euo pipefail
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
mib=${1:-256}
runs=${2:-2}
source bench/lib/registry-bench.sh xzfloor
python3 bench/lib/make_archives.py "$work/srv" 1 "$mib" --single-block >/dev/null
start_python_mirror "$work/srv" "$work/nginx"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
archive=$(ls "$work"/srv/*.tar.xz)
decode() { local t; t=$(now); xz -dc "$archive" > /dev/null; el "$t"; }
admin() { local t; rm -rf "$work/x"; mkdir -p "$work/x"; sync; t=$(now); xz -dc "$archive" | tar -x -C "$work/x"; el "$t"; }
ours() { local t; chmod -R u+w "$work/r" 2>/dev/null || true; rm -rf "$work/r"; sync; t=$(now); out/nvsdk install --lock "$lock" --root "$work/r" --quiet; el "$t"; }
d=$(for _ in $(seq "$runs"); do decode; done | best)
a=$(for _ in $(seq "$runs"); do admin; done | best)
n=$(for _ in $(seq "$runs"); do ours; done | best)
printf 'one single-block tar.xz: %d MiB xz, %d cores, best of %d\n' "$(($(stat -c %s "$archive") >> 20))" "$(nproc)" "$runs"
printf 'xz -dc > /dev/null (the floor)        %7.3f s\n' "$d"
printf 'admin: xz -dc | tar -x                %7.3f s   ratio %.2f\n' "$a" "$(awk -v a="$a" -v b="$d" 'BEGIN { print a / b }')"
printf 'nvsdk install (fetch to generation)   %7.3f s   ratio %.2f\n' "$n" "$(awk -v a="$n" -v b="$d" 'BEGIN { print a / b }')"
