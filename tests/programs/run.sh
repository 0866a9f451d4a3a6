#!/usr/bin/env bash
# Runs real programs nobody here wrote (getent, curl, wget, python3) twice — plain against glibc, and
# with LD_PRELOAD=libnetlibc.so — and compares what they print on stdout and their exit status. The
# preloaded run must also show (LD_DEBUG=bindings) that no object other than glibc itself bound a
# function netlibc exports to glibc, and that at least one call bound to netlibc.
#
# Everything runs inside one private mount + network namespace (needs root: unshare -mn): only a
# loopback interface exists, so nothing can reach the machine's real nameserver; /etc/resolv.conf is
# bind-mounted to one naming our test DNS server (dnsmasq on 127.0.0.77:53, zone below), which
# glibc reads there and netlibc reads through NETLIBC_RESOLV_CONF. An HTTP server of the tests
# (python3 -m http.server on [::] port 18080, bounded lifetime) serves tests/programs/www.
#
# NETLIBC_PROGRAMS_LIBRARY names another libnetlibc.so to test (e.g. a branch's build).
# Cases come from tests/programs/cases.txt: `label: shell command`, with $ROOT the repository, $HERE
# this directory, $PY a python3, $PORT the HTTP port. Usage: tests/programs/run.sh [filter]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${NETLIBC_PROGRAMS_NS:-}" ]; then
  NETLIBC_PROGRAMS_NS=1 exec unshare -mn "$0" "$@"
fi
filter=${1:-}
lib=${NETLIBC_PROGRAMS_LIBRARY:-$root/target/release/libnetlibc.so}
export ROOT=$root HERE=$root/tests/programs PORT=18080
PY=$(command -v /usr/bin/python3 || command -v python3)
export PY
export PATH="$PATH:/usr/sbin:/sbin"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

ip link set lo up
printf 'nameserver 127.0.0.77\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf
export NETLIBC_RESOLV_CONF=$work/resolv.conf
# The tests' zone: www.test (127.0.0.1 and ::1), v4.www.test, v6.www.test, alias.www.test (CNAME);
# everything else under the local zones is NXDOMAIN. No upstream: nothing is ever forwarded.
timeout 600 dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
  --listen-address=127.0.0.77 --port=53 --user=root --group=root --pid-file= --log-facility=/dev/null \
  --local=/test/ --local=/example/ --local=/invalid/ --local=/in-addr.arpa/ --local=/ip6.arpa/ \
  --host-record=www.test,127.0.0.1,::1 --host-record=v4.www.test,127.0.0.1 \
  --host-record=v6.www.test,::1 --cname=alias.www.test,www.test &
pids+=($!)
timeout 600 "$PY" -m http.server --bind :: --directory "$HERE/www" "$PORT" >/dev/null 2>&1 &
pids+=($!)
# Wait (bounded) for both servers to answer.
for _ in $(seq 1 50); do
  "$PY" "$HERE/wait_ready.py" "$PORT" 2>/dev/null && break
  sleep 0.2
done

exports=$(grep -v '^#' "$root/abi.symbols" | sed '/^$/d' | sort -u)
passed=0
failed=0

run() {
  local mode=$1 command=$2
  case $mode in
    glibc) bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
    preload)
      rm -rf "$work/ld" && mkdir -p "$work/ld"
      LD_PRELOAD=$lib LD_DEBUG=bindings LD_DEBUG_OUTPUT=$work/ld/trace \
        bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
  esac
  echo $? >"$work/$mode.status"
}

# bindings_ok: no object but glibc's own bound a function netlibc exports to glibc (bash, which runs
# the case, is not the program under test and is left out), and at least one call bound to netlibc.
bindings_ok() {
  local lines to_glibc to_netlibc
  lines=$(cat "$work"/ld/trace.* 2>/dev/null | grep 'binding file' | grep -v 'binding file /[^ ]*/bash ' |
    grep -v 'binding file /[^ ]*/libc\.so\.6 ')
  to_glibc=$(echo "$lines" | grep ' to /[^ ]*libc\.so\.6 ' |
    sed -n "s/.*normal symbol \`\([^']*\)'.*/\1/p" | sort -u | comm -12 - <(echo "$exports"))
  to_netlibc=$(echo "$lines" | grep -c ' to [^ ]*libnetlibc\.so')
  if [ -n "$to_glibc" ]; then echo "  bound to glibc instead of netlibc:" $to_glibc; return 1; fi
  if [ "$to_netlibc" = 0 ]; then echo "  no call bound to netlibc"; return 1; fi
  return 0
}

while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  label=${line%%:*}
  command=${line#*: }
  [ -n "$filter" ] && [[ $label != *$filter* ]] && continue
  run glibc "$command"
  run preload "$command"
  ok=1
  if ! cmp -s "$work/glibc.out" "$work/preload.out" || ! cmp -s "$work/glibc.status" "$work/preload.status"; then
    echo "FAIL $label: differs from glibc (status $(cat "$work/glibc.status") vs $(cat "$work/preload.status"))"
    diff "$work/glibc.out" "$work/preload.out" | head -20 | sed 's/^/  /'
    sed 's/^/  stderr: /' "$work/preload.err" | grep -v '^  stderr: *[0-9]*:' | head -5
    ok=0
  elif [ ! -s "$work/glibc.out" ]; then
    echo "FAIL $label: printed nothing (a comparison of nothing proves nothing)"
    sed "s/^/  stderr: /" "$work/glibc.err" | head -5; echo "  status $(cat "$work/glibc.status")"
    ok=0
  fi
  if [ $ok = 1 ] && ! bindings_ok; then echo "FAIL $label: bindings"; ok=0; fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); echo "ok   $label"; else failed=$((failed + 1)); fi
done <"$root/tests/programs/cases.txt"

echo "programs: $passed passed, $failed failed"
[ $failed = 0 ]
