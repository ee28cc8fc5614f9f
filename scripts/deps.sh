#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use, if missing: real nginx, makeself, xz, curl,
# gcc (fixture ELF libraries), cmake + pkgconf (the SDK must satisfy them), lmod (the modulefile),
# systemd (systemd-analyze verify), dash, python3-jsonschema (the CDI schema), docker-registry (a real OCI
# registry on loopback), skopeo (pushes test images to it; the reference pull the benchmarks compare with),
# prometheus (a real Prometheus scrapes the exporter; promtool lints its exposition).
# Needs root (CI and the dev machines run as root); prints what it does.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v makeself >/dev/null 2>&1 || need+=(makeself)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v bc >/dev/null 2>&1 || need+=(bc)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v pkg-config >/dev/null 2>&1 || need+=(pkgconf)
[ -f /usr/share/lmod/lmod/init/bash ] || need+=(lmod)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v dash >/dev/null 2>&1 || need+=(dash)
python3 -c 'import jsonschema' >/dev/null 2>&1 || need+=(python3-jsonschema)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || need+=(prometheus)
# s3rver: a real S3-compatible server on loopback for the mirror tests (npm, which this machine reaches).
if ! command -v s3rver >/dev/null 2>&1; then
  echo "installing s3rver (npm)"
  npm install -g --no-audit --no-fund s3rver@3.7.1 >/dev/null 2>&1 || echo "s3rver could not be installed: the S3 mirror tests will be skipped"
fi
# Shipping (issue 17): the linux-arm64 cross build (clang + Debian's aarch64 cross toolchain), qemu-user and
# the arm64 libraries nvsdk opens to run it emulated, dpkg-deb/rpmbuild/lintian/rpmlint for the packages,
# the shells the completions are loaded into, bash-completion's loader, and podman to run the image.
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1 || need+=(binutils-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
command -v rpmbuild >/dev/null 2>&1 || need+=(rpm)
command -v rpmlint >/dev/null 2>&1 || need+=(rpmlint)
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
[ -f /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  for lib in libc6 liblzma5 libssl3; do
    dpkg-query -W -f='${Status}' "$lib:arm64" 2>/dev/null | grep -q 'ok installed' || need+=("$lib:arm64")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
