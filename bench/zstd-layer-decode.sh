#!/usr/bin/env bash
# One large binary-cache layer (issue 15's tail): nvsdk's pull of a tree holding ONE ~MIB MiB file (as libcublasLt is), so one tar+zstd layer,
# against the admin's `curl | zstd -dc | tar -x` of the SAME layer blob from the same registry, in one run.
# nvsdk's figure is its own trace of that layer's pull (NVSDK_TRACE_TIMINGS=1: download, zstd, tar, SHA-256
# of every file, writes; the commit's syncfs is not in it), so both sides do the same work but the hashing.
# Each side runs with the system's libzstd (default) and with the managed ZstdSharp (NVSDK_ZSTD_DECODER=managed,
# what nvsdk used before), so one run shows before and after. Page cache is warm for both (the blob was just
# pushed); nothing is synced.
# BEFORE=path/to/an/older/nvsdk adds that binary's pull (e.g. one built from the commit before this bench).
# Usage: bench/zstd-layer-decode.sh [MiB] [runs]   (default 400 MiB, 3 runs; the best run of each is printed)
set -euo pipefail
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
mib=${1:-400}
runs=${2:-3}
source bench/lib/registry-bench.sh zstdbench

echo "building one single-block tar.xz archive holding one ~$mib MiB file, and installing it from a loopback mirror..."
python3 bench/lib/make_archives.py "$work/srv" 1 "$mib" --single-block --one-file
start_python_mirror "$work/srv" "$work/nginx"
start_registry "$work/registry"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
repo="nvsdk-cache"
cache="127.0.0.1:$REGISTRY_PORT/$repo"
out/nvsdk install --lock "$lock" --root "$work/a" --quiet
out/nvsdk cache keygen bench-1 --out "$work" --quiet
out/nvsdk cache push "$cache" --key "$work/bench-1.sec" --lock "$lock" --root "$work/a" --quiet

# The largest layer of the entry nvsdk pushed: the blob both sides read.
api="http://127.0.0.1:$REGISTRY_PORT/v2/$repo"
tag=$(curl -sf "$api/tags/list" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tags"][0])')
layer=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$api/manifests/$tag" |
  python3 -c 'import json,sys; m=json.load(sys.stdin); l=max(m["layers"], key=lambda l: l["size"]); print(l["digest"], l["size"], len(m["layers"]))')
read -r digest size layers <<<"$layer"
echo "entry $tag: $layers layer(s); the largest is $((size >> 20)) MiB compressed ($digest)"

now() { date +%s.%N; }
best() { sort -n | head -1; }
admin() {
  rm -rf "$work/x"; mkdir -p "$work/x"
  local t0; t0=$(now)
  curl -sf "$api/blobs/$digest" | zstd -dc | tar -x -C "$work/x"
  awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'
}
ours() { # $1: native|managed|before -> the layer pull's own timing, in seconds
  local root="$work/r" nv=out/nvsdk; chmod -R u+w "$root" 2>/dev/null || true; rm -rf "$root"
  [ "$1" = before ] && nv=$BEFORE
  "$nv" cache use "$cache" --trusted-key "$work/bench-1.pub" --root "$root" --quiet
  NVSDK_ZSTD_DECODER=$([ "$1" = managed ] && echo managed || echo native) NVSDK_TRACE_TIMINGS=1 \
    "$nv" install --lock "$lock" --root "$root" --quiet 2> "$work/trace"
  grep -q "cache pull" "$work/trace" || { echo "no cache pull in the trace (not installed from the cache?):" >&2; cat "$work/trace" >&2; exit 1; }
  sed -n 's/.*cache pull .* \([0-9.]*\) s$/\1/p' "$work/trace" | sort -n | tail -1
}

declare -A t
sides=(admin native managed); [ -z "${BEFORE:-}" ] || sides+=(before)
for side in "${sides[@]}"; do
  t[$side]=$(for _ in $(seq "$runs"); do if [ "$side" = admin ]; then admin; else ours "$side"; fi; done | best)
done
files=$(find "$work/x" -type f | wc -l)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\none layer: %d MiB compressed, %d files, %d cores, libzstd %s, best of %d\n' "$((size >> 20))" "$files" "$(nproc)" "$(zstd --version | sed 's/.*v\([0-9.]*\).*/\1/')" "$runs"
printf 'admin: curl | zstd -dc | tar -x              %6.3f s\n' "${t[admin]}"
printf 'nvsdk cache pull, libzstd (now)              %6.3f s   ratio %s\n' "${t[native]}" "$(ratio "${t[native]}" "${t[admin]}")"
printf 'nvsdk cache pull, ZstdSharp (forced)         %6.3f s   ratio %s\n' "${t[managed]}" "$(ratio "${t[managed]}" "${t[admin]}")"
[ -z "${BEFORE:-}" ] || printf 'nvsdk cache pull, %-26s %6.3f s   ratio %s\n' "$BEFORE" "${t[before]}" "$(ratio "${t[before]}" "${t[admin]}")"
