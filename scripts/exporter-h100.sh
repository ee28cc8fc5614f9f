#!/usr/bin/env bash
# The exporter on a real GPU host (like our H100 machine: no .NET there, only the NativeAOT binary). Starts
# `nvsdk exporter` on loopback, prints an excerpt of what it serves for the real GPUs, times 100 scrapes with
# curl (median, p95, max), lints the exposition with promtool when it is installed, stops the exporter with
# SIGTERM as the kubelet does (it must exit 0; a script's background job ignores SIGINT), and records a
# host snapshot with the metric values (`doctor --record`) that can replace
# tests/fixtures/snapshots/h100-driver580-metrics.json.
# Usage: scripts/exporter-h100.sh [path/to/nvsdk]   (NVSDK_EXPORTER_PORT, default 19400; OUT, default /tmp)
set -uo pipefail
nvsdk=${1:-out/nvsdk}
port=${NVSDK_EXPORTER_PORT:-19400}
out=${OUT:-/tmp}
url="http://127.0.0.1:$port/metrics"
log="$out/nvsdk-exporter.log"

"$nvsdk" exporter --listen "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
if ! curl -sf -o "$out/nvsdk-metrics.txt" "$url"; then
  echo "FAIL the exporter did not answer on $url"; cat "$log"; exit 1
fi
echo "== exporter log"; cat "$log"
echo "== excerpt of $url (GPU 0, nvsdk_*, doctor checks not ok)"
grep -E '^DCGM_FI_DEV_[A-Z_]+\{gpu="0"' "$out/nvsdk-metrics.txt"
grep -E '^nvsdk_' "$out/nvsdk-metrics.txt" | grep -v '^nvsdk_doctor_check' || true
grep -E '^nvsdk_doctor_check\{.*status="(warn|fail)"\} 1$' "$out/nvsdk-metrics.txt" || true
echo "   ($(grep -c '^[A-Za-z]' "$out/nvsdk-metrics.txt") series, $(wc -c <"$out/nvsdk-metrics.txt") bytes; full text in $out/nvsdk-metrics.txt)"

echo "== 100 scrapes (curl time_total, a new connection each)"
for _ in $(seq 100); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n >"$out/nvsdk-scrape-times.txt"
awk '{ t[NR] = $1 * 1000 } END {
  printf "median %.2f ms, p95 %.2f ms, max %.2f ms over %d scrapes\n", t[int(NR / 2) + 1], t[int(NR * 0.95)], t[NR], NR
  exit !(t[int(NR / 2) + 1] < 50) }' "$out/nvsdk-scrape-times.txt"
latency=$?
grep '^nvsdk_exporter_scrape_duration_seconds' <(curl -s "$url")

lint=0
if command -v promtool >/dev/null 2>&1; then
  echo "== promtool check metrics (only dcgm-exporter naming lint is expected)"
  promtool check metrics <"$out/nvsdk-metrics.txt"; code=$?
  echo "promtool exit $code (0 clean, 3 lint only, 1 the text does not parse)"
  [ "$code" -ne 1 ] || lint=1
fi

kill -TERM "$pid"; wait "$pid"; stopped=$?
trap - EXIT
echo "== exporter exit after SIGTERM: $stopped"
"$nvsdk" doctor --record "$out/nvsdk-h100-snapshot.json" >/dev/null
echo "== recorded $out/nvsdk-h100-snapshot.json (with the metric values)"

[ "$latency" -eq 0 ] && [ "$lint" -eq 0 ] && [ "$stopped" -eq 0 ] && echo "PASS exporter on the GPU host" && exit 0
echo "FAIL exporter on the GPU host (latency ok=$((latency == 0)), parses=$((lint == 0)), clean stop=$((stopped == 0)))"
exit 1
