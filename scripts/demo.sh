#!/usr/bin/env bash
# The main job: build out/nvsdk, then validate the shipped lock for both systems and show what an
# install would fetch on this machine. Offline: nothing is downloaded, nothing outside a temp root is written.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo
echo "\$ nvsdk check --all-systems"
out/nvsdk check --all-systems --lock nvsdk.lock.json
echo
echo "\$ nvsdk plan"
out/nvsdk plan --lock nvsdk.lock.json --root "$root"
