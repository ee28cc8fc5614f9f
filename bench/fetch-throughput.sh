#!/usr/bin/env bash
# Fetch throughput: nvsdk fetch (parallel, sha256 while streaming, fsync, atomic store) against what an admin
# would write by hand (curl + sha256sum, sequential and parallel), on the same files from the same local
# nginx, in one run. Also times `nvsdk check --all-systems` on the shipped lock.
# Usage: bench/fetch-throughput.sh [files] [MiB per file]   (default 4 × 256 MiB)
set -euo pipefail
# The fixture locks name NVIDIA's real licences; accepting them is not what is measured here.
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
files=${1:-4}
mib=${2:-256}
scripts/deps.sh
[ -x out/nvsdk ] || scripts/build.sh
work=$(mktemp -d /var/tmp/nvsdk-bench.XXXXXX)
source scripts/lib/nginx.sh
trap 'stop_nginx; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/srv"

echo "making $files files of $mib MiB (incompressible)"
for i in $(seq 1 "$files"); do
  head -c "$((mib * 1024 * 1024))" /dev/urandom > "$work/srv/bench-$i-archive.tar.xz"
done

start_nginx "$work/srv" "$work/nginx"
port=$NGINX_PORT

python3 - "$work" "$port" "$files" <<'PY'
import hashlib, json, os, sys
work, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
arts = []
for i in range(1, n + 1):
    name = f"bench-{i}-archive.tar.xz"
    path = os.path.join(work, "srv", name)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    arts.append({"name": f"bench{i}", "version": "1.0", "license": "bench", "artifacts": [{
        "file": name, "systems": ["x86_64-linux", "aarch64-linux"], "format": "tar.xz",
        "sha256": h.hexdigest(), "size": os.path.getsize(path),
        "sources": [{"url": f"http://127.0.0.1:{port}/{name}", "role": "mirror"}]}]})
lock = {"lockVersion": 1, "sdk": {"cuda": "13.1.0"}, "systems": ["x86_64-linux", "aarch64-linux"], "components": arts}
json.dump(lock, open(os.path.join(work, "bench.lock.json"), "w"), indent=2)
PY

now() { date +%s.%N; }
urls=$(for i in $(seq 1 "$files"); do echo "http://127.0.0.1:$port/bench-$i-archive.tar.xz"; done)
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

# (b) sequential curl + sha256sum, as a shell loop would do it
mkdir -p "$work/seq"
t0=$(now)
for u in $urls; do curl -sf -o "$work/seq/$(basename "$u")" "$u"; sha256sum "$work/seq/$(basename "$u")" >/dev/null; done
t1=$(now); seq_s=$(echo "$t1 - $t0" | bc -l)
rm -rf "$work/seq"

# (c) the same, $files at once
mkdir -p "$work/par"
t0=$(now)
echo "$urls" | xargs -P "$files" -I{} sh -c 'f="$1/$(basename "$2")"; curl -sf -o "$f" "$2" && sha256sum "$f" >/dev/null' _ "$work/par" {}
t1=$(now); par_s=$(echo "$t1 - $t0" | bc -l)
rm -rf "$work/par"

# (d) raw transfer ceiling: curl in parallel, no hashing at all
mkdir -p "$work/raw"
t0=$(now)
echo "$urls" | xargs -P "$files" -I{} sh -c 'curl -sf -o "$1/$(basename "$2")" "$2"' _ "$work/raw" {}
t1=$(now); raw_s=$(echo "$t1 - $t0" | bc -l)
rm -rf "$work/raw"

# (a) nvsdk fetch into a fresh store
t0=$(now)
out/nvsdk fetch --lock "$work/bench.lock.json" --root "$work/root" --jobs "$files" --quiet
t1=$(now); nv_s=$(echo "$t1 - $t0" | bc -l)

# no-op fetch (everything already in the store)
t0=$(now); out/nvsdk fetch --lock "$work/bench.lock.json" --root "$work/root" --quiet; t1=$(now)
noop_ms=$(echo "($t1 - $t0) * 1000" | bc -l)

# check --all-systems on the shipped lock, best of 10 runs of the whole process
best=999999
for _ in $(seq 10); do
  t0=$(now); out/nvsdk check --all-systems --lock nvsdk.lock.json --quiet; t1=$(now)
  ms=$(echo "($t1 - $t0) * 1000" | bc -l)
  best=$(echo "if ($ms < $best) $ms else $best" | bc -l)
done

total_mib=$((files * mib))
printf '\nfiles: %d × %d MiB = %d MiB, nginx on loopback, %d cores\n' "$files" "$mib" "$total_mib" "$(nproc)"
printf '(a) nvsdk fetch            %6.2f s  %7.1f MiB/s\n' "$nv_s" "$(echo "$total_mib / $nv_s" | bc -l)"
printf '(b) curl + sha256sum, seq  %6.2f s  %7.1f MiB/s\n' "$seq_s" "$(echo "$total_mib / $seq_s" | bc -l)"
printf '(c) curl + sha256sum, -P%d  %6.2f s  %7.1f MiB/s\n' "$files" "$par_s" "$(echo "$total_mib / $par_s" | bc -l)"
printf '(d) curl only, -P%d (no hash) %4.2f s  %7.1f MiB/s\n' "$files" "$raw_s" "$(echo "$total_mib / $raw_s" | bc -l)"
printf 'ratio a/b = %.2f   ratio a/c = %.2f   (below 1: nvsdk is faster)\n' "$(echo "$nv_s / $seq_s" | bc -l)" "$(echo "$nv_s / $par_s" | bc -l)"
printf 'ratio a/d = %.2f   (nvsdk against raw curl, which verifies nothing)\n' "$(echo "$nv_s / $raw_s" | bc -l)"
printf 'no-op fetch: %.0f ms   check --all-systems (whole process, best of 10): %.1f ms\n' "$noop_ms" "$best"
