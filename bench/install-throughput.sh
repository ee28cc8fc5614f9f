#!/usr/bin/env bash
# Install throughput: ~1 GiB (uncompressed) of realistic archives (real shared libraries and .NET
# assemblies from this machine, in NVIDIA's redistrib layout, tar.xz), served by a local nginx. In one run:
#   (a) nvsdk install, cold: fetch + sha256 + unpack + assemble a generation (hard links)
#   (b) what an admin would write, sequential: curl -o, sha256sum -c, xz -dc | tar -x, one archive at a time
#   (c) the same pipeline for all archives at once (xargs -P$(nproc))
# and prints a/b and a/c, the no-op install time and the `check --all-systems` time.
# Usage: bench/install-throughput.sh [archives] [MiB each]   (default 4 × 256)
set -euo pipefail
# The fixture locks name NVIDIA's real licences; accepting them is not what is measured here.
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
count=${1:-4}
mib=${2:-256}
scripts/deps.sh
[ -x out/nvsdk ] || scripts/build.sh
work=$(mktemp -d /var/tmp/nvsdk-bench.XXXXXX)
source scripts/lib/nginx.sh
trap 'stop_nginx; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/srv"
port_placeholder="127.0.0.1:PORT"

echo "building $count archives of ~$mib MiB uncompressed (xz -1, multi-block) from this machine's libraries..."
python3 bench/lib/make_archives.py "$work/srv" "$count" "$mib"
start_nginx "$work/srv" "$work/nginx"
sed -i "s/$port_placeholder/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
urls=$(python3 -c "import json,sys; [print(a['sources'][0]['url']) for c in json.load(open('$work/srv/bench.lock.json'))['components'] for a in c['artifacts']]")
now() { date +%s.%N; }
admin_one() { # url dest: download, verify against the published sums, unpack
  local f="$2/$(basename "$1")"
  curl -sf -o "$f" "$1" && (cd "$2" && grep " $(basename "$1")\$" "$3" | sha256sum -c --quiet) && mkdir -p "$2/x" && xz -dc "$f" | tar -x -C "$2/x"
}
export -f admin_one

sync
t0=$(now); mkdir -p "$work/seq"
for u in $urls; do admin_one "$u" "$work/seq" "$work/srv/SHA256SUMS"; done
t1=$(now); seq_s=$(echo "$t1 - $t0" | bc -l); rm -rf "$work/seq"

sync
t0=$(now); mkdir -p "$work/par"
echo "$urls" | xargs -P "$(nproc)" -I{} bash -c 'd="$1/$(basename "$2" .tar.xz)"; mkdir -p "$d"; admin_one "$2" "$d" "$3"' _ "$work/par" {} "$work/srv/SHA256SUMS"
t1=$(now); par_s=$(echo "$t1 - $t0" | bc -l); rm -rf "$work/par"

sync
t0=$(now)
out/nvsdk install --lock "$work/srv/bench.lock.json" --root "$work/root" --quiet
t1=$(now); nv_s=$(echo "$t1 - $t0" | bc -l)

best_noop=999999
for _ in $(seq 5); do
  t0=$(now); out/nvsdk install --lock "$work/srv/bench.lock.json" --root "$work/root" --quiet; t1=$(now)
  ms=$(echo "($t1 - $t0) * 1000" | bc -l); best_noop=$(echo "if ($ms < $best_noop) $ms else $best_noop" | bc -l)
done
best_check=999999
for _ in $(seq 10); do
  t0=$(now); out/nvsdk check --all-systems --lock nvsdk.lock.json --quiet; t1=$(now)
  ms=$(echo "($t1 - $t0) * 1000" | bc -l); best_check=$(echo "if ($ms < $best_check) $ms else $best_check" | bc -l)
done

files=$(find "$work/root/generations/current/" -type f | wc -l)
printf '\n%d archives, %s MiB unpacked (%d files), nginx on loopback, %d cores\n' "$count" "$((count * mib))" "$files" "$(nproc)"
printf '(a) nvsdk install (cold)            %6.2f s\n' "$nv_s"
printf '(b) curl, sha256sum, xz|tar, seq    %6.2f s\n' "$seq_s"
printf '(c) the same, xargs -P%d             %6.2f s\n' "$(nproc)" "$par_s"
printf 'ratio a/b = %.2f   ratio a/c = %.2f   (target a/c <= 0.8)\n' "$(echo "$nv_s / $seq_s" | bc -l)" "$(echo "$nv_s / $par_s" | bc -l)"
printf 'no-op install (whole process, best of 5): %.1f ms (target <= 50)   check --all-systems: %.1f ms\n' "$best_noop" "$best_check"
