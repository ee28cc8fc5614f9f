#!/usr/bin/env bash
# The fleet counters on a real GPU host (made for the H200 machine: no .NET there, the NativeAOT binary and
# a CUDA toolkit at /usr/local/cuda). Starts `nvsdk exporter` on loopback and records, into $OUT:
#   1. the exposition before anything happens: DCGM_FI_DEV_FB_RESERVED (NVML's v2 memory info), the
#      DCGM_FI_DRIVER_VERSION label on every GPU series, DCGM_FI_DEV_XID_ERRORS at 0, nvsdk_exporter_info;
#   2. an XID provoked on purpose: a tiny CUDA program writes through a wild pointer on GPU 0, which the
#      driver reports as XID 31 (GPU memory page fault: an application error; the context dies, the GPU does
#      not need a reset), then the exposition again: DCGM_FI_DEV_XID_ERRORS{gpu="0"} 31 and
#      nvsdk_gpu_xid_errors_total 1, and the exporter's log line naming the XID;
#   3. `nvsdk doctor`, whose gpu.xid check reads the XID back from the kernel log (run as root: dmesg).
#   Also whether the host has DCGM (libdcgm.so.4, nv-hostengine) into $OUT/dcgm-h200-DATE.txt: with it, the
#   DCGM_FI_PROF_* series must be served on every GPU (nvsdk_exporter_info{prof="available"}); without it,
#   none may be and nvsdk_exporter_info{prof="unavailable"} must say why.
# Exit 0 only when all of these hold. NVSDK_PROVOKE_XID=0 skips step 2 (and its checks).
# Usage: OUT=docs/runs scripts/exporter-h200.sh [path/to/nvsdk]   (NVSDK_EXPORTER_PORT, default 19400)
set -uo pipefail
nvsdk=$(realpath "${1:-out/nvsdk}")
port=${NVSDK_EXPORTER_PORT:-19400}
out=$(realpath "${OUT:-/tmp}")
cuda=${CUDA:-/usr/local/cuda}
stamp=$(date -u +%Y-%m-%d)
url="http://127.0.0.1:$port/metrics"
log="$out/exporter-h200-$stamp.log"
before="$out/exporter-h200-metrics-$stamp.txt"
after="$out/exporter-h200-metrics-after-xid-$stamp.txt"
mkdir -p "$out"
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }

echo "== DCGM on this host (the DCGM_FI_PROF_* fields need libdcgm.so.4)"
dcgm_report="$out/dcgm-h200-$stamp.txt"
{
  echo "\$ ls /usr/lib/x86_64-linux-gnu/libdcgm* /usr/lib64/libdcgm* /usr/lib/aarch64-linux-gnu/libdcgm*"
  ls -l /usr/lib/x86_64-linux-gnu/libdcgm* /usr/lib64/libdcgm* /usr/lib/aarch64-linux-gnu/libdcgm* 2>&1
  echo "\$ ldconfig -p | grep libdcgm"; ldconfig -p 2>/dev/null | grep libdcgm || echo "(none)"
  echo "\$ pgrep -a nv-hostengine"; pgrep -a nv-hostengine || echo "(not running)"
} | tee "$dcgm_report"
has_dcgm=0
{ ldconfig -p 2>/dev/null | grep -q 'libdcgm\.so\.4 '; } || ls /usr/lib/x86_64-linux-gnu/libdcgm.so.4 /usr/lib64/libdcgm.so.4 /usr/lib/aarch64-linux-gnu/libdcgm.so.4 >/dev/null 2>&1 && has_dcgm=1

"$nvsdk" exporter --listen "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
curl -sf -o "$before" "$url" || { echo "FAIL the exporter did not answer on $url"; cat "$log"; exit 1; }

