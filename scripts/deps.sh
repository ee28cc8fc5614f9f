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
# afl++: the coverage-guided fuzzer driving the SharpFuzz targets (scripts/fuzz.sh).
command -v afl-fuzz >/dev/null 2>&1 || need+=(afl++)
command -v zip >/dev/null 2>&1 || need+=(zip)
# s3rver: a real S3-compatible server on loopback for the mirror tests (npm, which this machine reaches).
if ! command -v s3rver >/dev/null 2>&1; then
  echo "installing s3rver (npm)"
  npm install -g --no-audit --no-fund s3rver@3.7.1 >/dev/null 2>&1 || echo "s3rver could not be installed: the S3 mirror tests will be skipped"
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
