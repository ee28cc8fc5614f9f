#!/usr/bin/env bash
# Builds nvsdk's container image without Docker: the NativeAOT binary on a distroless-style base made of
# exactly the libraries it needs from this (Debian) machine — libc and libm it links, libssl/libcrypto
# (HTTPS) and liblzma (.tar.xz) it opens at run time — plus CA certificates and a passwd entry, as an OCI
# image layout; then, given a reference, pushes it with nvsdk's own OCI client. (deploy/container/Dockerfile
# builds the same on debian:bookworm-slim where Docker is at hand.) libnvidia-ml comes from the node.
# Usage: scripts/build-image.sh [--out DIR] [--push REGISTRY/REPO[:TAG]]   (tag default: nvsdk's version)
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/image
push=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --push) push=$2; shift 2 ;;
    *) echo "usage: scripts/build-image.sh [--out DIR] [--push REGISTRY/REPO[:TAG]]" >&2; exit 2 ;;
  esac
done
[ -x out/nvsdk ] || scripts/build.sh >/dev/null
version=$(out/nvsdk --version | cut -d+ -f1)
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT

install -D -m 0755 out/nvsdk "$rootfs/usr/local/bin/nvsdk"
libs=$( (ldd out/nvsdk | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'; \
         for l in libssl.so.3 libcrypto.so.3 liblzma.so.5; do ldconfig -p | awk -v l="$l" '$1 == l && /x86-64|aarch64/ { print $NF; exit }'; done) | sort -u)
# Merged /usr (Debian 12): /lib and /lib64 are links into usr/; the loader is looked up as /lib64/ld-linux-….
mkdir -p "$rootfs/usr/lib" "$rootfs/usr/lib64"
[ -L /lib ] && ln -s usr/lib "$rootfs/lib"
[ -L /lib64 ] && ln -s usr/lib64 "$rootfs/lib64"
for lib in $libs; do
  real=$(readlink -f "$lib")
  install -D -m 0755 "$real" "$rootfs$real"
  # The name the loader asks for (libc.so.6, liblzma.so.5) as a relative link to the real file, unless the
  # merged-/usr links already make it resolve.
  if [ ! -e "$rootfs$lib" ]; then
    mkdir -p "$rootfs$(dirname "$lib")"
    ln -s "$(realpath -m --relative-to="$(dirname "$lib")" "$real")" "$rootfs$lib"
  fi
done
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
mkdir -p "$rootfs/tmp" "$rootfs/var/lib/nvsdk"

arch=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
rm -rf "$out"; mkdir -p "$out"
python3 - "$out" "$version" "$rootfs" "$arch" <<'PY'
import os, sys
sys.path.insert(0, "scripts/lib")
import oci_layout
out, version, rootfs, arch = sys.argv[1:]
digest, size = oci_layout.write(out, version, [(rootfs, "")], architecture=arch, config_extra={
    "Entrypoint": ["/usr/local/bin/nvsdk"],
    "Cmd": ["exporter", "--listen", "0.0.0.0:9400"],
    "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
    "ExposedPorts": {"9400/tcp": {}},
    "Labels": {"org.opencontainers.image.title": "nvsdk", "org.opencontainers.image.version": version,
               "org.opencontainers.image.description": "Reproducible NVIDIA CUDA SDK, host setup, doctor and a Prometheus exporter for GPU hosts"},
}, annotations={"org.opencontainers.image.version": version})
print(f"image layout {out}: {digest}, {size / 1048576:.1f} MiB compressed, tag {version}")
PY

if [ -n "$push" ]; then
  last=${push##*/}
  if [[ $last == *:* ]]; then ref=$push; else ref="$push:$version"; fi
  out/nvsdk image push "$out" "$ref" --name "$version"
fi
