/* Side-by-side benchmarks of netlibc against glibc: both libraries are dlopen()ed into one process and
 * each case is timed on both, interleaved, over several rounds; medians and the ratio are reported. */
#ifndef NETLIBC_BENCH_H
#define NETLIBC_BENCH_H
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* One benchmark: `prepare` resolves what it needs from a library handle (glibc's or netlibc's) and
 * returns its state, or NULL to skip the case (a DNS case outside bench/netns.sh's namespaces); `run`
 * performs the operation `iterations` times. */
struct bench_case {
    const char *name;
    /* The speed-up over glibc the project promises (glibc time / netlibc time), e.g. 1.5; 0.95 means
     * "within 5%"; 0 means no target. */
    double target;
    void *(*prepare)(void *lib);
    void (*run)(void *state, long iterations);
    void (*finish)(void *state); /* may be NULL */
};

/* Resolves `name` in `lib` or exits: a missing symbol is a broken benchmark. */
static inline void *bench_sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) { fprintf(stderr, "bench: no symbol %s\n", name); exit(2); }
    return p;
}

/* Keeps the compiler from dropping a result. */
extern volatile unsigned long bench_sink;

/* Each group of cases lives in its own file and ends with a case whose name is NULL. */
extern const struct bench_case inet_cases[];
extern const struct bench_case socket_cases[];
extern const struct bench_case db_cases[];
extern const struct bench_case iface_cases[];
extern const struct bench_case gai_cases[];
extern const struct bench_case dns_cases[];
#endif
