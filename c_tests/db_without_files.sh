#!/usr/bin/env bash
# db_without_files.sh COMMAND...: runs COMMAND where no database file exists: in a private mount
# namespace, /etc is an empty directory but for a "files"-only nsswitch.conf (so nothing reaches DNS),
# and the NETLIBC_* variables name files that do not exist. Needs root (unshare -m).
set -eu
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
printf "hosts: files\nnetworks: files\nprotocols: files\nservices: files\n" >"$empty/nsswitch.conf"
for f in HOSTS SERVICES PROTOCOLS NETWORKS HOST_CONF; do export "NETLIBC_$f=$empty/missing"; done
unshare -m bash -c 'mount --bind "$1" /etc && shift && exec "$@"' without_files "$empty" "$@"
