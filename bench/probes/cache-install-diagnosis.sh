#!/usr/bin/env bash
# Where does the cache install's time go on this host? The yardstick's archives (install-side-by-side.sh 8 256), then:
# the cache install with CPU figures (GNU time) and vmstat, at default -j, -j 8 and -j 32; the registry's own speed
# (every layer blob, 16 curls at once); the same layers through 16 `curl | zstd -dc | tar -x` (the decode-and-write
# floor without hashing or durability); sha256sum of the store; the tar|tar floor. Needs scripts/build.sh and
# scripts/stage-bench-tools.sh first (out/nvsdk, out/tools). Usage: bench/probes/cache-install-diagnosis.sh [COUNT] [MIB]
set -uo pipefail
export NVSDK_ACCEPT_LICENSES=1 PATH="$PWD/out/tools:$PATH"
NV=$PWD/out/nvsdk; here=$PWD/out/tools/bench
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "$2 did not start"; exit 1; }
# The yardstick's archive maker, staged with it; without the yardstick there is nothing to diagnose against.
[ -f "$here/lib/make_archives.py" ] || { echo "skipped: no yardstick in out/tools/bench (scripts/stage-bench-tools.sh copies ../shared/bench there)"; exit 0; }
w=$(mktemp -d /var/tmp/diag.XXXXXX)
now() { date +%s.%N; }; el() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }
t=$(now); python3 "$here/lib/make_archives.py" "$w/srv" ${1:-8} ${2:-256}; echo "archives $(el $t) s"
P=$(free_port); python3 -m http.server "$P" --bind 127.0.0.1 --directory "$w/srv" >/dev/null 2>&1 & MP=$!; wait_http "http://127.0.0.1:$P/" mirror
mkdir -p "$w/reg/data"; R=$(free_port); printf 'version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nstorage: { filesystem: { rootdirectory: %s/reg/data } }\nhttp: { addr: 127.0.0.1:%s }\n' "$w" "$R" > "$w/reg/config.yml"
docker-registry serve "$w/reg/config.yml" >"$w/reg/log" 2>&1 & RP=$!; wait_http "http://127.0.0.1:$R/v2/" registry
trap 'kill $MP $RP 2>/dev/null; rm -rf "$w"' EXIT
sed -i "s/127.0.0.1:PORT/127.0.0.1:$P/" "$w/srv/bench.lock.json"; lock="$w/srv/bench.lock.json"
t=$(now); "$NV" install --lock "$lock" --root "$w/a" --quiet; echo "a $(el $t) s"
"$NV" cache keygen k --out "$w" --quiet
t=$(now); "$NV" cache push "127.0.0.1:$R/c" --key "$w/k.sec" --lock "$lock" --root "$w/a" --quiet; echo "push $(el $t) s"
cinstall() { # $1 label, rest: extra flags
  local label=$1; shift; rm -rf "$w/c"; "$NV" cache use "127.0.0.1:$R/c" --trusted-key "$w/k.pub" --root "$w/c" --quiet; sync
  vmstat 1 > "$w/vm.$label" & local vp=$!
  NVSDK_TRACE_TIMINGS=1 out/tools/gnu-time -f "$label: %e s wall, %U user, %S sys, %M KiB" "$NV" install "$@" --lock "$lock" --root "$w/c" --quiet 2> "$w/trace.$label"
  kill $vp; grep -E "wall|fetch, unpack|syncfs" "$w/trace.$label"; echo "vmstat $label:"; cat "$w/vm.$label"
}
cinstall default
cinstall j8 -j 8
cinstall j32 -j 32
cinstall default2
# registry floor: every layer blob of every entry, 16 at once, to /dev/null
blobs=$(for f in "$w"/reg/data/docker/registry/v2/blobs/sha256/*/*/data; do s=$(stat -c %s "$f"); [ "$s" -gt 1000000 ] && echo "$(basename $(dirname $f))"; done)
echo "$(echo "$blobs" | wc -l) layer blobs, $(du -sb "$w/reg/data" | cut -f1) bytes in the registry"
t=$(now); echo "$blobs" | xargs -P16 -I{} curl -sf -o /dev/null "http://127.0.0.1:$R/v2/c/blobs/sha256:{}"; echo "registry all blobs, 16 curls: $(el $t) s"
t=$(now); echo "$blobs" | xargs -P16 -I{} sh -c "curl -sf http://127.0.0.1:$R/v2/c/blobs/sha256:{} | zstd -dc > /dev/null"; echo "registry + zstd -dc > null, 16 at once: $(el $t) s"
mkdir -p "$w/zz"; t=$(now); echo "$blobs" | xargs -P16 -I{} sh -c "mkdir -p $w/zz/{}; curl -sf http://127.0.0.1:$R/v2/c/blobs/sha256:{} | zstd -dc | tar -x -C $w/zz/{} 2>/dev/null"; echo "registry + zstd | tar -x, 16 at once: $(el $t) s"
rm -rf "$w/zz"; mkdir -p "$w/zz"; t=$(now); echo "$blobs" | xargs -P16 -I{} sh -c "mkdir -p $w/zz/{}; curl -sf http://127.0.0.1:$R/v2/c/blobs/sha256:{} | zstd -dc | tar -x -C $w/zz/{} 2>/dev/null"; echo "again: $(el $t) s"
t=$(now); find "$w/a/store" -type f -size +1M -print0 | xargs -0 -P16 -n8 sha256sum > /dev/null; echo "sha256sum of every store file, 16 at once: $(el $t) s"
mkdir -p "$w/e"; sync; t=$(now); for x in "$w"/a/store/*bench*; do mkdir -p "$w/e/$(basename $x)"; (tar -C "$x" -cf - . | tar -x -C "$w/e/$(basename $x)") & pids="${pids:-} $!"; done; wait $pids; echo "floor tar|tar 8: $(el $t) s"
