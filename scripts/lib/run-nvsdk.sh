# Sourced: run_nvsdk ARCH BINARY ARGS… runs an nvsdk binary built for ARCH (amd64|arm64) on this machine,
# natively when the machine is that arch, else under qemu-user with this machine's multiarch libraries
# (-L /: with libc6:arm64 installed, -L /usr/aarch64-linux-gnu would mix two glibc builds and hang).
run_nvsdk() {
  local arch=$1 binary=$2; shift 2
  local machine
  machine=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
  if [ "$arch" = "$machine" ]; then
    "$binary" "$@"
  else
    local qemu=qemu-${arch/arm64/aarch64}-static
    qemu=${qemu/amd64/x86_64}
    command -v "$qemu" >/dev/null || { echo "$qemu is missing: apt-get install qemu-user-static (scripts/deps.sh)" >&2; return 2; }
    "$qemu" -L / "$binary" "$@"
  fi
}
