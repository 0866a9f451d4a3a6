#!/usr/bin/env bash
# Runs the guide's echo server (c_tests/echo_server.c) on a free loopback port and echo_client
# against it, then stops the server and prints the server's messages with the port masked.
# Everything is bounded: the server runs under `timeout` (which on expiry or on SIGTERM kills its
# whole process group, so the forked per-client children too), the client under its own `timeout`.
# Usage: echo_case.sh BIN_DIR
set -u
bin=$1
log=$(mktemp)
server=

stop_server() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    server=
  fi
}
trap 'stop_server; rm -f "$log"' EXIT
trap 'exit 1' TERM INT HUP

# in_use PORT: whether any TCP socket (v4 or v6, any state) has PORT as its local port.
in_use() {
  local hex
  hex=$(printf '%04X' "$1")
  grep -q "^ *[0-9]*: [0-9A-F]*:$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# listening PORT: whether 127.0.0.1:PORT is in LISTEN state (0A).
listening() {
  grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp
}

# Ports below the kernel's ephemeral range (32768-60999), so no client socket takes ours meanwhile.
for attempt in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 12000))
  in_use "$port" && continue
  timeout 60 "$bin/echo_server" "$port" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    listening "$port" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.05
  done
  listening "$port" && break
  stop_server # lost a race for the port, or failed: try another
done
if [ -z "$server" ]; then echo "echo server did not start:"; cat "$log"; exit 1; fi

timeout 30 "$bin/echo_client" 127.0.0.1 "$port"
status=$?
# The child that served the client prints its lines when it exits, after the client's shutdown.
for _ in $(seq 100); do
  grep -q '^disconnected' "$log" && break
  sleep 0.05
done
stop_server
echo "server:"
sed -E 's/:[0-9]+$/:<port>/' "$log"
exit $status
