# Sourced by scripts and benchmarks: serve a folder with Debian's nginx on a free loopback port.
# start_nginx DIR WORKDIR  → sets NGINX_PORT and NGINX_PID; stop_nginx stops it.
source "$(dirname "${BASH_SOURCE[0]}")/loopback.sh"
start_nginx() {
  local dir=$1 work=$2
  mkdir -p "$work"
  NGINX_PORT=$(free_port)
  local user=""
  [ "$(id -u)" = 0 ] && user="user root;" # workers as 'nobody' cannot read a 0700 temp folder
  cat > "$work/nginx.conf" <<CONF
$user
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
  access_log $work/access.log;
  sendfile on;
  client_body_temp_path $work/cb; proxy_temp_path $work/p; fastcgi_temp_path $work/f;
  uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$NGINX_PORT; location / { root $dir; autoindex on; } }
}
CONF
  nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
  NGINX_PID=$!
  wait_http "http://127.0.0.1:$NGINX_PORT/" nginx "$work/error.log"
}

stop_nginx() {
  if [ -n "${NGINX_PID:-}" ]; then kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null; fi || true
  NGINX_PID=""
}

# Where nginx is missing (a bare GPU host): python3's threading HTTP server, its request log in WORKDIR/access.log.
start_python_mirror() {
  local dir=$1 work=$2
  mkdir -p "$work"
  NGINX_PORT=$(free_port)
  python3 -m http.server "$NGINX_PORT" --bind 127.0.0.1 --directory "$dir" 2>"$work/access.log" >/dev/null &
  PYTHON_MIRROR_PID=$!
  wait_http "http://127.0.0.1:$NGINX_PORT/" "python3 http.server" "$work/access.log"
}

stop_python_mirror() {
  if [ -n "${PYTHON_MIRROR_PID:-}" ]; then kill "$PYTHON_MIRROR_PID" 2>/dev/null && wait "$PYTHON_MIRROR_PID" 2>/dev/null; fi || true
  PYTHON_MIRROR_PID=""
}
