#!/usr/bin/env bash
# Is the cache install (install-side-by-side's c) at the disk's floor? A store entry is durable before it is
# registered, so c ends only when every byte of the tree is on the disk; the admin's `curl | zstd -dc | tar -x` (d)
# ends when the bytes are in the page cache. In one run, on the same trees, this prints:
#   c      nvsdk install from its signed zstd cache, default flags (its traced pull and syncfs phases beside it)
#   c0     the same with NVSDK_EARLY_WRITEBACK=0: every write left to the final syncfs
#   d      the admin's pipeline, xargs -P nproc, no sync (the yardstick's d)
#   flush  the `sync` that makes d durable, timed alone: this disk's time to write the tree
#   dd     the raw floor: nproc `dd ... conv=fsync` writers of the tree's byte count from /dev/zero
# and c/d, c/(d+flush) and c/max(d, dd). c near max(d, dd) says nothing but the disk stands between c and d.
# Usage: bench/cache-install-durable-floor.sh [COUNT] [MiB] [rounds]   (default 8 256 2; the best of each is printed)
# NVSDK_BENCH_NO_DEPS=1 on a bare GPU host (out/tools/ carries docker-registry and zstd; scripts/stage-bench-tools.sh).
set -euo pipefail
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
count=${1:-8}; mib=${2:-256}; rounds=${3:-2}
source bench/lib/registry-bench.sh durable
python3 bench/lib/make_archives.py "$work/srv" "$count" "$mib" >/dev/null
start_python_mirror "$work/srv" "$work/mirror"
start_registry "$work/registry"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
# Before each timed run: the last run's tree gone and its deletion (ext4 may discard) settled, nothing dirty.
settle() { chmod -R u+w "$@" 2>/dev/null || true; rm -rf "$@"; sync; sleep 1; }

out/nvsdk install --lock "$lock" --root "$work/a" --quiet
out/nvsdk cache keygen k --out "$work" --quiet
out/nvsdk cache push "127.0.0.1:$REGISTRY_PORT/c" --key "$work/k.sec" --lock "$lock" --root "$work/a" --quiet
mkdir -p "$work/zsrv"
for entry in "$work"/a/store/*bench*; do tar -C "$entry" -cf - . | zstd -q -3 -T0 -o "$work/zsrv/$(basename "$entry").tar.zst"; done
zport=$(free_port)
python3 -m http.server "$zport" --bind 127.0.0.1 --directory "$work/zsrv" >/dev/null 2>&1 &
zpid=$!
wait_http "http://127.0.0.1:$zport/" zsrv /dev/null
bytes=$(du -sb "$work/a/store" | cut -f1)

# cache_install LABEL [ENV=VALUE...]: one traced cache install; prints its wall time, keeps the trace.
cache_install() {
  local label=$1 t; shift
  settle "$work/c"
  out/nvsdk cache use "127.0.0.1:$REGISTRY_PORT/c" --trusted-key "$work/k.pub" --root "$work/c" --quiet
  t=$(now)
  env NVSDK_TRACE_TIMINGS=1 "$@" out/nvsdk install --lock "$lock" --root "$work/c" --quiet 2> "$work/trace.$label"
  el "$t"
}
zd() { mkdir -p "$2/$(basename "$1")"; curl -sf "$1" | zstd -dc | tar -x -C "$2/$(basename "$1")"; }
export -f zd
admin() {
  local t; settle "$work/d"; mkdir -p "$work/d"; t=$(now)
  ls "$work/zsrv" | sed "s|^|http://127.0.0.1:$zport/|" | xargs -P"$(nproc)" -I{} bash -c 'zd "$@"' _ {} "$work/d"
  echo "$(el "$t") $(t=$(now); sync; el "$t")"
}
# raw: nproc writers of bytes/nproc each, every one ending with fsync, from a clean disk.
raw() {
  local t n per pids=""; settle "$work/dd"; mkdir -p "$work/dd"; n=$(nproc); per=$(( bytes / n / 1048576 + 1 )); t=$(now)
  for i in $(seq "$n"); do dd if=/dev/zero of="$work/dd/$i" bs=1M count="$per" conv=fsync status=none & pids="$pids $!"; done
  wait $pids; el "$t"
}
for r in $(seq "$rounds"); do
  cache_install "c$r" >> "$work/c.times"
  cache_install "c0$r" NVSDK_EARLY_WRITEBACK=0 >> "$work/c0.times"
  admin >> "$work/d.times"
  raw >> "$work/dd.times"
done
kill "$zpid" 2>/dev/null || true
c=$(best < "$work/c.times"); c0=$(best < "$work/c0.times"); dd=$(best < "$work/dd.times")
d=$(cut -d' ' -f1 "$work/d.times" | best); flush=$(cut -d' ' -f2 "$work/d.times" | best)
phase() { grep -h -E "$2" "$work/trace.$1" | sed 's/^nvsdk: timing +[0-9.]* s  //' | head -3 | paste -sd';'; }
printf '%d entries, %d MiB, %d files, %d cores, best of %d\n' "$count" $((bytes >> 20)) "$(find "$work/a/store" -type f | wc -l)" "$(nproc)" "$rounds"
printf 'c   nvsdk from its zstd cache               %7.3f s   (%s)\n' "$c" "$(phase c1 'fetch, unpack|syncfs|early writeback')"
printf 'c0  the same, NVSDK_EARLY_WRITEBACK=0       %7.3f s   (%s)\n' "$c0" "$(phase c01 'fetch, unpack|syncfs|early writeback')"
printf 'd   admin curl | zstd -dc | tar -x, -P%d    %7.3f s\n' "$(nproc)" "$d"
printf 'flush  sync after d                          %7.3f s   d+flush %.3f s\n' "$flush" "$(awk -v a="$d" -v b="$flush" 'BEGIN { print a + b }')"
printf 'dd  %d writers of the same bytes, fsync     %7.3f s\n' "$(nproc)" "$dd"
floor=$(awk -v a="$d" -v b="$dd" 'BEGIN { print (a > b) ? a : b }')
printf 'c/d %s (yardstick goal <= 1.0)  c/(d+flush) %s  c/max(d,dd) %s  c0/c %s\n' \
  "$(ratio "$c" "$d")" "$(ratio "$c" "$(awk -v a="$d" -v b="$flush" 'BEGIN { print a + b }')")" "$(ratio "$c" "$floor")" "$(ratio "$c0" "$c")"
