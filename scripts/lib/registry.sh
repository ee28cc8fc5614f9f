# Sourced by scripts and benchmarks: Debian's docker-registry (the CNCF distribution registry) on a free
# loopback port, filesystem storage under WORKDIR. start_registry WORKDIR → sets REGISTRY_PORT and
# REGISTRY_PID; stop_registry stops it.
start_registry() {
  local work=$1
  mkdir -p "$work/data"
  REGISTRY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/config.yml" <<CONF
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$REGISTRY_PORT }
CONF
  docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" && return 0
    sleep 0.1
  done
  echo "docker-registry did not start: $(cat "$work/registry.log" 2>/dev/null)" >&2
  return 1
}

stop_registry() {
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null; fi || true
  REGISTRY_PID=""
}
