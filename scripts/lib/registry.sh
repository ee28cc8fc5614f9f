# Sourced by scripts and benchmarks: Debian's docker-registry (the CNCF distribution registry) on a free
# loopback port, filesystem storage under WORKDIR. start_registry WORKDIR → sets REGISTRY_PORT and
# REGISTRY_PID; stop_registry stops it.
source "$(dirname "${BASH_SOURCE[0]}")/loopback.sh"
start_registry() {
  local work=$1
  mkdir -p "$work/data"
  REGISTRY_PORT=$(free_port)
  cat > "$work/config.yml" <<CONF
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$REGISTRY_PORT }
CONF
  docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
  REGISTRY_PID=$!
  wait_http "http://127.0.0.1:$REGISTRY_PORT/v2/" docker-registry "$work/registry.log"
}

stop_registry() {
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null; fi || true
  REGISTRY_PID=""
}
