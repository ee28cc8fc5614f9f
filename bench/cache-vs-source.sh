#!/usr/bin/env bash
# Binary cache and image pull (issue 7). On ~1 GiB (uncompressed) of realistic archives in NVIDIA's layout
# and compression (tar.xz, ONE xz block per archive as NVIDIA ships them: decoding cannot use more than one
# core per archive), in one run:
#   (a) nvsdk install from the xz mirror (nginx), cold: fetch + verify + xz-decode + unpack + generation
#   (b) nvsdk install from the binary cache (docker-registry on loopback, trees pushed as signed tar+zstd)
#   (c) nvsdk image pull of an image made of the same trees (tar+gzip layers, pushed by skopeo)
#   (d) skopeo copy of the same image to an OCI layout
# and prints a/b (target >= 5) and c/d (target <= 1.0).
# Usage: bench/cache-vs-source.sh [archives] [MiB each]   (default 4 × 256)
set -euo pipefail
# The fixture locks name NVIDIA's real licences; accepting them is not what is measured here.
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
count=${1:-4}
mib=${2:-256}
# On a GPU host without Debian's packages (NVSDK_BENCH_NO_DEPS=1): python3 serves the mirror, out/tools/
# may carry docker-registry (one static-ish Go binary), and the skopeo half is skipped if skopeo is missing.
source bench/lib/registry-bench.sh bench

echo "building $count single-block tar.xz archives of ~$mib MiB uncompressed..."
python3 bench/lib/make_archives.py "$work/srv" "$count" "$mib" --single-block
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  start_nginx "$work/srv" "$work/nginx"
else
  start_python_mirror "$work/srv" "$work/nginx"
fi
start_registry "$work/registry"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
cache="127.0.0.1:$REGISTRY_PORT/nvsdk-cache"

sync; t0=$(now)
out/nvsdk install --lock "$lock" --root "$work/a" --quiet
a_s=$(el "$t0")

out/nvsdk cache keygen bench-1 --out "$work" --quiet
t0=$(now)
out/nvsdk cache push "$cache" --key "$work/bench-1.sec" --lock "$lock" --root "$work/a" --quiet
push_s=$(el "$t0")
out/nvsdk cache use "$cache" --trusted-key "$work/bench-1.pub" --root "$work/b" --quiet

hits_before=$(grep -c 'GET /bench' "$work/nginx/access.log" || true)
sync; t0=$(now)
out/nvsdk install --lock "$lock" --root "$work/b" --json > "$work/b.json"
b_s=$(el "$t0")
from_cache=$(python3 -c "import json; print(json.load(open('$work/b.json'))['fromCache'])")
mirror_hits=$(( $(grep -c 'GET /bench' "$work/nginx/access.log" || true) - hits_before ))

c_s=0; d_s=0
if command -v skopeo >/dev/null 2>&1; then
echo "building an OCI image of the same trees and pushing it with skopeo..."
python3 bench/lib/make_oci_layout.py "$work/layout" 1 $(ls -d "$work"/a/store/*-bench*-1.0.* | grep -v '\.tar\.xz$')
echo '{"default":[{"type":"insecureAcceptAnything"}]}' > "$work/policy.json"
skopeo --policy "$work/policy.json" copy --quiet --dest-tls-verify=false "oci:$work/layout:1" "docker://127.0.0.1:$REGISTRY_PORT/bench/sdk:1"

sync; t0=$(now)
out/nvsdk image pull "127.0.0.1:$REGISTRY_PORT/bench/sdk:1" --root "$work/c" --quiet
c_s=$(el "$t0")
sync; t0=$(now)
skopeo --policy "$work/policy.json" copy --quiet --src-tls-verify=false "docker://127.0.0.1:$REGISTRY_PORT/bench/sdk:1" "oci:$work/d:1"
d_s=$(el "$t0")
else
  echo "skopeo is not installed: (c) and (d) skipped"
fi

files=$(find "$work/b/generations/current/" -type f | wc -l)
printf '\n%d archives, %s MiB unpacked (%d files), single-block xz, %d cores, nginx + docker-registry on loopback\n' "$count" "$((count * mib))" "$files" "$(nproc)"
printf '(a) install from the xz mirror (cold)        %6.2f s\n' "$a_s"
printf '(b) install from the binary cache (cold)     %6.2f s   (%s trees from the cache, %s requests to the mirror)\n' "$b_s" "$from_cache" "$mirror_hits"
printf '    cache push of those trees (once)         %6.2f s\n' "$push_s"
printf '(c) nvsdk image pull                         %6.2f s\n' "$c_s"
printf '(d) skopeo copy docker:// -> oci:            %6.2f s\n' "$d_s"
printf 'ratio a/b = %s (target >= 5)\n' "$(ratio "$a_s" "$b_s")"
[ "$d_s" = 0 ] || printf 'ratio c/d = %s (target <= 1.0)\n' "$(ratio "$c_s" "$d_s")"
