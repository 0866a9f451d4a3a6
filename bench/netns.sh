#!/usr/bin/env bash
# Runs the whole benchmark (`bench LIBNETLIBC OUTDIR [FILTER]`) inside private namespaces with a DNS
# server of our own, so that the DNS cases (bench/dns.c) can time glibc's resolver next to netlibc's
# and one run still writes one results.md / results.csv with every group.
#
# Why the whole run and not only the DNS group: glibc reads only /etc/resolv.conf and asks port 53, and
# this machine's /etc/resolv.conf names a nameserver nothing of ours may ever query. Inside the
# namespaces nothing can reach it, whatever any case does, and the runner stays one process that
# writes the results once (no second run appending rows to the first one's files). The other groups
# time the same there as outside, except that the interface cases see only `lo`.
#
# The namespaces (`unshare`, as root):
#   --net            a fresh network with only `lo` (brought up here): no route leaves the machine;
#   --mount          our resolv.conf (bench/resolv.conf: nameserver 127.0.0.1) bind-mounted over
#                    /etc/resolv.conf for glibc, and named by NETLIBC_RESOLV_CONF for netlibc;
#   --uts            a host name without a dot, so that neither resolver adds a default search domain;
#   --pid --fork     this script is PID 1 of its own PID namespace: when it exits, for whatever
#                    reason, the kernel kills every process left in it (dnsmasq included).
# dnsmasq (scripts/dnsmasq.sh: the test records, never forwarding) serves 127.0.0.1:53, with
# wildcards for *.bench.test (an A and an AAAA record) so that each uncached lookup can ask a name
# never asked before; it is killed when the bench ends and lives LIFETIME seconds at most in any case.
#
# dnsmasq and the bench run on one CPU (taskset). On this machine (a VM whose idle vCPUs halt at once,
# no guest halt polling) a wake-up sent to the other vCPU costs tens of µs of hypervisor latency: with
# the server and the client on different CPUs a 17 µs lookup took 80 to 220 µs, for glibc and
# netlibc alike, depending on where the scheduler happened to put them. On one CPU a round trip is
# two context switches, the same for both libraries, and what is measured is the libraries' own work.
# bench/dns.c runs its cases only when NETLIBC_BENCH_DNS names the server and it finds itself in such a
# namespace (only `lo`, /etc/resolv.conf = NETLIBC_RESOLV_CONF, loopback nameservers).
#
# Without root, unshare or dnsmasq, the bench runs as before, outside, and skips the DNS cases.
#
# usage: bench/netns.sh BENCH LIBNETLIBC OUTDIR [FILTER]
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
LIFETIME=${NETLIBC_BENCH_DNS_LIFETIME:-900}

if [[ ${1:-} != --inside ]]; then
  if [[ $(id -u) != 0 ]] || ! command -v unshare >/dev/null || ! command -v dnsmasq >/dev/null; then
    echo "bench/netns.sh: needs root, unshare and dnsmasq for the DNS cases: running without them" >&2
    exec env -u NETLIBC_BENCH_DNS "$@"
  fi
  exec unshare --mount --net --uts --pid --fork --mount-proc --propagation private "$0" --inside "$@"
fi
shift

ip link set lo up
hostname netlibc-bench
# The first CPU this script may run on; everything started from here inherits it.
cpu=$(taskset -cp $$ | sed 's/.*: *//; s/[,-].*//')
taskset -cp "$cpu" $$ >/dev/null
conf="$here/resolv.conf"
mount --bind "$conf" /etc/resolv.conf

"$root/scripts/dnsmasq.sh" 127.0.0.1 53 "$LIFETIME" \
  --address=/bench.test/192.0.2.80 --address=/bench.test/2001:db8::80 &
dnsmasq_pid=$!
trap 'kill "$dnsmasq_pid" 2>/dev/null; wait "$dnsmasq_pid" 2>/dev/null || true' EXIT

# Up when glibc (in here, where it can only ask our server) resolves a name of the wildcard.
for _ in $(seq 100); do
  getent hosts up.bench.test >/dev/null 2>&1 && break
  sleep 0.1
done
getent hosts up.bench.test >/dev/null || { echo "bench/netns.sh: dnsmasq did not come up" >&2; exit 1; }

# The cache must be on for the cached case (the uncached ones ask fresh names).
env -u NETLIBC_DNS_CACHE -u LOCALDOMAIN -u RES_OPTIONS -u HOSTALIASES \
  NETLIBC_RESOLV_CONF="$conf" NETLIBC_BENCH_DNS=127.0.0.1 "$@"
