#!/usr/bin/env bash
# Publishes the CLI as one self-contained NativeAOT binary: out/nvsdk.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/Nvsdk.Cli -c Release -r linux-x64 -o out -p:TreatWarningsAsErrors=true -v quiet -nologo
rm -f out/*.dbg out/*.pdb out/*.xml # one file ships: symbols and docs stay out
echo "built $(pwd)/out/nvsdk ($(du -h out/nvsdk | cut -f1))"
