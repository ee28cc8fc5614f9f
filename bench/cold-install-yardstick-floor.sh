#!/usr/bin/env bash
# install-side-by-side's (a) and (b) on its own archives, beside the floor they share: `xz -dc` of the largest
# archive alone. NVIDIA's archives are single-block xz, so each decodes on one core whatever the machine; once every
# core is busy the largest archive is the tail, and neither nvsdk nor the admin can end before it. In one run:
#   a      nvsdk install, cold, default flags (durable: one syncfs before the entries are registered)
#   b      the admin's xargs -P nproc pipeline (curl, sha256sum -c, xz -dc | tar -x), no sync
#   flush  the `sync` that makes b durable, timed alone (b+flush is the yardstick's ADMIN_SYNC=1 figure)
#   f      xz -dc > /dev/null of the largest archive, alone on the machine
#   g      every archive's xz -dc > /dev/null at once (xargs -P nproc): the largest one's decode while the others
#          share the caches and memory with it, as they do in a and b
#   h      nvsdk install of the largest archive's component alone (durable): nvsdk's own overhead over f, without
#          the other archives competing for the cores' clocks, the memory and the disk
# and a/b, a/(b+flush), a/f, a/g, h/f, and f/(b+flush), g/(b+flush): above 0.8, the goal a <= 0.8 x (b+flush) sits
# below the decoders' own time. Usage: bench/cold-install-yardstick-floor.sh [COUNT] [MiB]   (default 8 256)
# Uses the yardstick's archive maker (out/tools/bench where scripts/stage-bench-tools.sh put it, ../shared/bench or
# /work/shared/bench); without one it prints "skipped: ..." and exits 0.
set -euo pipefail
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
count=${1:-8}; mib=${2:-256}
maker=
for dir in out/tools/bench ../shared/bench /work/shared/bench; do
  [ -f "$dir/lib/make_archives.py" ] && { maker=$dir/lib/make_archives.py; break; }
done
# The yardstick lives outside this repository; without it there is nothing to compare with.
[ -n "$maker" ] || { echo "skipped: the shared yardstick (../shared/bench/lib/make_archives.py) is not on this machine"; exit 0; }
source bench/lib/registry-bench.sh yardstick-floor
python3 "$maker" "$work/srv" "$count" "$mib" >/dev/null
start_python_mirror "$work/srv" "$work/mirror"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
urls=$(python3 -c "import json; [print(a['sources'][0]['url']) for c in json.load(open('$lock'))['components'] for a in c['artifacts']]")
admin() { f="$2/$(basename "$1")"; curl -sf -o "$f" "$1"; (cd "$2" && grep " $(basename "$1")\$" "$3" | sha256sum -c --quiet); mkdir -p "$2/x/$(basename "$1")"; xz -dc "$f" | tar -x -C "$2/x/$(basename "$1")"; }
export -f admin

sync; t=$(now); NVSDK_TRACE_TIMINGS=1 out/nvsdk install --lock "$lock" --root "$work/a" --quiet 2> "$work/trace.a"; a=$(el "$t")
mkdir -p "$work/b"; sync; t=$(now)
echo "$urls" | xargs -P"$(nproc)" -I{} bash -c 'admin "$@"' _ {} "$work/b" "$work/srv/SHA256SUMS"
b=$(el "$t"); t=$(now); sync; flush=$(el "$t")
largest=$(ls -S "$work"/srv/*.tar.xz | head -1)
t=$(now); xz -dc "$largest" > /dev/null; f=$(el "$t")
t=$(now); ls "$work"/srv/*.tar.xz | xargs -P"$(nproc)" -I{} sh -c 'xz -dc "$1" > /dev/null' _ {}; g=$(el "$t")
sync; t=$(now); out/nvsdk install "$(basename "$largest" | cut -d- -f1)" --lock "$lock" --root "$work/h" --quiet; h=$(el "$t")
bf=$(awk -v a="$b" -v b="$flush" 'BEGIN { print a + b }')
printf '%d archives, xz %d MiB, largest %s (%d MiB), %d cores\n' "$count" $(( $(du -cb "$work"/srv/*.tar.xz | tail -1 | cut -f1) >> 20 )) \
  "$(basename "$largest")" $(( $(stat -c %s "$largest") >> 20 )) "$(nproc)"
printf 'a      nvsdk install, cold, default flags   %7.3f s   (%s)\n' "$a" \
  "$(grep -h -E 'fetch, unpack|syncfs' "$work/trace.a" | sed 's/^nvsdk: timing +[0-9.]* s  //' | paste -sd';')"
printf 'b      admin pipeline, -P%d, no sync        %7.3f s\n' "$(nproc)" "$b"
printf 'flush  sync after b                        %7.3f s   b+flush %.3f s\n' "$flush" "$bf"
printf 'f      xz -dc of the largest archive        %7.3f s\n' "$f"
printf 'g      xz -dc of every archive at once      %7.3f s\n' "$g"
printf 'h      nvsdk install of the largest alone   %7.3f s\n' "$h"
printf 'a/b %s (goal <= 1.0)  a/(b+flush) %s (goal <= 0.8)  a/f %s  a/g %s  h/f %s  f/(b+flush) %s  g/(b+flush) %s (above 0.8: that goal is below the floor)\n' \
  "$(ratio "$a" "$b")" "$(ratio "$a" "$bf")" "$(ratio "$a" "$f")" "$(ratio "$a" "$g")" "$(ratio "$h" "$f")" "$(ratio "$f" "$bf")" "$(ratio "$g" "$bf")"
