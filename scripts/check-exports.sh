#!/usr/bin/env bash
# Compares the shared library's dynamic exports with abi.symbols, both ways: nothing missing, nothing
# extra. Usage: scripts/check-exports.sh [path/to/libnetlibc.so]
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-target/release/libnetlibc.so}
expected=$(grep -v '^#' abi.symbols | sed '/^$/d' | sort -u)
actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
missing=$(comm -23 <(echo "$expected") <(echo "$actual"))
extra=$(comm -13 <(echo "$expected") <(echo "$actual"))
status=0
if [ -n "$missing" ]; then echo "exports: missing from $lib:"; echo "$missing" | sed 's/^/  /'; status=1; fi
if [ -n "$extra" ]; then echo "exports: exported but not in abi.symbols:"; echo "$extra" | sed 's/^/  /'; status=1; fi
[ $status = 0 ] && echo "exports: $(echo "$expected" | wc -l) symbols, exactly as abi.symbols lists"
exit $status
