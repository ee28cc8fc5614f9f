#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs the Debian tools the tests drive (nginx, makeself, xz),
# builds, publishes out/nvsdk so the CLI tests exercise the binary users get, and ends with
# "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# A build failure is a failed run too, and says so in the closing line CI reads.
scripts/build.sh || { echo "0 passed, 1 failed"; exit 1; }
# The arm64 binary, cross-built: the emulation and packaging tests run it under qemu.
scripts/build.sh linux-arm64 || { echo "0 passed, 1 failed"; exit 1; }
export NVSDK_BIN="$PWD/out/nvsdk" NVSDK_BIN_ARM64="$PWD/out/linux-arm64/nvsdk"
log=$(mktemp)
set +e
dotnet test nvsdk.slnx -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 34, Skipped: 0, Total: 34, ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { print p+0, f+0, s+0 }' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a build or runner failure counts
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
