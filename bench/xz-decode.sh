#!/usr/bin/env bash
# xz decoding: our XzDecoderStream (system liblzma, threaded decoder) against xz -dc on the same files, in one
# run. Two inputs made from the same data: multi-block (what `xz -T0` writes; blocks decode in parallel) and
# single-block (`xz -T1`; one core whatever you ask). Both sides run with one thread and with one per core.
# Usage: bench/xz-decode.sh [MiB of data]   (default 512; data = this host's shared libraries, repeated)
# XZBENCH=path/to/published/XzBench runs a prebuilt binary instead (for a host without the .NET SDK).
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-512}
command -v xz >/dev/null 2>&1 || scripts/deps.sh
work=$(mktemp -d /var/tmp/nvsdk-xzbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -n "${XZBENCH:-}" ]; then
  ours=("$XZBENCH")
else
  echo "building bench/XzBench (Release)"
  dotnet build -c Release bench/XzBench -v quiet -nologo >/dev/null
  ours=(dotnet run -c Release --no-build --project bench/XzBench --)
fi

# Realistic payload: CUDA/cuDNN archives are mostly ELF shared objects, so use the host's own.
libdir=/usr/lib/$(uname -m)-linux-gnu
echo "making $mib MiB of data from $libdir/*.so*"
find "$libdir" -type f -name '*.so*' | sort | xargs -d '\n' cat > "$work/one" 2>/dev/null || true
[ -s "$work/one" ] || { echo "no shared libraries found in $libdir" >&2; exit 1; }
# Repeat the set until big enough; the loop ends when head closes the pipe and cat dies of SIGPIPE.
{ while cat "$work/one"; do :; done; } | head -c "$((mib * 1024 * 1024))" > "$work/data" || true
rm "$work/one"

echo "compressing: multi-block (xz -T0 -6 --block-size=16MiB) and single-block (xz -T1 -6); this takes a while"
xz -T0 -6 --block-size=16MiB -c "$work/data" > "$work/multi.xz"
xz -T1 -6 -c "$work/data" > "$work/single.xz"
for f in multi single; do
  echo "  $f.xz: $(stat -c %s "$work/$f.xz") bytes, $(xz --robot --list "$work/$f.xz" | awk -F'\t' '$1=="totals"{print $3}') blocks"
done

bytes=$(stat -c %s "$work/data")
cores=$(nproc)
echo
echo "liblzma $(xz --version | awk '/liblzma/{print $2}'), $cores cores, $bytes bytes decoded per run"
printf '%-7s %-7s %10s %9s %11s %10s %8s\n' file threads "xz MiB/s" "xz cores" "ours MiB/s" "ours cores" "ours/xz"
for f in multi single; do
  for t in 1 0; do
    # xz: wall and CPU time from bash's time; cores = (user+sys)/wall.
    TIMEFORMAT='%R %U %S'
    read -r real user sys < <({ time xz -dc -T"$t" "$work/$f.xz" > /dev/null; } 2>&1)
    xz_rate=$(awk -v b="$bytes" -v s="$real" 'BEGIN{printf "%.1f", b/1048576/s}')
    xz_cores=$(awk -v r="$real" -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", (u+s)/r}')
    # ours: the program times the decode itself (runtime start-up excluded; it is ~0.1 s either way).
    line=$("${ours[@]}" "$work/$f.xz" "$t")
    [ "$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$line")" = "$bytes" ] || { echo "XzBench decoded the wrong size: $line" >&2; exit 1; }
    ours_rate=$(sed -n 's/.*mib_per_s=\([0-9.]*\).*/\1/p' <<<"$line")
    ours_cores=$(sed -n 's/.*cores_used=\([0-9.]*\).*/\1/p' <<<"$line")
    ratio=$(awk -v a="$ours_rate" -v b="$xz_rate" 'BEGIN{printf "%.2f", a/b}')
    label=$t; [ "$t" = 0 ] && label="$cores(T0)"
    printf '%-7s %-7s %10s %9s %11s %10s %8s\n' "$f" "$label" "$xz_rate" "$xz_cores" "$ours_rate" "$ours_cores" "$ratio"
  done
done
echo
echo "ours/xz > 1 means XzDecoderStream is faster. A single-block file cannot be decoded in parallel by anyone."
