#!/usr/bin/env bash
# `make demo`: runs the API guide's examples (c_tests/demo.txt) against netlibc, linked with -lnetlibc,
# showing each command and its output, then checks that each printed what glibc prints.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
export SRC=$root/c_tests
status=0
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  label=${line%%:*}
  command=${line#*: }
  echo "=== $label"
  echo "\$ ${command//\$BIN\//}"
  linked=$(BIN=$root/build/linked bash -c "$command" 2>&1); linked_status=$?
  glibc=$(BIN=$root/build/glibc bash -c "$command" 2>&1); glibc_status=$?
  echo "$linked"
  if [ "$linked" == "$glibc" ] && [ $linked_status = $glibc_status ]; then
    echo "--- same output and status ($linked_status) as glibc"
  else
    echo "--- DIFFERS from glibc (status $glibc_status):"; diff <(echo "$glibc") <(echo "$linked") | head -20
    status=1
  fi
done <"$root/c_tests/demo.txt"
exit $status
