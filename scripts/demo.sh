#!/usr/bin/env bash
# The main job, offline: build out/nvsdk, validate the shipped lock for both systems, then install an SDK
# from a local nginx mirror of fixture archives in NVIDIA's real layouts (CUDA 13.1.1 as redistrib packages,
# the shipped lock's form; cuDNN, cuTENSOR, TensorRT, NCCL wheel, CUTLASS), show its environment, and compile
# and run a program against it.
# Everything goes to a temporary folder that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
scripts/build.sh
work=$(mktemp -d)
source scripts/lib/nginx.sh
trap 'stop_nginx; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
nvsdk() { out/nvsdk "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step nvsdk check --all-systems
nvsdk check --all-systems --lock nvsdk.lock.json

dotnet run --project tools/Nvsdk.Fixtures -c Release -v quiet -- "$work/mirror" --payload 1048576 --mirror "http://127.0.0.1:PORT" >/dev/null
start_nginx "$work/mirror" "$work/nginx"
sed -i "s/127.0.0.1:PORT/127.0.0.1:$NGINX_PORT/" "$work/mirror/fixture.lock.json"
export NVSDK_ROOT="$work/root" NVSDK_LOCK="$work/mirror/fixture.lock.json"

step nvsdk plan
nvsdk plan
step nvsdk licenses "   # NVIDIA's licences: install refuses until the proprietary ones are accepted"
nvsdk licenses
step nvsdk licenses accept --all "   # recorded once for this root (id, text sha256, time, user)"
nvsdk licenses accept --all
step nvsdk install
nvsdk install
step nvsdk install "   # again: nothing to do"
nvsdk install
step nvsdk env
nvsdk env
step nvsdk generations list
nvsdk generations list

cp scripts/lib/hello-sdk.c "$work/hello.c" # the C program the aarch64 emulation test also builds
step 'nvsdk shell -- sh -c "gcc hello.c $(pkg-config --cflags --libs cudart-13.1 cudnn nccl) -o hello && ./hello"'
nvsdk shell -- sh -c "gcc '$work/hello.c' \$(pkg-config --cflags --libs cudart-13.1 cudnn nccl) -o '$work/hello' && '$work/hello'"
step nvsdk store verify
nvsdk store verify
echo
echo "(fixture libraries stand in for NVIDIA's: they answer the real version calls; scripts/gpu-e2e.sh does this with a real CUDA toolkit on a GPU host)"
