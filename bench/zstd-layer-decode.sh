#!/usr/bin/env bash
# One huge file from the binary cache (issue 15's tail): nvsdk's pull of a tree holding ONE ~MIB MiB file (as libcublasLt
# is), which nvsdk pushes as parts in several layers, against the admin's `curl | zstd -dc | tar -x` of the same tree as
# ONE tar.zst (zstd -3, what an admin would make) from a loopback HTTP server, in one run.
# nvsdk's figure is its own trace of the entry's pull (NVSDK_TRACE_TIMINGS=1: download, zstd, tar, SHA-256
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

# The entry nvsdk pushed, and the same tree as the admin's one tar.zst.
api="http://127.0.0.1:$REGISTRY_PORT/v2/$repo"
tag=$(curl -sf "$api/tags/list" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tags"][0])')
layer=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$api/manifests/$tag" |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]), len(m["layers"]))')
read -r size layers <<<"$layer"
echo "entry $tag: $layers layer(s), $((size >> 20)) MiB compressed"
mkdir -p "$work/zsrv"
tar -C "$work/a/store/$tag" -cf - . | zstd -q -3 -T0 -o "$work/zsrv/tree.tar.zst"
zport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$zport" --bind 127.0.0.1 --directory "$work/zsrv" >/dev/null 2>&1 & zpid=$!
trap 'kill $zpid 2>/dev/null; stop_nginx; stop_python_mirror; stop_registry; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$zport/" && break; sleep 0.05; done

admin() {
  rm -rf "$work/x"; mkdir -p "$work/x"
  local t0; t0=$(now)
  curl -sf "http://127.0.0.1:$zport/tree.tar.zst" | zstd -dc | tar -x -C "$work/x"
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
  cp "$work/trace" "$work/trace.$1"
}

declare -A t
sides=(admin native managed); [ -z "${BEFORE:-}" ] || sides+=(before)
for side in "${sides[@]}"; do
  t[$side]=$(for _ in $(seq "$runs"); do if [ "$side" = admin ]; then admin; else ours "$side"; fi; done | best)
done
files=$(find "$work/x" -type f | wc -l)
printf '\none file: %d layer(s), %d MiB compressed, %d files, %d cores, libzstd %s, best of %d\n' "$layers" "$((size >> 20))" "$files" "$(nproc)" "$(zstd --version | sed 's/.*v\([0-9.]*\).*/\1/')" "$runs"
printf 'admin: curl | zstd -dc | tar -x              %6.3f s\n' "${t[admin]}"
printf 'nvsdk cache pull, libzstd (now)              %6.3f s   ratio %s\n' "${t[native]}" "$(ratio "${t[native]}" "${t[admin]}")"
printf 'nvsdk cache pull, ZstdSharp (forced)         %6.3f s   ratio %s\n' "${t[managed]}" "$(ratio "${t[managed]}" "${t[admin]}")"
[ -z "${BEFORE:-}" ] || printf 'nvsdk cache pull, %-26s %6.3f s   ratio %s\n' "$BEFORE" "${t[before]}" "$(ratio "${t[before]}" "${t[admin]}")"
