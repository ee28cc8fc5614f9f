#!/usr/bin/env bash
# Installs the Debian packages nvsdk's scripts use, if missing, and prints what it does.
#   scripts/deps.sh demo   what scripts/demo.sh uses: nginx, makeself, xz, gcc, pkgconf (nothing test-only)
#   scripts/deps.sh test   (the default) also what the tests drive: cmake (the SDK must satisfy it), lmod (the
#                          modulefile), systemd (systemd-analyze verify), dash, docker-registry + skopeo (a real
#                          OCI registry on loopback), prometheus (scrapes the exporter; promtool lints it), s3rver
#                          (npm: a real S3 server on loopback).
# Needs root only when something is missing; waits for another apt/dpkg to finish instead of failing.
set -euo pipefail
mode=${1:-test}
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v makeself >/dev/null 2>&1 || need+=(makeself)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v pkg-config >/dev/null 2>&1 || need+=(pkgconf)
if [ "$mode" = test ]; then
  command -v bc >/dev/null 2>&1 || need+=(bc)
  command -v cmake >/dev/null 2>&1 || need+=(cmake)
  [ -f /usr/share/lmod/lmod/init/bash ] || need+=(lmod)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
  command -v dash >/dev/null 2>&1 || need+=(dash)
  command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
  command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
  { command -v prometheus && command -v promtool; } >/dev/null 2>&1 || need+=(prometheus)
  # podman + runc run a container from our CDI spec (crun fails on these machines' cgroups); busybox-static is its rootfs.
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  [ -x /bin/busybox ] || need+=(busybox-static)
  # The install benchmarks (bench/, scripts/stage-bench-tools.sh): zstd, and GNU time for max RSS.
  command -v zstd >/dev/null 2>&1 || need+=(zstd)
  [ -x /usr/bin/time ] || need+=(time)
  command -v vmstat >/dev/null 2>&1 || need+=(procps) # bench/probes/cache-install-diagnosis.sh
  # afl++: the coverage-guided fuzzer driving the SharpFuzz targets (scripts/fuzz.sh).
  command -v afl-fuzz >/dev/null 2>&1 || need+=(afl++)
  command -v zip >/dev/null 2>&1 || need+=(zip)
fi
if [ "$mode" = test ]; then
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
  if [ "$(dpkg --print-architecture)" = amd64 ]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    for lib in libc6 liblzma5 libssl3; do
      dpkg-query -W -f='${Status}' "$lib:arm64" 2>/dev/null | grep -q 'ok installed' || need+=("$lib:arm64")
    done
  fi
fi

# apt-get, waiting (up to 10 minutes) for a lock another apt or dpkg holds rather than failing at once.
apt_get() {
  local tries=0
  until DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || return 1
    echo "apt-get is busy (another apt running?); waiting" >&2
    sleep 10
  done
}

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]} (apt-get)"
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# s3rver: a real S3-compatible server on loopback for the mirror tests (npm, which this machine reaches).
if [ "$mode" = test ] && ! command -v s3rver >/dev/null 2>&1; then
  echo "installing s3rver (npm)"
  npm install -g --no-audit --no-fund s3rver@3.7.1 >/dev/null 2>&1 || echo "s3rver could not be installed: the S3 mirror tests will fail in CI and skip elsewhere" >&2
fi
