#!/usr/bin/env bash
# Runs every C test case three ways and compares: plain against glibc (the reference), linked with
# -lnetlibc, and with LD_PRELOAD=libnetlibc.so. A case passes when both netlibc runs print the same
# stdout and exit with the same status as the glibc run, and the preloaded run's calls to functions
# netlibc exports bound to netlibc (checked with LD_DEBUG=bindings).
#
# Cases come from c_tests/cases.txt: one per line, `label: shell command`, where $BIN is the directory
# of the test binaries for the mode being run and $SRC the c_tests directory. Lines starting with # are
# comments. Usage: c_tests/run.sh [--valgrind] [build-dir] [filter]
#
# --valgrind: compares the glibc run with the -lnetlibc run under `valgrind --leak-check=full`
# instead (every $BIN/x of the case becomes a wrapper that runs build/linked/x under valgrind): a
# memory error or any byte definitely or indirectly lost exits 99 and so fails the case.
set -u
valgrind=0
if [ "${1:-}" = --valgrind ]; then valgrind=1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
filter=${2:-}
lib=$root/target/release/libnetlibc.so
export SRC=$root/c_tests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exports=$(grep -v '^#' "$root/abi.symbols" | sed '/^$/d' | sort -u)
passed=0
failed=0

# run MODE LABEL COMMAND: runs the command in a mode, leaving stdout and status in $work/MODE.*
run() {
  local mode=$1 command=$2
  case $mode in
    glibc) BIN=$build/glibc bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
    linked) BIN=$build/linked bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
    valgrind) BIN=$work/vg bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
    preload)
      rm -rf "$work/ld" && mkdir -p "$work/ld"
      BIN=$build/glibc LD_PRELOAD=$lib LD_DEBUG=bindings LD_DEBUG_OUTPUT=$work/ld/trace \
        bash -c "$command" >"$work/$mode.out" 2>"$work/$mode.err" ;;
  esac
  echo $? >"$work/$mode.status"
}

# bindings_ok: no call from a test binary to a function netlibc exports went to glibc, and at least
# one went to netlibc.
bindings_ok() {
  local to_glibc to_netlibc
  to_glibc=$(cat "$work"/ld/trace.* 2>/dev/null | grep "binding file $build/glibc/" | grep ' to /.*libc\.so\.6 ' |
    sed -n "s/.*normal symbol \`\([^']*\)'.*/\1/p" | sort -u | comm -12 - <(echo "$exports"))
  to_netlibc=$(cat "$work"/ld/trace.* 2>/dev/null | grep "binding file $build/glibc/" | grep -c ' to .*libnetlibc\.so')
  if [ -n "$to_glibc" ]; then echo "  bound to glibc instead of netlibc: $to_glibc"; return 1; fi
  if [ "$to_netlibc" = 0 ]; then echo "  no call bound to netlibc"; return 1; fi
  return 0
}

# The valgrind wrappers, one per linked binary.
modes="linked preload"
if [ $valgrind = 1 ]; then
  modes=valgrind
  mkdir -p "$work/vg"
  for binary in "$build"/linked/*; do
    printf '#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --error-exitcode=99 --suppressions='$root'/c_tests/valgrind.supp %s "$@"\n' \
      "$binary" >"$work/vg/${binary##*/}"
    chmod +x "$work/vg/${binary##*/}"
  done
fi

while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  label=${line%%:*}
  command=${line#*: }
  [ -n "$filter" ] && [[ $label != *$filter* ]] && continue
  run glibc "$command"
  ok=1
  for mode in $modes; do
    run $mode "$command"
    if ! cmp -s "$work/glibc.out" "$work/$mode.out" || ! cmp -s "$work/glibc.status" "$work/$mode.status"; then
      echo "FAIL $label [$mode]: differs from glibc (status $(cat "$work/glibc.status") vs $(cat "$work/$mode.status"))"
      diff "$work/glibc.out" "$work/$mode.out" | head -20 | sed 's/^/  /'
      sed 's/^/  stderr: /' "$work/$mode.err" | head -$((5 + valgrind * 40))
      ok=0
    fi
  done
  if [ $ok = 1 ] && [ $valgrind = 0 ] && ! bindings_ok; then echo "FAIL $label [preload]: bindings"; ok=0; fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); echo "ok   $label"; else failed=$((failed + 1)); fi
done <"$root/c_tests/cases.txt"

echo "c_tests: $passed passed, $failed failed"
[ $failed = 0 ]
