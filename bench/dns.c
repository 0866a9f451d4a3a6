/* Benchmarks of DNS lookups through glibc's resolver and netlibc's, against the same dnsmasq.
 *
 * They run only inside bench/netns.sh's private namespaces (see there): glibc reads /etc/resolv.conf
 * and nothing but our own server may ever be asked. Each case checks that first (`dns_safe`) and is
 * skipped otherwise.
 *
 * "Uncached" cases ask a name never asked before in this process (a counter shared by both libraries,
 * q<N>.bench.test, answered by dnsmasq's wildcard records, or q<N>.nx.test, which dnsmasq answers with
 * NXDOMAIN): netlibc's cache is on, as it is for its users, and can still not answer, and glibc, which
 * has no cache, does exactly the same work. dnsmasq runs with --cache-size=0 and answers every name from
 * its configuration, so a fresh name costs it no more than a repeated one.
 *
 * A is timed with gethostbyname: on both sides the shortest path to one A query (the nsswitch
 * `hosts:` chain, the hosts file, the query, a hostent in static storage), with no getaddrinfo work
 * (service, result list, sorting) around it. A+AAAA is getaddrinfo(AF_UNSPEC, SOCK_STREAM), the call
 * programs make, which asks both types (glibc in parallel, with sendmmsg) and sorts the two addresses
 * (RFC 3484). NXDOMAIN is getaddrinfo(AF_UNSPEC) of a missing name: both queries answered NXDOMAIN.
 * The cached case repeats getaddrinfo(AF_UNSPEC) of one name (dual.test, TTL 300): netlibc answers
 * from its cache after the first lookup, glibc asks the server every time. */
#define _GNU_SOURCE
#include "bench.h"
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

typedef struct hostent *(*hostbyname_fn)(const char *);
typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void (*freeai_fn)(struct addrinfo *);

struct dns_state {
    hostbyname_fn gethostbyname;
    gai_fn getaddrinfo;
    freeai_fn freeaddrinfo;
};

/* Reads a whole (small) file into `buffer`; the length, or -1. */
static long read_file(const char *path, char *buffer, size_t size) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buffer, 1, size - 1, f);
    int error = ferror(f) || !feof(f);
    fclose(f);
    if (error) return -1;
    buffer[n] = 0;
    return (long)n;
}

/* Why the DNS cases may not run here, or NULL when they may: NETLIBC_BENCH_DNS names our server (set
 * by bench/netns.sh once dnsmasq answers), the network namespace has no interface but `lo`, glibc's
 * /etc/resolv.conf is netlibc's NETLIBC_RESOLV_CONF, and every nameserver in it is a loopback address. */
static const char *unsafe_reason(void) {
    if (!getenv("NETLIBC_BENCH_DNS")) return "not inside bench/netns.sh's namespaces (NETLIBC_BENCH_DNS unset)";
    static char text[8192], other[8192];
    if (read_file("/proc/self/net/dev", text, sizeof text) < 0) return "cannot read /proc/self/net/dev";
    int line = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (line++ < 2) continue; /* two header lines */
        while (*l == ' ') l++;
        if (strncmp(l, "lo:", 3) != 0) return "the network namespace has interfaces other than lo";
    }
    const char *conf = getenv("NETLIBC_RESOLV_CONF");
    if (!conf) return "NETLIBC_RESOLV_CONF unset";
    long a = read_file("/etc/resolv.conf", text, sizeof text), b = read_file(conf, other, sizeof other);
    if (a < 0 || b < 0 || a != b || memcmp(text, other, (size_t)a) != 0)
        return "/etc/resolv.conf is not NETLIBC_RESOLV_CONF";
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (strncmp(l, "nameserver", 10) != 0) continue;
        l += 10;
        while (*l == ' ' || *l == '\t') l++;
        if (strncmp(l, "127.", 4) != 0) return "a nameserver in /etc/resolv.conf is not a loopback address";
    }
    return NULL;
}

static int dns_safe(void) {
    static int checked; /* 0: not yet, 1: safe, -1: not */
    if (!checked) {
        const char *reason = unsafe_reason();
        if (reason) fprintf(stderr, "bench dns: skipping the DNS cases: %s\n", reason);
        checked = reason ? -1 : 1;
    }
    return checked > 0;
}

static void *prepare_dns(void *lib) {
    if (!dns_safe()) return NULL;
    struct dns_state *s = calloc(1, sizeof *s);
    s->gethostbyname = (hostbyname_fn)bench_sym(lib, "gethostbyname");
    s->getaddrinfo = (gai_fn)bench_sym(lib, "getaddrinfo");
    s->freeaddrinfo = (freeai_fn)bench_sym(lib, "freeaddrinfo");
    return s;
}

static void finish_dns(void *state) { free(state); }

/* Names never asked before in this process, by either library. */
static unsigned long fresh;
static void fresh_name(char *name, size_t size, const char *zone) { snprintf(name, size, "q%lu.%s", fresh++, zone); }

static void run_a_uncached(void *state, long n) {
    struct dns_state *s = state;
    char name[64];
    for (long i = 0; i < n; i++) {
        fresh_name(name, sizeof name, "bench.test");
        struct hostent *h = s->gethostbyname(name);
        if (!h || h->h_length != 4) { fprintf(stderr, "bench dns: gethostbyname(%s) failed\n", name); exit(2); }
        bench_sink += (unsigned char)h->h_addr_list[0][3];
    }
}

/* getaddrinfo(name, NULL, {AF_UNSPEC, SOCK_STREAM}) n times; `expect` is 0 or the error expected. */
static void gai_loop(struct dns_state *s, const char *zone, const char *fixed, int expect, long n) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    char name[64];
    for (long i = 0; i < n; i++) {
        if (fixed) snprintf(name, sizeof name, "%s", fixed);
        else fresh_name(name, sizeof name, zone);
        struct addrinfo *res = NULL;
        int rc = s->getaddrinfo(name, NULL, &hints, &res);
        if (rc != expect || (rc == 0 && (!res || !res->ai_next))) {
            fprintf(stderr, "bench dns: getaddrinfo(%s): %d, expected %d (and two addresses)\n", name, rc, expect);
            exit(2);
        }
        if (res) {
            bench_sink += (unsigned long)res->ai_family;
            s->freeaddrinfo(res);
        }
    }
}

static void run_both_uncached(void *state, long n) { gai_loop(state, "bench.test", NULL, 0, n); }
static void run_nxdomain_uncached(void *state, long n) { gai_loop(state, "nx.test", NULL, EAI_NONAME, n); }
static void run_cached(void *state, long n) { gai_loop(state, NULL, "dual.test", 0, n); }

const struct bench_case dns_cases[] = {
    {"DNS A, uncached: gethostbyname(fresh name)", 1.0, prepare_dns, run_a_uncached, finish_dns},
    {"DNS A+AAAA, uncached: getaddrinfo AF_UNSPEC (fresh name)", 1.5, prepare_dns, run_both_uncached, finish_dns},
    {"DNS NXDOMAIN, uncached: getaddrinfo AF_UNSPEC (fresh name)", 1.0, prepare_dns, run_nxdomain_uncached,
     finish_dns},
    {"DNS A+AAAA, cached: getaddrinfo AF_UNSPEC(\"dual.test\") repeated", 100, prepare_dns, run_cached, finish_dns},
    {0},
};
