#!/usr/bin/env bash
# The opt-in GPU tests, for a GPU host without the .NET SDK (like our H100 machine): runs the shipped binary's
# doctor, status and smoke for real and checks what they say, then times doctor against nvidia-smi -q.
# Prints "N passed, N failed". Usage: scripts/gpu-checks.sh [path/to/nvsdk]
set -uo pipefail
cd "$(dirname "$0")/.."
nvsdk=${1:-out/nvsdk}
passed=0 failed=0
check() { # name, command…
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

doctor=$("$nvsdk" doctor --json); code=$?
check "doctor is not broken (exit $code)" test "$code" -lt 2
check "doctor: kernel module and NVML agree" test "$(echo "$doctor" | json_get "[f['status'] for f in d['findings'] if f['id']=='driver.version-match'][0]")" = Ok
check "doctor: a GPU is present" test "$(echo "$doctor" | json_get "[f['status'] for f in d['findings'] if f['id']=='gpu.present'][0]")" = Ok
status=$("$nvsdk" status --json); code=$?
check "status exits 0" test "$code" -eq 0
check "status: NVML lists at least one GPU" test "$(echo "$status" | json_get "len(d['nvml']['gpus'])")" -ge 1
check "status: the GPU has a UUID" test -n "$(echo "$status" | json_get "d['nvml']['gpus'][0]['uuid']")"
if "$nvsdk" smoke --help >/dev/null 2>&1; then
  "$nvsdk" smoke; code=$?
  check "smoke passes on every GPU (exit $code)" test "$code" -eq 0
fi
"$nvsdk" doctor --record /tmp/nvsdk-snapshot.json >/dev/null; "$nvsdk" doctor --from-snapshot /tmp/nvsdk-snapshot.json >/dev/null; replay=$?
"$nvsdk" doctor >/dev/null; live=$?
check "a recorded snapshot replays to the same verdict" test "$replay" -eq "$live"
bash bench/doctor-vs-nvidia-smi.sh "$nvsdk"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
