#!/usr/bin/env bash
# Publishes the CLI as one self-contained NativeAOT binary for a target: linux-x64 (default) -> out/nvsdk,
# linux-arm64 -> out/linux-arm64/nvsdk, cross-compiled on x86_64 with clang and Debian's aarch64 cross
# toolchain (gcc-aarch64-linux-gnu links against libc6-dev-arm64-cross; objcopy strips the symbols).
# Usage: scripts/build.sh [linux-x64|linux-arm64]
set -euo pipefail
cd "$(dirname "$0")/.."
rid=${1:-linux-x64}
extra=()
case "$rid" in
  linux-x64) out=out ;;
  linux-arm64)
    out=out/linux-arm64
    if [ "$(uname -m)" != aarch64 ]; then
      for tool in clang aarch64-linux-gnu-gcc aarch64-linux-gnu-objcopy; do
        command -v "$tool" >/dev/null || { echo "scripts/build.sh: $tool is missing (scripts/deps.sh installs the arm64 cross toolchain)" >&2; exit 2; }
      done
      # ILC links through clang --target=aarch64-linux-gnu, which finds the cross gcc's crt files and libc;
      # the host objcopy cannot strip an aarch64 ELF, the cross binutils' can.
      extra=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
    fi ;;
  *) echo "usage: scripts/build.sh [linux-x64|linux-arm64]" >&2; exit 2 ;;
esac
dotnet publish src/Nvsdk.Cli -c Release -r "$rid" -o "$out" -p:TreatWarningsAsErrors=true "${extra[@]}" -v quiet -nologo
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml # one file ships: symbols and docs stay out
echo "built $(pwd)/$out/nvsdk ($(du -h "$out/nvsdk" | cut -f1))"
