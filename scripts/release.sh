#!/usr/bin/env bash
# Builds a release into dist/: the linux-x64 and linux-arm64 binaries, a .deb, an .rpm and a tarball for each
# (scripts/package.sh), the multi-arch image as an OCI archive (scripts/build-image.sh), and SHA256SUMS.
# Reproducible: SOURCE_DATE_EPOCH is the commit's time, so two runs on one commit give the same bytes.
# The version is VERSION's; naming it checks you release what you think you do.
# Usage: scripts/release.sh [VERSION] [--prebuilt]   (--prebuilt: package out/nvsdk and out/linux-arm64/nvsdk as they are)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/reproducible.sh
version=$(cat VERSION)
prebuilt=0
for arg in "$@"; do
  case "$arg" in
    --prebuilt) prebuilt=1 ;;
    [0-9]*) [ "$arg" = "$version" ] || { echo "scripts/release.sh: VERSION says $version, not $arg; set it there (the one place) and commit first" >&2; exit 2; } ;;
    *) echo "usage: scripts/release.sh [VERSION] [--prebuilt]" >&2; exit 2 ;;
  esac
done
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
if [ "$prebuilt" = 0 ]; then
  scripts/build.sh linux-x64
  scripts/build.sh linux-arm64
fi
rm -rf dist
mkdir -p dist
scripts/package.sh amd64 out/nvsdk dist
scripts/package.sh arm64 out/linux-arm64/nvsdk dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/build-image.sh --out "$work/image" --arch "amd64 arm64"
stamp "$work/image"
reproducible_tar "$work/image" . > "dist/nvsdk-$version-image.oci.tar"
(cd dist && sha256sum -- * > SHA256SUMS)
echo "release $version in dist/ (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH):"
(cd dist && ls -l --time-style=+ -- *)
