#!/usr/bin/env bash
# `nvsdk update` and `nvsdk mirror sync` offline, against sources in their real formats: NVIDIA's redistrib
# manifests (real copies), directory listings, CUDA runfiles and TensorRT tars (fixtures), PyPI's and GitHub's
# JSON, served by nginx on loopback in place of developer.download.nvidia.com, pypi.org and github.com.
# Prints the proposed diff for the shipped lock (nothing is written), then syncs the fixture SDK's artifacts
# to a mirror folder twice (the second uploads nothing) and, if s3rver is installed, to an S3 bucket.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${NVSDK_DEMO_NO_DEPS:-}" ] || scripts/deps.sh
[ -x out/nvsdk ] || scripts/build.sh
work=$(mktemp -d)
source scripts/lib/nginx.sh
trap 'stop_nginx; [ -n "${s3pid:-}" ] && kill "$s3pid" 2>/dev/null; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

dotnet run --project tools/Nvsdk.Fixtures -c Release -v quiet -- update-sources "$work/srv"
start_nginx "$work/srv" "$work/nginx"
base="http://127.0.0.1:$NGINX_PORT"
export NVSDK_NVIDIA_BASE="$base/" NVSDK_PYPI_BASE="$base/" NVSDK_GITHUB_API_BASE="$base/" NVSDK_GITHUB_BASE="$base/"
cp nvsdk.lock.json "$work/nvsdk.lock.json"

step "nvsdk update --dry-run   # every base URL points at the local server; Triton asks nvcr.io, which is unreachable here"
out/nvsdk update --dry-run --lock "$work/nvsdk.lock.json" || true
cmp -s nvsdk.lock.json "$work/nvsdk.lock.json" && echo "(the lock is unchanged)"

dotnet run --project tools/Nvsdk.Fixtures -c Release -v quiet -- "$work/fixtures" --payload 262144 --upstream "$base/fixtures" >/dev/null
ln -s "$work/fixtures" "$work/srv/fixtures"
step "nvsdk mirror sync --to $work/mirror   # the fixture SDK's artifacts, verified, into a mirror folder"
out/nvsdk mirror sync --to "$work/mirror" --lock "$work/fixtures/fixture.lock.json" --root "$work/root"
step "nvsdk mirror sync --to $work/mirror   # again: nothing to upload"
out/nvsdk mirror sync --to "$work/mirror" --lock "$work/fixtures/fixture.lock.json" --root "$work/root"
if command -v s3rver >/dev/null 2>&1; then
  port=$(free_port)
  mkdir -p "$work/s3"
  s3rver --directory "$work/s3" --address 127.0.0.1 --port "$port" --configure-bucket nvsdk-mirror --silent >/dev/null 2>&1 &
  s3pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  step "nvsdk mirror sync --to s3://nvsdk-mirror/cuda --endpoint http://127.0.0.1:$port   # s3rver, an S3-compatible server"
  out/nvsdk mirror sync --to s3://nvsdk-mirror/cuda --endpoint "http://127.0.0.1:$port" --lock "$work/fixtures/fixture.lock.json" --root "$work/root"
fi
