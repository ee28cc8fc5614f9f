#!/usr/bin/env bash
# Soak for the install protocol: 200 rounds each of `nvsdk fetch` and `nvsdk install` (batched durability) killed with SIGKILL at random moments, each
# followed by `store verify`, then a run that must complete. CI runs the same test with 20 rounds.
# Usage: scripts/kill-soak.sh [rounds]
set -euo pipefail
# The fixture locks name NVIDIA's real licences; accepting them is not what is measured here.
export NVSDK_ACCEPT_LICENSES=1
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -x out/nvsdk ] || scripts/build.sh
NVSDK_KILL_ROUNDS=${1:-200} NVSDK_BIN="$PWD/out/nvsdk" dotnet test tests/Nvsdk.Cli.Tests -c Release \
  --filter "FullyQualifiedName~KilledAtRandomMoments" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "rounds|Passed|Failed|Error" 
