#!/usr/bin/env bash
# Runs dnsmasq in the foreground on a loopback address with netlibc's test records, for at most
# LIFETIME seconds (so a crashed test cannot leave it behind). Used by tests/dns_dnsmasq.rs and
# bench/netns.sh. It never forwards anything: --no-resolv, no upstream; .test, .example and the test
# reverse zones are answered locally (unknown names get NXDOMAIN, not REFUSED).
#
# usage: scripts/dnsmasq.sh ADDRESS PORT [LIFETIME [DNSMASQ-OPTION...]]
#   e.g. scripts/dnsmasq.sh 127.0.0.77 15353 60
# Options after LIFETIME are added (bench/netns.sh adds wildcard --address records for bench.test).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
address=${1:?address (127.x.y.z)} port=${2:?port} lifetime=${3:-60}
case $address in 127.*) ;; *) echo "dnsmasq.sh: loopback addresses only" >&2; exit 2 ;; esac
many=()
for i in $(seq 1 12); do many+=(--host-record="many.test,192.0.2.$((100 + i))"); done
# setpriv --pdeathsig: dnsmasq dies with `timeout`, also when a test kills that with SIGKILL (which
# `timeout` cannot pass on: dnsmasq used to be left running, reparented to init).
exec timeout "$lifetime" setpriv --pdeathsig KILL dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll \
  --bind-interfaces --listen-address="$address" --port="$port" --user=root --group=root --pid-file= \
  --log-facility=/dev/null --cache-size=0 --local=/test/ --local=/example/ --local=/2.0.192.in-addr.arpa/ \
  --local=/8.b.d.0.1.0.0.2.ip6.arpa/ --local-ttl=300 \
  --host-record=dual.test,192.0.2.30,2001:db8::30 \
  --host-record=multi.test,192.0.2.21 --host-record=multi.test,192.0.2.22 \
  --host-record=v6only.test,2001:db8::66 \
  --cname=alias.test,dual.test --cname=alias2.test,alias.test \
  --ptr-record=30.2.0.192.in-addr.arpa,dual.test \
  --ptr-record=0.3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa,dual.test \
  "${many[@]}" "${@:4}"
