#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use (real nginx, makeself, xz, curl), if missing.
# Needs root (CI and the dev machines run as root); prints what it does.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v makeself >/dev/null 2>&1 || need+=(makeself)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v bc >/dev/null 2>&1 || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
