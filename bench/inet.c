/* Benchmarks of <arpa/inet.h>: byte order and address text conversions. Each case cycles through a
 * realistic mix of addresses. */
#include "bench.h"
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t (*u32_fn)(uint32_t);
typedef int (*pton_fn)(int, const char *, void *);
typedef const char *(*ntop_fn)(int, const void *, char *, socklen_t);
typedef char *(*ntoa_fn)(struct in_addr);
typedef int (*aton_fn)(const char *, struct in_addr *);

static const char *const ipv4_texts[] = {"192.168.1.1", "10.0.0.1", "127.0.0.1", "9.8.7.6",
                                          "172.16.254.3", "255.255.255.0", "203.0.113.77", "1.2.3.4"};
static const char *const ipv6_texts[] = {"2001:db8::8a2e:370:7334", "::1", "::ffff:1.2.3.4",
                                          "fe80::1ff:fe23:4567:890a", "2001:4860:4860::8888", "ff02::1:ff00:1",
                                          "2001:db8:85a3:0:0:8a2e:370:7334", "::"};
static const char *const legacy_texts[] = {"192.168.1.1", "127.1", "0x7f.1", "10.0.0.1",
                                           "1.2.3.4 junk", "4294967295", "010.0.0.1", "9.8.7.6"};
enum { MIX = 8 };

/* The binary forms of the texts above, for the formatting cases. */
static unsigned char ipv4_binary[MIX][4], ipv6_binary[MIX][16];

static void *prepare_htonl(void *lib) { return bench_sym(lib, "htonl"); }

static void run_htonl(void *state, long n) {
    u32_fn f = (u32_fn)state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += f((uint32_t)i);
    bench_sink = acc;
}

static void *prepare_pton(void *lib) { return bench_sym(lib, "inet_pton"); }

static void run_pton_texts(void *state, long n, int af, const char *const *texts) {
    pton_fn f = (pton_fn)state;
    unsigned char out[16];
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += f(af, texts[i % MIX], out) + out[3];
    bench_sink = acc;
}

static void run_pton4(void *state, long n) { run_pton_texts(state, n, AF_INET, ipv4_texts); }
static void run_pton6(void *state, long n) { run_pton_texts(state, n, AF_INET6, ipv6_texts); }

/* Binary addresses come from glibc's own inet_pton, so both libraries format the same inputs. */
static void fill_binary(void) {
    for (int i = 0; i < MIX; i++) {
        inet_pton(AF_INET, ipv4_texts[i], ipv4_binary[i]);
        inet_pton(AF_INET6, ipv6_texts[i], ipv6_binary[i]);
    }
}

static void *prepare_ntop(void *lib) {
    fill_binary();
    return bench_sym(lib, "inet_ntop");
}

static void run_ntop4(void *state, long n) {
    ntop_fn f = (ntop_fn)state;
    char buf[INET_ADDRSTRLEN];
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += (unsigned char)f(AF_INET, ipv4_binary[i % MIX], buf, sizeof buf)[2];
    bench_sink = acc;
}

static void run_ntop6(void *state, long n) {
    ntop_fn f = (ntop_fn)state;
    char buf[INET6_ADDRSTRLEN];
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += (unsigned char)f(AF_INET6, ipv6_binary[i % MIX], buf, sizeof buf)[2];
    bench_sink = acc;
}

static void *prepare_ntoa(void *lib) {
    fill_binary();
    return bench_sym(lib, "inet_ntoa");
}

static void run_ntoa(void *state, long n) {
    ntoa_fn f = (ntoa_fn)state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) {
        struct in_addr a;
        memcpy(&a, ipv4_binary[i % MIX], 4);
        acc += (unsigned char)f(a)[2];
    }
    bench_sink = acc;
}

static void *prepare_aton(void *lib) { return bench_sym(lib, "inet_aton"); }

static void run_aton(void *state, long n) {
    aton_fn f = (aton_fn)state;
    struct in_addr a = {0};
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += f(legacy_texts[i % MIX], &a) + a.s_addr;
    bench_sink = acc;
}

const struct bench_case inet_cases[] = {
    {"htonl", 0, prepare_htonl, run_htonl, NULL},
    {"inet_pton AF_INET (mix of 8 dotted quads)", 1.5, prepare_pton, run_pton4, NULL},
    {"inet_pton AF_INET6 (mix of 8: compressed, mapped, full)", 1.5, prepare_pton, run_pton6, NULL},
    {"inet_ntop AF_INET (mix of 8)", 3, prepare_ntop, run_ntop4, NULL},
    {"inet_ntop AF_INET6 (mix of 8: compressed, mapped, full)", 3, prepare_ntop, run_ntop6, NULL},
    {"inet_ntoa (mix of 8)", 3, prepare_ntoa, run_ntoa, NULL},
    {"inet_aton (mix of 8 legacy forms)", 0, prepare_aton, run_aton, NULL},
    {0},
};
