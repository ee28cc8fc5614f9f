#!/usr/bin/env bash
# Stages what the install benchmarks need on a bare GPU host into out/tools/ (ignored by git, carried to the
# host with out/nvsdk): Debian's docker-registry (a Go binary), zstd and xz with the libraries they link, as
# wrappers that find those libraries beside them, GNU time as gnu-time, plus the side-by-side yardstick
# (../shared/bench) if present, calling gnu-time.
# The bench scripts put out/tools on PATH. Usage: scripts/stage-bench-tools.sh   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh >/dev/null
tools=out/tools
# Only what this script stages: out/tools also holds the fuzzer's sharpfuzz (scripts/fuzz.sh).
rm -rf "$tools/bin" "$tools/lib" "$tools/bench" "$tools/docker-registry" "$tools/zstd" "$tools/xz" "$tools/gnu-time"
mkdir -p "$tools/bin" "$tools/lib"
cp "$(command -v docker-registry || echo /usr/bin/docker-registry)" "$tools/docker-registry"
for tool in zstd xz; do
  cp "$(command -v $tool)" "$tools/bin/$tool"
  # Only the libraries beyond libc, so the host's own libc is used.
  ldd "$(command -v $tool)" | awk '/=> \// {print $3}' | grep -v -E '/libc\.so|/ld-linux' | xargs -r cp -L -t "$tools/lib"
  printf '#!/bin/sh\nd=$(dirname "$(readlink -f "$0")")\nLD_LIBRARY_PATH="$d/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$d/bin/%s" "$@"\n' "$tool" > "$tools/$tool"
  chmod +x "$tools/$tool"
done
# GNU time (max RSS), which a bare host may lack: it links only libc. The yardstick calls it as gnu-time.
cp /usr/bin/time "$tools/gnu-time"
shared=../shared/bench
[ -d "$shared" ] || shared=/work/shared/bench
if [ -d "$shared" ]; then cp -r "$shared" "$tools/bench"; sed -i 's|/usr/bin/time |gnu-time |' "$tools/bench/install-side-by-side.sh"; fi
"$tools/zstd" --version >/dev/null && "$tools/xz" --version >/dev/null
du -sh "$tools" out/nvsdk
