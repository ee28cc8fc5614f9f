# Sourced by scripts/lib/nginx.sh and registry.sh: what every loopback server start needs.
# free_port → prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL NAME LOG: waits up to 5 s for URL to answer; otherwise says NAME did not start, with LOG.
wait_http() {
  for _ in $(seq 50); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$2 did not start: $(cat "$3" 2>/dev/null)" >&2
  return 1
}
