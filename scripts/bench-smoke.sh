#!/usr/bin/env bash
# Stages the GPU host's bench tools, then runs every install benchmark in bench/ once at its smallest size, as CI does: a benchmark is only run for real on
# the GPU host, where device time is short, so one that broke here (a refused licence, a helper that moved) must
# fail CI, not that run. Times are not checked, only that each one ends with its figures.
# Each benchmark is one test; the last line is "bench smoke: N passed, N failed, N skipped".
# Usage: scripts/bench-smoke.sh   (after scripts/build.sh; needs what scripts/deps.sh test installs)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/out/tools:$PATH"
# The benchmarks accept the synthesised packages' test licence themselves; a smoke must not lend them ours.
unset NVSDK_ACCEPT_LICENSES

# name | arguments | the line that carries its figures (an extended regex on its output)
benches=(
  "cache-install-durable-floor.sh|2 4 1|^c/d [0-9.]+ .*c/max\(d,dd\) [0-9.]+"
  "cache-vs-source.sh|2 4|ratio c/d = [0-9.]+"
  "cold-install-xz-floor.sh|4 1|^nvsdk install .* ratio [0-9.]+"
  "cold-install-yardstick-floor.sh|2 4|^a/b [0-9.]+ .* g/\(b\+flush\) [0-9.]+"
  "fetch-throughput.sh|2 4|^no-op fetch: [0-9]+ ms"
  "install-throughput.sh|2 4|^no-op install \(whole process, best of 5\): [0-9.]+ ms"
  "noop-install.sh|2 3|^nvsdk install \\(no-op, --quiet\\) +min +[0-9.]+ ms"
  "redistrib-install.sh|0.002|^a/f [0-9.]+ .* a/g [0-9.]+"
  "xz-decode.sh|4|^single +1 +[0-9.]+ +[0-9.]+"
  "zstd-layer-decode.sh|8 1|ZstdSharp .* ratio [0-9.]+"
  "probes/cache-install-diagnosis.sh|2 4|^floor tar\|tar [0-9]+: [0-9.]+ s"
)

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One test: LABEL, the extended regex its output must match (its figures), then the command. It passes when the
# command exits 0 and prints a matching line, is skipped when it says "skipped: ...", and fails otherwise.
check() {
  local label=$1 figures=$2 rc=0; shift 2
  "$@" > "$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && grep -Eq "$figures" "$log"; then
    passed=$((passed + 1)); echo "bench smoke: $label: ok"
  elif grep -q '^skipped: ' "$log"; then
    skipped=$((skipped + 1)); echo "bench smoke: $label: $(grep -m1 '^skipped: ' "$log")"
  else
    failed=$((failed + 1)); echo "bench smoke: $label: FAILED (exit $rc, or no line matching /$figures/); its output:"
    tail -20 "$log" | sed 's/^/  | /'
  fi
}
# What a developer runs before carrying the benchmarks to the GPU host; the probe uses what it stages.
check scripts/stage-bench-tools.sh "out/nvsdk" scripts/stage-bench-tools.sh
for entry in "${benches[@]}"; do
  IFS='|' read -r name args figures <<< "$entry"
  # shellcheck disable=SC2086 # the arguments are words
  check "$name $args" "$figures" bash "bench/$name" $args
done
echo "bench smoke: $passed passed, $failed failed, $skipped skipped"
