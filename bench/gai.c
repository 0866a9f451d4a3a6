/* Benchmarks of getaddrinfo / getnameinfo (<netdb.h>): numeric literals, the wildcard address, a
 * hosts-file name with a named service (which glibc looks up in /etc/services once per protocol),
 * and getnameinfo numeric and with name and service lookups. Each getaddrinfo is paired with its
 * library's freeaddrinfo. */
#define _GNU_SOURCE
#include "bench.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void (*freeai_fn)(struct addrinfo *);
typedef int (*gni_fn)(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int);

struct gai_state {
    gai_fn gai;
    freeai_fn freeai;
    gni_fn gni;
};

static void *prepare_gai(void *lib) {
    struct gai_state *s = calloc(1, sizeof *s);
    s->gai = (gai_fn)bench_sym(lib, "getaddrinfo");
    s->freeai = (freeai_fn)bench_sym(lib, "freeaddrinfo");
    s->gni = (gni_fn)bench_sym(lib, "getnameinfo");
    return s;
}

static void finish_gai(void *state) { free(state); }

/* Resolves node/service with the given hints n times, freeing each result. */
static void resolve_loop(struct gai_state *s, const char *node, const char *service, const struct addrinfo *hints,
                         long n) {
    for (long i = 0; i < n; i++) {
        struct addrinfo *res = NULL;
        int rc = s->gai(node, service, hints, &res);
        if (rc != 0) { fprintf(stderr, "bench gai: %s %s: %d\n", node, service, rc); exit(2); }
        bench_sink += (unsigned long)res->ai_addrlen;
        s->freeai(res);
    }
}

static void run_numeric_v4(void *state, long n) {
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_family = AF_INET,
                             .ai_socktype = SOCK_STREAM};
    resolve_loop(state, "127.0.0.1", "80", &hints, n);
}

static void run_numeric_v6(void *state, long n) {
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST};
    resolve_loop(state, "::1", NULL, &hints, n);
}

static void run_passive(void *state, long n) {
    struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM};
    resolve_loop(state, NULL, "8080", &hints, n);
}

static void run_localhost_http(void *state, long n) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC};
    resolve_loop(state, "localhost", "http", &hints, n);
}

static void name_loop(struct gai_state *s, int flags, long n) {
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    for (long i = 0; i < n; i++) {
        int rc = s->gni((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, flags);
        if (rc != 0) { fprintf(stderr, "bench gni: %d\n", rc); exit(2); }
        bench_sink += (unsigned char)host[0];
    }
}

static void run_gni_numeric(void *state, long n) { name_loop(state, NI_NUMERICHOST | NI_NUMERICSERV, n); }
static void run_gni_names(void *state, long n) { name_loop(state, 0, n); }

const struct bench_case gai_cases[] = {
    {"getaddrinfo(\"127.0.0.1\", \"80\") numeric flags", 1.5, prepare_gai, run_numeric_v4, finish_gai},
    {"getaddrinfo(\"::1\", NULL) no socket type", 1.5, prepare_gai, run_numeric_v6, finish_gai},
    {"getaddrinfo(NULL, \"8080\") AI_PASSIVE", 10, prepare_gai, run_passive, finish_gai},
    {"getaddrinfo(\"localhost\", \"http\")", 30, prepare_gai, run_localhost_http, finish_gai},
    {"getnameinfo(127.0.0.1:80) numeric", 2, prepare_gai, run_gni_numeric, finish_gai},
    {"getnameinfo(127.0.0.1:80) names", 10, prepare_gai, run_gni_names, finish_gai},
    {0},
};
