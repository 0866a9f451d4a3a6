#!/usr/bin/env bash
# Static linking: builds the API guide's examples with `cc -static prog.c libnetlibc.a` and runs them
# with every NSS module hidden (private mount namespace, /dev/null bind-mounted over each
# libnss_*.so*), comparing their output and exit status with the dynamic binaries against glibc
# (c_tests/cases.txt, same commands). The link must not warn that a name function needs glibc's
# shared libraries at run time: the only such warning allowed is getpwuid_r, referenced by Rust's std
# (home_dir) and never called by netlibc. Needs root (unshare -m).
# NETLIBC_STATIC_ARCHIVE names another libnetlibc.a to test (e.g. a branch's build).
# Usage: scripts/check-static.sh [build-dir]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
lib=${NETLIBC_STATIC_ARCHIVE:-$root/target/release/libnetlibc.a}
out=$build/static
mkdir -p "$out"
examples="inet_pton gethostent getprotoent getservent getaddrinfo getnameinfo echo_server echo_client"
labels='^(inet_pton|echo server|gethostent|getprotoent|getservent|getaddrinfo guide|getaddrinfo bad|getaddrinfo families|getnameinfo guide)'
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for name in $examples; do
  # --gc-sections drops the unused parts of Rust's std; libnetlibc.a comes before libc.a (cc adds -lc
  # last), so the linker takes getaddrinfo & co. from netlibc and never pulls glibc's members for them.
  if ! ${CC:-cc} -O2 -static -Wl,--gc-sections -o "$out/$name" "$root/c_tests/$name.c" "$lib" 2>"$work/link"; then
    echo "FAIL static link of $name"; cat "$work/link"; failed=$((failed + 1)); continue
  fi
  warnings=$(grep "in statically linked applications requires" "$work/link" | grep -v "'getpwuid_r'")
  if [ -n "$warnings" ]; then echo "FAIL $name: link warns: $warnings"; failed=$((failed + 1)); fi
  if ! file "$out/$name" | grep -q 'statically linked'; then echo "FAIL $name is not static"; failed=$((failed + 1)); fi
done

# without_nss COMMAND: runs COMMAND where no NSS module can be loaded.
without_nss() {
  unshare -m bash -c 'for m in /lib/x86_64-linux-gnu/libnss_*.so* /usr/lib/x86_64-linux-gnu/libnss_*.so*; do
      [ -e "$m" ] && mount --bind /dev/null "$m"; done; exec bash -c "$1"' without_nss "$1"
}

export SRC=$root/c_tests
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  label=${line%%:*}
  command=${line#*: }
  [[ $label =~ $labels ]] || continue
  [[ $label == *valgrind* ]] && continue
  BIN=$build/glibc bash -c "$command" >"$work/dynamic.out" 2>/dev/null
  echo $? >"$work/dynamic.status"
  BIN=$out without_nss "$command" >"$work/static.out" 2>"$work/static.err"
  echo $? >"$work/static.status"
  if cmp -s "$work/dynamic.out" "$work/static.out" && cmp -s "$work/dynamic.status" "$work/static.status"; then
    passed=$((passed + 1)); echo "ok   static $label"
  else
    failed=$((failed + 1))
    echo "FAIL static $label: differs from the dynamic glibc run"
    diff "$work/dynamic.out" "$work/static.out" | head -10 | sed 's/^/  /'
    head -5 "$work/static.err" | sed 's/^/  stderr: /'
  fi
done <"$root/c_tests/cases.txt"

# DNS: the static getaddrinfo example asks the tests' DNS server (dnsmasq on 127.0.0.77 inside a private
# mount + network namespace, so nothing else is reachable), with no NSS module, and must print what
# the dynamic glibc binary prints there (glibc reading the bind-mounted resolv.conf).
dns_case() {
  unshare -mn bash -c '
    set -u
    ip link set lo up
    printf "nameserver 127.0.0.77\noptions timeout:1 attempts:1\n" >"$1/resolv.conf"
    mount --bind "$1/resolv.conf" /etc/resolv.conf
    export NETLIBC_RESOLV_CONF=$1/resolv.conf PATH="$PATH:/usr/sbin"
    timeout 60 dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
      --listen-address=127.0.0.77 --port=53 --user=root --group=root --pid-file= --log-facility=/dev/null \
      --local=/test/ --host-record=www.test,127.0.0.1,::1 --host-record=v4.www.test,192.0.2.44 &
    server=$!
    sleep 0.5
    for a in "www.test 80" "v4.www.test http" "www.test 80 10 0" "nosuch.test 80"; do
      $2 $a; echo "status $?"
    done
    kill $server' dns_case "$work" "$1"
}
dns_case "$build/glibc/getaddrinfo" >"$work/dynamic.out" 2>/dev/null
without_nss "$(declare -f dns_case); work=$work; dns_case $out/getaddrinfo" >"$work/static.out" 2>"$work/static.err"
if [ -s "$work/dynamic.out" ] && cmp -s "$work/dynamic.out" "$work/static.out"; then
  passed=$((passed + 1)); echo "ok   static getaddrinfo through the tests' DNS server"
else
  failed=$((failed + 1)); echo "FAIL static getaddrinfo through the tests' DNS server"
  diff "$work/dynamic.out" "$work/static.out" | head -10 | sed 's/^/  /'
fi

# Glibc's own static getaddrinfo warns that it needs glibc's shared libraries at run time (any NSS
# module other than files and dns, both built into glibc 2.34+, is dlopened); netlibc's link above did not.
${CC:-cc} -O2 -static -o "$work/glibc_static" "$root/c_tests/getaddrinfo.c" 2>"$work/link"
if grep -q "'getaddrinfo' in statically linked" "$work/link"; then
  passed=$((passed + 1)); echo "ok   static link against glibc alone warns about getaddrinfo (netlibc's did not)"
else
  failed=$((failed + 1)); echo "FAIL the static link against glibc alone was expected to warn about getaddrinfo"
fi

echo "static: $passed passed, $failed failed"
[ $failed = 0 ]
