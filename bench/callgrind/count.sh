#!/usr/bin/env bash
# Instructions per call of one case of calls.c, under callgrind: the difference between runs of
# 2000 and 1000 calls, divided by 1000 (start-up and dlopen cancel out; the driver's own loop, a few
# dozen instructions, is included). Repeatable to the instruction, unlike timings.
# Usage: bench/callgrind/count.sh LIB CASE...   (LIB: "glibc" or target/release/libnetlibc.so)
set -euo pipefail
here=$(dirname "$0")
build=${BUILD:-build}
mkdir -p "$build"
cc -O2 -Wall -Wextra -o "$build/calls" "$here/calls.c" -ldl
lib=$1
shift
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/calls" "$lib" "$1" "$2" 2>&1 |
    sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
for case in "$@"; do
  one=$(instructions "$case" 1000)
  two=$(instructions "$case" 2000)
  echo "$case: $(((two - one) / 1000)) instructions per call ($lib)"
done
