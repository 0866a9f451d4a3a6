#!/usr/bin/env bash
# with_files.sh DIR COMMAND...: runs COMMAND in a private mount namespace where each of hosts,
# services, protocols, networks and host.conf found in DIR is bind-mounted over its /etc file (so glibc
# reads it) and named by its NETLIBC_* variable (so netlibc reads it without the namespace too), and
# where nsswitch.conf says "files" only, so that no lookup can reach DNS. Needs root (unshare -m).
set -eu
dir=$(cd "$1" && pwd)
shift
exec unshare -m bash -c '
  set -eu
  dir=$1; shift
  nss=$(mktemp)
  printf "hosts: files\nnetworks: files\nprotocols: files\nservices: files\n" >"$nss"
  mount --bind "$nss" /etc/nsswitch.conf
  for f in hosts services protocols networks host.conf; do
    [ -f "$dir/$f" ] || continue
    [ "$dir/$f" -ef "/etc/$f" ] || mount --bind "$dir/$f" "/etc/$f"
    var=NETLIBC_$(echo "$f" | tr a-z. A-Z_)
    export "$var=$dir/$f"
  done
  rm -f "$nss"
  exec "$@"' with_files "$dir" "$@"