echo "== GPU 0 before (fleet counters), $before"
grep -E '^(DCGM_FI_DEV_(FB_USED|FB_RESERVED|FB_FREE|XID_ERRORS|NVLINK_BANDWIDTH_TOTAL|VGPU_LICENSE_STATUS)\{gpu="0"|nvsdk_gpu_xid_errors_total|nvsdk_exporter_info|nvsdk_driver_info)' "$before"
check "FB_RESERVED served" "grep -q '^DCGM_FI_DEV_FB_RESERVED{' '$before'"
check "every DCGM series has the DCGM_FI_DRIVER_VERSION label" "! grep -E '^DCGM_FI_' '$before' | grep -vq 'DCGM_FI_DRIVER_VERSION=\"'"
gpus=$(grep -c '^DCGM_FI_DEV_GPU_TEMP{' "$before")
echo "== DCGM profiling fields (host has libdcgm.so.4: $has_dcgm)"
grep -E '^(nvsdk_exporter_info|DCGM_FI_PROF_[A-Z_]+\{gpu="0")' "$before" | tee -a "$dcgm_report"
grep 'DCGM_FI_PROF\|DCGM' "$log" | tee -a "$dcgm_report"
if [ "$has_dcgm" = 1 ]; then
  check "DCGM present: nvsdk_exporter_info{prof=\"available\"}" "grep -q '^nvsdk_exporter_info{prof=\"available\"' '$before'"
  check "DCGM present: DCGM_FI_PROF_GR_ENGINE_ACTIVE and PIPE_TENSOR_ACTIVE on every GPU" "[ \"\$(grep -c '^DCGM_FI_PROF_GR_ENGINE_ACTIVE{' '$before')\" = $gpus ] && [ \"\$(grep -c '^DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{' '$before')\" = $gpus ]"
else
  check "no DCGM: no DCGM_FI_PROF_* series and nvsdk_exporter_info{prof=\"unavailable\"} says why" "! grep -q '^DCGM_FI_PROF_' '$before' && grep -q '^nvsdk_exporter_info{prof=\"unavailable\",prof_reason=\"libdcgm.so.4 not found' '$before'"
fi
check "XID watched on every GPU (DCGM_FI_DEV_XID_ERRORS per GPU)" "[ \"\$(grep -c '^DCGM_FI_DEV_XID_ERRORS{' '$before')\" = \"\$(grep -c '^DCGM_FI_DEV_GPU_TEMP{' '$before')\" ]"

if [ "${NVSDK_PROVOKE_XID:-1}" = 1 ]; then
  echo "== provoke XID 31 on GPU 0 (a write through a wild pointer)"
  work=$(mktemp -d)
  cat >"$work/fault.cu" <<'CU'
#include <cstdio>
__global__ void wild(int *p) { *p = 1; }
int main() {
  wild<<<1, 1>>>(reinterpret_cast<int *>(0xdead0000ULL));
  cudaError_t e = cudaDeviceSynchronize();
  std::printf("kernel finished with %s (expected: an illegal address)\n", cudaGetErrorName(e));
  return e == cudaErrorIllegalAddress ? 0 : 1;
}
CU
  "$cuda/bin/nvcc" -o "$work/fault" "$work/fault.cu" && CUDA_VISIBLE_DEVICES=0 "$work/fault"
  for _ in $(seq 50); do curl -s "$url" | grep -qE '^DCGM_FI_DEV_XID_ERRORS\{gpu="0".* [1-9][0-9]*$' && break; sleep 0.2; done
  curl -sf -o "$after" "$url"
  echo "== after, $after"
  grep -E '^(DCGM_FI_DEV_XID_ERRORS|nvsdk_gpu_xid_errors_total)' "$after"
  check "DCGM_FI_DEV_XID_ERRORS{gpu=\"0\"} is the XID" "grep -qE '^DCGM_FI_DEV_XID_ERRORS\{gpu=\"0\".* (13|31|43)$' '$after'"
  check "nvsdk_gpu_xid_errors_total{gpu=\"0\"} counted it" "grep -qE '^nvsdk_gpu_xid_errors_total\{gpu=\"0\".* [1-9][0-9]*$' '$after'"
  check "the exporter logged the XID with its meaning" "grep -q 'XID [0-9]* on GPU-' '$log'"
  rm -rf "$work"
fi

kill -TERM "$pid"; wait "$pid"; stopped=$?
trap - EXIT
check "exporter exit 0 after SIGTERM" "[ $stopped -eq 0 ]"
echo "== exporter log ($log)"; cat "$log"

echo "== nvsdk doctor (gpu.xid from the kernel log)"
"$nvsdk" doctor 2>&1 | tee "$out/doctor-h200-$stamp.txt" | grep -E 'gpu\.xid|XID' || true
[ "${NVSDK_PROVOKE_XID:-1}" = 1 ] && check "doctor reports the XID from the kernel log" "grep -q 'XID [0-9]* logged' '$out/doctor-h200-$stamp.txt'"

[ "$fail" -eq 0 ] && echo "PASS exporter fleet counters on the GPU host" && exit 0
echo "FAIL exporter fleet counters on the GPU host"; exit 1
