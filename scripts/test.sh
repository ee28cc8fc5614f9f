#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs the Debian tools the tests drive (nginx, makeself, xz, …),
# builds, publishes out/nvsdk so the CLI tests exercise the binary users get, runs every test, then the
# store-writing CLI tests again as an unprivileged user, then the fuzz and benchmark smokes, and ends with
# "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
# A build failure is a failed run too, and says so in the closing line CI reads.
scripts/build.sh || { echo "0 passed, 1 failed"; exit 1; }
# The arm64 binary, cross-built: the emulation and packaging tests run it under qemu.
scripts/build.sh linux-arm64 || { echo "0 passed, 1 failed"; exit 1; }
export NVSDK_BIN="$PWD/out/nvsdk" NVSDK_BIN_ARM64="$PWD/out/linux-arm64/nvsdk"
log=$(mktemp)
set +e
dotnet test nvsdk.slnx -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The non-root lane: the CLI tests that write a store (install, fetch, verify, gc, generations, image and cache
# pulls, signals) once more with every nvsdk running as "nobody", as most users run it.
if [ "$(id -u)" = 0 ]; then
  echo "non-root lane: the store-writing CLI tests again, nvsdk as uid 65534"
  NVSDK_TEST_AS_UID=65534 dotnet test tests/Nvsdk.Cli.Tests -c Release --no-build --filter "Lane=NonRoot" 2>&1 | tee -a "$log"
  lane=${PIPESTATUS[0]}
  [ "$lane" -eq 0 ] || status=$lane
else
  echo "non-root lane skipped: this run is not root already (it cannot switch users); CI runs it"
fi
set -e
# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 34, Skipped: 0, Total: 34, ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { print p+0, f+0, s+0 }' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a build or runner failure counts
# A smoke script's closing "<name>: N passed, N failed[, N skipped]" is added to the totals; a smoke that could
# not run (a tool missing, a build failure) is one failure. Its output goes to stderr through a temp file, not
# `tee /dev/stderr`: opening /dev/stderr truncates a log file it points at.
smoke() {
  local log line
  log=$(mktemp)
  "$@" > "$log" 2>&1
  cat "$log" >&2
  line=$(tail -1 "$log")
  rm -f "$log"
  if [[ "$line" =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2])); skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
  else
    failed=$((failed + 1))
  fi
}
set +e
# Coverage-guided fuzzing: each target briefly under afl-fuzz, one test each.
smoke scripts/fuzz.sh smoke "${NVSDK_FUZZ_SECONDS:-10}"
# Every benchmark once at its smallest size, one test each: they run for real only on the GPU host, whose time is short.
smoke scripts/bench-smoke.sh
set -e
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
