#!/usr/bin/env bash
# netlibc-run from the build tree and from a DESTDIR install: it must preload the library next to it
# (../lib/ or ../target/release/), pass the overrides as absolute paths, trace on request, and refuse
# bad use. Only names in the fixture hosts file are looked up (no DNS). Usage: tests/programs/netlibc_run.sh
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$root/tests/fixtures/db
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
expect() {
  local label=$1 expected=$2 got=$3
  if [ "$expected" = "$got" ]; then passed=$((passed + 1)); echo "ok   netlibc-run $label"
  else failed=$((failed + 1)); echo "FAIL netlibc-run $label"; echo "  expected: $expected"; echo "  got:      $got"; fi
}

# Should a lookup ever miss the fixture file, it may only reach loopback (nothing listens on port 53).
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
export NETLIBC_RESOLV_CONF=$work/resolv.conf
make -s -C "$root" install DESTDIR="$work/dest" PREFIX=/opt/netlibc >/dev/null
installed=$work/dest/opt/netlibc/bin/netlibc-run
cp "$fixtures/hosts" "$work/my hosts"
for run in "$root/scripts/netlibc-run" "$installed"; do
  where=build-tree; [ "$run" = "$installed" ] && where=installed
  lib=$root/target/release/libnetlibc.so; [ $where = installed ] && lib=$work/dest/opt/netlibc/lib/libnetlibc.so.0
  expect "$where: preloads the library next to it" "$lib" \
    "$(cd "$work" && "$run" -- sh -c 'echo $LD_PRELOAD' | cut -d' ' -f1)"
  expect "$where: the library is mapped" "1" \
    "$("$run" -- cat /proc/self/maps | grep -c "$(readlink -f "$lib")" | sed 's/^[1-9][0-9]*$/1/')"
  expect "$where: --hosts (relative path, with a space) answers from the file" "127.0.1.1       fixture.example fixture" \
    "$(cd "$work" && "$run" --hosts "my hosts" -- getent hosts fixture.example)"
  expect "$where: --hosts=FILE" "2001:db8::1     v6only.example v6alias" \
    "$("$run" --hosts="$fixtures/hosts" -- getent hosts v6alias)"
  expect "$where: --resolv-conf and --services are exported as absolute paths" \
    "$fixtures/services $work/resolv.conf" \
    "$(cd "$work" && "$run" --resolv-conf ./resolv.conf --services "$fixtures/../db/services" -- \
      sh -c 'echo "$NETLIBC_SERVICES $NETLIBC_RESOLV_CONF"')"
  expect "$where: --trace writes lines to stderr" "1" \
    "$("$run" --hosts "$fixtures/hosts" --trace -- python3 -c 'import socket; socket.socket().close()' 2>&1 >/dev/null |
      grep -c '^netlibc\[[0-9]*\]: socket(2, ' | sed 's/^[1-9][0-9]*$/1/')"
  expect "$where: no command is a usage error" "2" "$("$run" >/dev/null 2>&1; echo $?)"
  expect "$where: an unreadable file is an error" "2" "$("$run" --hosts /nonexistent -- true 2>/dev/null; echo $?)"
  expect "$where: the command's exit status is kept" "3" "$("$run" -- sh -c 'exit 3'; echo $?)"
done

# What it is for: curl reaching a name only the given hosts file knows, in a private network namespace
# (loopback only) with an HTTP server of the test.
printf '127.0.0.1 myservice.test\n' >"$work/service-hosts"
mkdir -p "$work/www" && echo "served to myservice.test" >"$work/www/index.html"
got=$(unshare -n bash -c '
  ip link set lo up
  timeout 30 python3 -m http.server --bind 127.0.0.1 --directory "$1/www" 18081 >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:18081/ && break; sleep 0.1; done
  "$2" --hosts "$1/service-hosts" -- curl -sS http://myservice.test:18081/
  kill $server' with_server "$work" "$installed" 2>&1)
expect "installed: curl reaches a name from --hosts" "served to myservice.test" "$got"

echo "netlibc-run: $passed passed, $failed failed"
[ $failed = 0 ]
