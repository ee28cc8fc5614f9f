#!/usr/bin/env bash
# Builds nvsdk's container image without Docker, for amd64 and arm64: per architecture, the NativeAOT binary
# on a distroless-style base made of exactly the libraries it needs from this Debian machine (its NEEDED
# libraries and loader, read from the ELF, and libssl/libcrypto/liblzma it opens at run time, from the
# multiarch folder of that architecture: libc6:arm64 etc. on x86_64) plus CA certificates and a passwd
# entry; both go into one OCI image layout under an OCI index (tag = nvsdk's version). Given a reference,
# pushes the index with nvsdk's own OCI client. (deploy/container/Dockerfile builds the same on
# debian:bookworm-slim where Docker is at hand.) libnvidia-ml comes from the node.
# Usage: scripts/build-image.sh [--out DIR] [--arch "amd64 arm64"] [--push REGISTRY/REPO[:TAG]]
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/image
push=""
arches="amd64 arm64"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --arch) arches=$2; shift 2 ;;
    --push) push=$2; shift 2 ;;
    *) echo "usage: scripts/build-image.sh [--out DIR] [--arch \"amd64 arm64\"] [--push REGISTRY/REPO[:TAG]]" >&2; exit 2 ;;
  esac
done
version=$(cat VERSION)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

binary_for() { case "$1" in amd64) echo out/nvsdk ;; arm64) echo out/linux-arm64/nvsdk ;; *) echo "unknown arch $1" >&2; exit 2 ;; esac; }
triplet_for() { case "$1" in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }

# rootfs ARCH DIR: the binary, the libraries it loads and what a process in a container expects.
rootfs() {
  local arch=$1 dir=$2 binary triplet lib real name
  binary=$(binary_for "$arch")
  triplet=$(triplet_for "$arch")
  [ -x "$binary" ] || scripts/build.sh "linux-${arch/amd64/x64}" >/dev/null
  install -D -m 0755 "$binary" "$dir/usr/local/bin/nvsdk"
  # Merged /usr (Debian 12): /lib and /lib64 are links into usr/.
  mkdir -p "$dir/usr/lib" "$dir/usr/lib64"
  ln -s usr/lib "$dir/lib"
  ln -s usr/lib64 "$dir/lib64"
  local loader
  loader=$(readelf -lW "$binary" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  for name in $(readelf -dW "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') libssl.so.3 libcrypto.so.3 liblzma.so.5 "$loader"; do
    case "$name" in
      /*) lib=$name ;;
      *) lib=/usr/lib/$triplet/$name; [ -e "$lib" ] || lib=/lib/$triplet/$name ;;
    esac
    [ -e "$lib" ] || { echo "scripts/build-image.sh: $name for $arch is not on this machine (apt-get install libc6:$arch libssl3:$arch liblzma5:$arch; scripts/deps.sh)" >&2; exit 2; }
    real=$(readlink -f "$lib")
    install -D -m 0755 "$real" "$dir$real"
    # The name the loader asks for as a relative link to the real file, unless merged /usr already resolves it.
    if [ ! -e "$dir$lib" ]; then
      mkdir -p "$dir$(dirname "$lib")"
      ln -s "$(realpath -m --relative-to="$(dirname "$lib")" "$real")" "$dir$lib"
    fi
  done
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  chmod 0644 "$dir/etc/passwd" "$dir/etc/group"
  mkdir -p "$dir/tmp" "$dir/var/lib/nvsdk"
}

images=()
for arch in $arches; do
  rootfs "$arch" "$work/$arch"
  images+=("$arch=$work/$arch")
done

rm -rf "$out"; mkdir -p "$out"
python3 - "$out" "$version" "${images[@]}" <<'PY'
import sys
sys.path.insert(0, "scripts/lib")
import oci_layout
out, version, *images = sys.argv[1:]
config = {
    "Entrypoint": ["/usr/local/bin/nvsdk"],
    "Cmd": ["exporter", "--listen", "0.0.0.0:9400"],
    "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
    "ExposedPorts": {"9400/tcp": {}},
    "Labels": {"org.opencontainers.image.title": "nvsdk", "org.opencontainers.image.version": version,
               "org.opencontainers.image.description": "Reproducible NVIDIA CUDA SDK, host setup, doctor and a Prometheus exporter for GPU hosts"},
}
platforms = [(arch, [(rootfs, "")], config) for arch, rootfs in (i.split("=", 1) for i in images)]
digest, size = oci_layout.write_index(out, version, platforms, annotations={"org.opencontainers.image.version": version})
print(f"image layout {out}: index {digest} ({', '.join(a for a, _, _ in platforms)}), {size / 1048576:.1f} MiB compressed, tag {version}")
PY

if [ -n "$push" ]; then
  last=${push##*/}
  if [[ $last == *:* ]]; then ref=$push; else ref="$push:$version"; fi
  out/nvsdk image push "$out" "$ref" --name "$version"
fi
