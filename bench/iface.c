/* Benchmarks of <net/if.h> and <ifaddrs.h>: a name lookup by ioctl and a whole getifaddrs list. */
#include "bench.h"
#include <ifaddrs.h>

typedef unsigned (*nametoindex_fn)(const char *);
typedef int (*getifaddrs_fn)(struct ifaddrs **);
typedef void (*freeifaddrs_fn)(struct ifaddrs *);

struct ifaddrs_state {
    getifaddrs_fn get;
    freeifaddrs_fn free;
};

static void *prepare_nametoindex(void *lib) { return bench_sym(lib, "if_nametoindex"); }

static void run_nametoindex(void *state, long n) {
    nametoindex_fn f = (nametoindex_fn)state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += f("lo");
    bench_sink = acc;
}

static void *prepare_getifaddrs(void *lib) {
    struct ifaddrs_state *s = malloc(sizeof *s);
    if (!s) exit(2);
    s->get = (getifaddrs_fn)bench_sym(lib, "getifaddrs");
    s->free = (freeifaddrs_fn)bench_sym(lib, "freeifaddrs");
    return s;
}

static void run_getifaddrs(void *state, long n) {
    struct ifaddrs_state *s = state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) {
        struct ifaddrs *list;
        if (s->get(&list) == 0) {
            for (struct ifaddrs *p = list; p; p = p->ifa_next) acc++;
            s->free(list);
        }
    }
    bench_sink = acc;
}

const struct bench_case iface_cases[] = {
    {"if_nametoindex(\"lo\")", 0, prepare_nametoindex, run_nametoindex, NULL},
    {"getifaddrs + freeifaddrs", 0, prepare_getifaddrs, run_getifaddrs, free},
    {0},
};
