/* Benchmarks of <arpa/inet.h>: byte order and address text conversions. */
#include "bench.h"
#include <stdint.h>

typedef uint32_t (*u32_fn)(uint32_t);

static void *prepare_htonl(void *lib) { return bench_sym(lib, "htonl"); }

static void run_htonl(void *state, long n) {
    u32_fn f = (u32_fn)state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += f((uint32_t)i);
    bench_sink = acc;
}

const struct bench_case inet_cases[] = {
    {"htonl", 0, prepare_htonl, run_htonl, NULL},
    {0},
};
