#!/usr/bin/env bash
# NETLIBC_TRACE: a python3 client and server over loopback run with netlibc preloaded must write, with
# NETLIBC_TRACE=1 to stderr and with NETLIBC_TRACE=PATH to that file, one line per socket call and per
# lookup with the function, its arguments (addresses as ip:port), the result or errno, the source
# (kernel, files, dns with the server, cache) and the time;
# with the variable unset (or 0) nothing at all. Usage: tests/programs/trace.sh
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${NETLIBC_PROGRAMS_LIBRARY:-$root/target/release/libnetlibc.so}
py=$(command -v /usr/bin/python3 || command -v python3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
script='
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
client.sendall(b"hello")
connection, _ = server.accept()
print(connection.recv(5).decode())
refused = socket.socket(socket.AF_INET6)
try:
    refused.connect(("::1", 1))
except ConnectionRefusedError:
    print("refused")
print(socket.if_nametoindex("lo"))
print(socket.getservbyname("http", "tcp"))
print(socket.gethostbyaddr("127.0.0.1")[0])
'

check() {
  local label=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   trace $label"; else failed=$((failed + 1)); echo "FAIL trace $label"; fi
}

# lines_ok FILE: the expected lines are there, each ending in "(N.N us)" and naming its process.
lines_ok() {
  local file=$1 pattern
  for pattern in \
    '^netlibc\[[0-9]+\]: socket\(2, [0-9]+, (0|6)\) = [0-9]+ \[kernel\] \([0-9]+\.[0-9] us\)$' \
    '^netlibc\[[0-9]+\]: bind\([0-9]+, 127\.0\.0\.1:0, 16\) = 0 \[kernel\]' \
    '^netlibc\[[0-9]+\]: listen\([0-9]+, 1\) = 0 \[kernel\]' \
    '^netlibc\[[0-9]+\]: connect\([0-9]+, 127\.0\.0\.1:[0-9]+, 16\) = 0 \[kernel\]' \
    '^netlibc\[[0-9]+\]: connect\([0-9]+, 0x[0-9a-f]+, 28\) = -1, errno 111 \[kernel\]' \
    '^netlibc\[[0-9]+\]: send(to)?\([0-9]+, 0x[0-9a-f]+, 5, 0x0.*\) = 5 \[kernel\]' \
    '^netlibc\[[0-9]+\]: (accept|accept4)\([0-9]+, .*\) = [0-9]+ \[kernel\]' \
    '^netlibc\[[0-9]+\]: recv(from)?\([0-9]+, 0x[0-9a-f]+, 5, 0x0.*\) = 5 \[kernel\]' \
    '^netlibc\[[0-9]+\]: if_nametoindex\("lo"\) = 1 ' \
    '^netlibc\[[0-9]+\]: getservbyname\("http", "tcp"\) = "http" \[files\] \([0-9]+\.[0-9] us\)$' \
    '^netlibc\[[0-9]+\]: gethostbyaddr_r\(127\.0\.0\.1, 4, 2\) = 0, "[^"]+" \[files\] \('; do
    grep -Eq "$pattern" "$file" || { echo "  no line matches: $pattern"; sed 's/^/  got: /' "$file" | head -20; return 1; }
  done
}

# Traced to stderr.
NETLIBC_TRACE=1 LD_PRELOAD=$lib "$py" -c "$script" >"$work/out" 2>"$work/err"
check "NETLIBC_TRACE=1 writes the calls to stderr" lines_ok "$work/err"
check "NETLIBC_TRACE=1 leaves stdout alone" grep -qx hello "$work/out"

# Traced to a file, appended to.
echo "previous line" >"$work/trace.log"
NETLIBC_TRACE=$work/trace.log LD_PRELOAD=$lib "$py" -c "$script" >"$work/out" 2>"$work/err"
check "NETLIBC_TRACE=path writes the calls to the file" lines_ok "$work/trace.log"
check "NETLIBC_TRACE=path appends" grep -qx "previous line" "$work/trace.log"
check "NETLIBC_TRACE=path writes nothing to stderr" test ! -s "$work/err"

# Unset, empty or 0: nothing anywhere.
for setting in unset "" 0; do
  if [ "$setting" = unset ]; then
    (unset NETLIBC_TRACE; LD_PRELOAD=$lib "$py" -c "$script" >"$work/out" 2>"$work/err")
  else
    NETLIBC_TRACE=$setting LD_PRELOAD=$lib "$py" -c "$script" >"$work/out" 2>"$work/err"
  fi
  check "NETLIBC_TRACE $setting: nothing written" test ! -s "$work/err"
  check "NETLIBC_TRACE $setting: program output unchanged" grep -qx hello "$work/out"
done
check "NETLIBC_TRACE=0 creates no file named 0" test ! -e 0

# A lookup answered by DNS, then by the cache: each line names the source and the time. Inside a
# private mount + network namespace with the tests' DNS server on 127.0.0.77 (nothing else reachable).
dns_lookups() {
  unshare -mn bash -c '
    ip link set lo up
    printf "nameserver 127.0.0.77\noptions timeout:1 attempts:1\n" >"$1/resolv.conf"
    mount --bind "$1/resolv.conf" /etc/resolv.conf
    export NETLIBC_RESOLV_CONF=$1/resolv.conf PATH="$PATH:/usr/sbin"
    timeout 60 dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
      --listen-address=127.0.0.77 --port=53 --user=root --group=root --pid-file= --log-facility=/dev/null \
      --local=/test/ --local-ttl=300 --host-record=www.test,127.0.0.1 &
    server=$!
    sleep 0.5
    NETLIBC_TRACE=1 LD_PRELOAD=$2 "$3" -c "
import socket
for _ in range(2):
    print(socket.getaddrinfo(\"www.test\", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4])"
    kill $server' dns_lookups "$work" "$lib" "$py"
}
dns_lookups >"$work/out" 2>"$work/err"
dns_ok() {
  local gai='^netlibc\[[0-9]+\]: getaddrinfo\("www\.test", "80", \{flags 0x0, family 2, socktype 1, protocol 0\}\) = 0, 1 result'
  grep -Eq '^netlibc\[[0-9]+\]: dns host "www\.test".* -> found \[dns 127\.0\.0\.77:53\] \([0-9.]+ us\)$' "$work/err" &&
    grep -Eq '^netlibc\[[0-9]+\]: dns host "www\.test".* -> found \[cache\] \([0-9.]+ us\)$' "$work/err" &&
    grep -Eq "$gai \\[dns 127\\.0\\.0\\.77:53\\] \\([0-9.]+ us\\)$" "$work/err" &&
    grep -Eq "$gai \\[cache\\] \\([0-9.]+ us\\)$" "$work/err"
}
if dns_ok; then
  passed=$((passed + 1)); echo "ok   trace lookups name their source (dns and the server, then cache) and time"
else
  failed=$((failed + 1)); echo "FAIL trace lookups name their source (dns and the server, then cache) and time"
  sed 's/^/  got: /' "$work/err" | head -10
fi

echo "trace: $passed passed, $failed failed"
[ $failed = 0 ]
