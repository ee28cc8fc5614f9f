# Sourced by the benches that pull from a loopback mirror and docker-registry (cache-vs-source.sh,
# zstd-layer-decode.sh), from the repository root: Debian's tools unless NVSDK_BENCH_NO_DEPS=1 (a GPU host
# without them: python3 serves the mirror, out/tools/ may carry docker-registry), out/nvsdk built if missing,
# and a scratch folder $work (with $work/srv for the archives) whose servers and files go when the bench exits.
# Usage: source bench/lib/registry-bench.sh NAME
# Also gives the timing helpers these benches share: now (a timestamp), el T (seconds since T), best (the least of
# the lines on stdin) and ratio A B.
[ -n "${NVSDK_BENCH_NO_DEPS:-}" ] || scripts/deps.sh
[ -x out/nvsdk ] || scripts/build.sh
export PATH="$PWD/out/tools:$PATH"
work=$(mktemp -d "/var/tmp/nvsdk-$1.XXXXXX")
source scripts/lib/nginx.sh
source scripts/lib/registry.sh
trap 'stop_nginx; stop_python_mirror; stop_registry; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/srv"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }
best() { sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
