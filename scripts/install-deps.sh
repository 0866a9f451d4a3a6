#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need and the machine lacks. Idempotent and quiet when
# everything is there. Runs as root on the project's machines; elsewhere it says what is missing.
set -euo pipefail
need=()
command -v cc >/dev/null || need+=(gcc)
command -v nm >/dev/null || need+=(binutils)
command -v valgrind >/dev/null || need+=(valgrind)
command -v g++ >/dev/null || need+=(g++)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
command -v curl >/dev/null || need+=(curl)
command -v wget >/dev/null || need+=(wget)
[ -x /usr/bin/python3 ] || command -v python3 >/dev/null || need+=(python3)
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
[ ${#need[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "install-deps: please install: ${need[*]}"; exit 1; fi
echo "install-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
