#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of untrusted bytes (fuzz/Nvsdk.Fuzz): SharpFuzz instruments
# Nvsdk.Core.dll so afl++ sees which branches each input takes. Invariant per input: success or one of
# nvsdk's own errors, no write outside the staging folder, at most 512 MiB of GC heap (a bigger allocation
# is an OutOfMemoryException, which afl records as a crash).
#   scripts/fuzz.sh smoke [SECONDS]          every target for SECONDS (default 10); exit 1 on any crash (CI)
#   scripts/fuzz.sh run TARGET SECONDS       one long run; prints executions, paths and crashes
# Findings are under out/fuzz/findings/<target>/default/{crashes,hangs}; replay one (uninstrumented) with
#   dotnet fuzz/Nvsdk.Fuzz/bin/Release/net10.0/Nvsdk.Fuzz.dll TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-smoke}
out=out/fuzz
targets=(tar tar-raw cache-layer zip makeself xz lock redistrib host-toml oci-manifest oci-index exporter-http)

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz is missing: apt-get install afl++ (scripts/deps.sh)" >&2
  exit 1
fi

# Build, then instrument a fresh copy of Nvsdk.Core.dll (SharpFuzz rewrites it in place).
rm -rf "$out/bin"
dotnet publish fuzz/Nvsdk.Fuzz -c Release -o "$out/bin" --nologo -v q >/dev/null
tool=out/tools/sharpfuzz
[ -x "$tool" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path out/tools >/dev/null
"$tool" "$out/bin/Nvsdk.Core.dll" >/dev/null

# Seed corpora, from the repository's fixtures and tiny archives made by the real tools.
seeds() {
  local c="$out/corpus" tree
  rm -rf "$c"; mkdir -p "$c"
  for t in "${targets[@]}"; do mkdir -p "$c/$t"; done
  tree=$(mktemp -d)
  mkdir -p "$tree/pkg-1.0/lib" "$tree/pkg-1.0/include"
  echo 'int x;' > "$tree/pkg-1.0/include/x.h"
  printf 'lib' > "$tree/pkg-1.0/lib/libx.so.1"
  ln -s libx.so.1 "$tree/pkg-1.0/lib/libx.so"
  tar -C "$tree" -czf "$c/tar/pkg.tar.gz" pkg-1.0
  tar -C "$tree" -cf "$c/tar-raw/pkg.tar" pkg-1.0
  tar -C "$tree" --format=gnu -cf "$c/tar-raw/pkg-gnu.tar" pkg-1.0
  tar -C "$tree" -cJf "$c/xz/pkg.tar.xz" pkg-1.0
  cp "$c/tar-raw/pkg.tar" "$c/cache-layer/"
  python3 - "$c/cache-layer/parts.tar" <<'PY'
import io, sys, tarfile
data = b"0123456789abcdef"
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for offset in (0, 8):
        info = tarfile.TarInfo("pkg-1.0/lib/libbig.so"); info.size = 8; info.mode = 0o755
        info.pax_headers = {"NVSDK.part.offset": str(offset), "NVSDK.part.size": str(len(data))}
        t.addfile(info, io.BytesIO(data[offset:offset + 8]))
PY
  (cd "$tree" && zip -q -y -r "$OLDPWD/$c/zip/pkg.zip" pkg-1.0)
  makeself --quiet --nox11 --gzip "$tree/pkg-1.0" "$c/makeself/pkg.run" fuzz true >/dev/null 2>&1 || true
  rm -rf "$tree"
  cp nvsdk.lock.json "$c/lock/"
  cp tests/fixtures/redist/cudnn_redistrib_9.20.0.json tests/fixtures/redist/cutensor_redistrib_2.3.0.json "$c/redistrib/"
  cp examples/*.toml "$c/host-toml/"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%064d","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%064d","size":10}]}' 0 1 > "$c/oci-manifest/manifest.json"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064d","size":300,"platform":{"architecture":"amd64","os":"linux"}}]}' 2 > "$c/oci-index/index.json"
  printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9400\r\nConnection: keep-alive\r\n' > "$c/exporter-http/get"
  printf 'HEAD / HTTP/1.0\r\nContent-Length: 5\r\n' > "$c/exporter-http/head"
}
seeds

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_GCHeapHardLimit=0x20000000 DOTNET_TieredPGO=0

fuzz() { # target seconds
  local t=$1 secs=$2 dir="$out/findings/$1"
  rm -rf "$dir"; mkdir -p "$out/findings"
  afl-fuzz -V "$secs" -m none -t 10000 -i "$out/corpus/$t" -o "$dir" -- dotnet "$out/bin/Nvsdk.Fuzz.dll" "$t" >"$dir.log" 2>&1 || true
  local stats="$dir/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "$t: afl-fuzz did not start (see $dir.log)"; tail -5 "$dir.log" >&2; return 2
  fi
  local execs paths crashes
  execs=$(awk -F': ' '/^execs_done/ {print $2}' "$stats")
  paths=$(awk -F': ' '/^corpus_count/ {print $2}' "$stats")
  crashes=$(find "$dir/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
  echo "$t: $execs executions, $paths paths, $crashes crashes (${secs}s)"
  [ "$crashes" -eq 0 ]
}

case "$mode" in
  smoke)
    secs=${2:-10}; passed=0; failed=0
    for t in "${targets[@]}"; do
      if fuzz "$t" "$secs"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "fuzz smoke: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
  run)
    fuzz "$2" "${3:-600}"
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke [SECONDS] | run TARGET SECONDS" >&2; exit 2 ;;
esac
