#!/usr/bin/env bash
# No-op install (target <= 50 ms): a second `nvsdk install` that finds the lock's generation current decides so
# from the lock and a few stat calls. Against baselines in the same run: `true` (the cost of starting a process)
# and `nvsdk --version` (the NativeAOT runtime and the command tree), so the figure that is nvsdk's own work is
# the difference. Then one traced run (NVSDK_TRACE_TIMINGS=1) shows where the time goes.
# The archives are tiny and local (file:// sources): what is measured is the decision, not a download.
# Usage: bench/noop-install.sh [components] [runs]   (default 8 components, 30 runs; NV=path picks the binary)
set -euo pipefail
export NVSDK_ACCEPT_LICENSES=1 # the bench lock's licence is not what is measured
cd "$(dirname "$0")/.."
count=${1:-8}
runs=${2:-30}
NV=$(realpath "${NV:-out/nvsdk}")
export PATH="$PWD/out/tools:$PATH" # a bare GPU host: xz from scripts/stage-bench-tools.sh
[ -x "$NV" ] || scripts/build.sh
work=$(mktemp -d /var/tmp/nvsdk-noop.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/srv"
python3 bench/lib/make_archives.py "$work/srv" "$count" 1 --single-block >/dev/null
sed -i "s|http://127.0.0.1:PORT/|file://$work/srv/|" "$work/srv/bench.lock.json"
lock="$work/srv/bench.lock.json"
"$NV" install --lock "$lock" --root "$work/root" --quiet
noop=("$NV" install --lock "$lock" --root "$work/root" --quiet)
"${noop[@]}" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["noOp"], "the second install was not a no-op"'
echo "$count components, $(nproc) cores, $NV"
python3 bench/lib/time_runs.py "$runs" "true" -- true
python3 bench/lib/time_runs.py "$runs" "nvsdk --version" -- "$NV" --version
python3 bench/lib/time_runs.py "$runs" "nvsdk install (no-op, --quiet)" -- "${noop[@]}"
python3 bench/lib/time_runs.py "$runs" "nvsdk install (no-op, text)" -- "$NV" install --lock "$lock" --root "$work/root"
echo "one traced no-op (NVSDK_TRACE_TIMINGS=1):"
NVSDK_TRACE_TIMINGS=1 "${noop[@]}"
