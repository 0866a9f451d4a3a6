/* What NETLIBC_TRACE costs when unset: the same calls timed, interleaved in one process, on a netlibc
 * built with the `trace` feature (the default; NETLIBC_TRACE unset) and one built without it
 * (--no-default-features). Reported as a ratio, never asserted (timings are noisy).
 * Usage: trace_cost TRACED.so UNTRACED.so OUT.csv */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef int (*socket_fn)(int, int, int);
typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void (*freeaddrinfo_fn)(struct addrinfo *);

struct lib {
    socket_fn socket;
    getaddrinfo_fn getaddrinfo;
    freeaddrinfo_fn freeaddrinfo;
};

static volatile unsigned long sink;

static void *sym(void *handle, const char *name) {
    void *p = dlsym(handle, name);
    if (!p) { fprintf(stderr, "trace_cost: no symbol %s\n", name); exit(2); }
    return p;
}

static struct lib load(const char *path) {
    /* RTLD_LOCAL|RTLD_DEEPBIND: the two copies must not share symbols with each other or glibc. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) { fprintf(stderr, "trace_cost: %s\n", dlerror()); exit(2); }
    struct lib lib = {sym(handle, "socket"), sym(handle, "getaddrinfo"), sym(handle, "freeaddrinfo")};
    return lib;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void socket_close(const struct lib *lib, long n) {
    for (long i = 0; i < n; i++) {
        int fd = lib->socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) { perror("socket"); exit(2); }
        sink += (unsigned long)fd;
        close(fd);
    }
}

static void getaddrinfo_numeric(const struct lib *lib, long n) {
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    for (long i = 0; i < n; i++) {
        struct addrinfo *result;
        if (lib->getaddrinfo("192.0.2.1", "80", &hints, &result) != 0) { fprintf(stderr, "gai\n"); exit(2); }
        sink += (unsigned long)result->ai_addrlen;
        lib->freeaddrinfo(result);
    }
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Many short rounds, the order swapped every round: a system call's time on this VM moves by tens of
 * percent from round to round, and whichever library ran second would otherwise always meet the
 * same state. */
#define ROUNDS 61
static void measure(FILE *csv, const char *name, void (*run)(const struct lib *, long), const struct lib *traced,
                    const struct lib *untraced, long n) {
    double with[ROUNDS], without[ROUNDS];
    run(traced, n / 10);
    run(untraced, n / 10);
    for (int r = 0; r < ROUNDS; r++) {
        const struct lib *first = r % 2 ? untraced : traced, *second = r % 2 ? traced : untraced;
        double t0 = now_ns();
        run(first, n);
        double t1 = now_ns();
        run(second, n);
        double t2 = now_ns();
        with[r] = (r % 2 ? t2 - t1 : t1 - t0) / n;
        without[r] = (r % 2 ? t1 - t0 : t2 - t1) / n;
    }
    qsort(with, ROUNDS, sizeof(double), compare);
    qsort(without, ROUNDS, sizeof(double), compare);
    double a = with[ROUNDS / 2], b = without[ROUNDS / 2];
    printf("  %-40s %9.1f ns %9.1f ns   %.3f\n", name, a, b, a / b);
    fprintf(csv, "\"%s\",%.2f,%.2f,%.3f\n", name, a, b, a / b);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: trace_cost TRACED.so UNTRACED.so OUT.csv\n"); return 2; }
    if (getenv("NETLIBC_TRACE")) { fprintf(stderr, "trace_cost: unset NETLIBC_TRACE first\n"); return 2; }
    struct lib traced = load(argv[1]), untraced = load(argv[2]);
    FILE *csv = fopen(argv[3], "w");
    if (!csv) { perror(argv[3]); return 2; }
    fprintf(csv, "case,trace_unset_ns,no_trace_feature_ns,ratio\n");
    printf("NETLIBC_TRACE unset vs built without the trace feature (median of %d rounds; ratio ~1 = no cost)\n",
           ROUNDS);
    printf("  %-40s %12s %12s   %s\n", "case", "trace unset", "no trace", "ratio");
    measure(csv, "socket+close (AF_INET, SOCK_DGRAM)", socket_close, &traced, &untraced, 20000);
    measure(csv, "getaddrinfo numeric + freeaddrinfo", getaddrinfo_numeric, &traced, &untraced, 50000);
    fclose(csv);
    return 0;
}
