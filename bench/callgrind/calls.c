/* Runs one call of the benchmarks N times from a library (glibc's or netlibc's), for counting its
 * instructions under callgrind: timings on a shared machine are noisy, instruction counts repeat.
 * Usage: calls LIB CASE N, where LIB is "glibc" or a path to libnetlibc.so and CASE one of
 *   v4      getaddrinfo("127.0.0.1", "80"), AI_NUMERICHOST|AI_NUMERICSERV, AF_INET, SOCK_STREAM
 *   v6      getaddrinfo("::1", NULL), AI_NUMERICHOST (three results)
 *   pton6   inet_pton(AF_INET6) over bench/inet.c's mix of eight texts
 *   gni     getnameinfo(127.0.0.1:80), NI_NUMERICHOST|NI_NUMERICSERV
 *   gnin    getnameinfo(127.0.0.1:80) with name and service lookups (flags 0)
 *   hbn     gethostbyname("localhost") (hosts file)
 *   hba     gethostbyaddr(127.0.0.1) (hosts file)
 *   sbn     getservbyname("tcpmux", "tcp")
 *   sent    setservent(0), getservent to the end, endservent: one enumeration of the services file
 *   dual    getaddrinfo("dual.test", NULL), AF_UNSPEC, SOCK_STREAM: the DNS cache after the first call
 *           (only inside bench/netns.sh's namespaces, where a DNS server of ours answers)
 * each getaddrinfo paired with its library's freeaddrinfo. count.sh gives the count per call. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void (*freeai_fn)(struct addrinfo *);
typedef int (*pton_fn)(int, const char *, void *);
typedef int (*gni_fn)(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int);
typedef struct hostent *(*hostbyname_fn)(const char *);
typedef struct hostent *(*hostbyaddr_fn)(const void *, socklen_t, int);
typedef struct servent *(*servbyname_fn)(const char *, const char *);
typedef struct servent *(*servent_fn)(void);
typedef void (*setent_fn)(int);
typedef void (*endent_fn)(void);

static const char *const ipv6_texts[] = {"2001:db8::8a2e:370:7334", "::1", "::ffff:1.2.3.4",
                                          "fe80::1ff:fe23:4567:890a", "2001:4860:4860::8888", "ff02::1:ff00:1",
                                          "2001:db8:85a3:0:0:8a2e:370:7334", "::"};
static volatile unsigned long sink;

static void *symbol(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) { fprintf(stderr, "calls: no symbol %s\n", name); exit(2); }
    return p;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: calls LIB CASE N\n"); return 2; }
    void *lib = strcmp(argv[1], "glibc") ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : dlopen("libc.so.6", RTLD_NOW);
    if (!lib) { fprintf(stderr, "calls: %s\n", dlerror()); return 2; }
    const char *what = argv[2];
    long n = atol(argv[3]);
    gai_fn gai = (gai_fn)symbol(lib, "getaddrinfo");
    freeai_fn freeai = (freeai_fn)symbol(lib, "freeaddrinfo");
    pton_fn pton = (pton_fn)symbol(lib, "inet_pton");
    gni_fn gni = (gni_fn)symbol(lib, "getnameinfo");
    hostbyname_fn hbn = (hostbyname_fn)symbol(lib, "gethostbyname");
    hostbyaddr_fn hba = (hostbyaddr_fn)symbol(lib, "gethostbyaddr");
    servbyname_fn sbn = (servbyname_fn)symbol(lib, "getservbyname");
    setent_fn setserv = (setent_fn)symbol(lib, "setservent");
    servent_fn nextserv = (servent_fn)symbol(lib, "getservent");
    endent_fn endserv = (endent_fn)symbol(lib, "endservent");
    struct addrinfo hdual = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct in_addr loopback = {htonl(INADDR_LOOPBACK)};
    struct addrinfo h4 = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo h6 = {.ai_flags = AI_NUMERICHOST};
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* The case is found once: the loop's own cost stays a few instructions per call. */
    static const char *const names[] = {"v4", "v6", "pton6", "gni", "gnin", "hbn", "hba", "sbn", "dual", "sent"};
    int which = -1;
    for (int c = 0; c < (int)(sizeof names / sizeof names[0]); c++)
        if (!strcmp(what, names[c])) which = c;
    if (which < 0) {
        fprintf(stderr, "calls: no case %s\n", what);
        return 2;
    }
    for (long i = 0; i < n; i++) {
        struct addrinfo *res = NULL;
        unsigned char out[16];
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        switch (which) {
        case 0:
            if (gai("127.0.0.1", "80", &h4, &res)) return 1;
            sink += res->ai_addrlen;
            freeai(res);
            break;
        case 1:
            if (gai("::1", NULL, &h6, &res)) return 1;
            sink += res->ai_addrlen;
            freeai(res);
            break;
        case 2:
            sink += pton(AF_INET6, ipv6_texts[i % 8], out) + out[3];
            break;
        case 3:
            if (gni((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV)) return 1;
            sink += (unsigned char)host[0];
            break;
        case 4:
            if (gni((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0)) return 1;
            sink += (unsigned char)host[0];
            break;
        case 5: {
            struct hostent *h = hbn("localhost");
            if (!h) return 1;
            sink += (unsigned long)h->h_length;
            break;
        }
        case 6: {
            struct hostent *h = hba(&loopback, sizeof loopback, AF_INET);
            if (!h) return 1;
            sink += (unsigned long)h->h_length;
            break;
        }
        case 7: {
            struct servent *s = sbn("tcpmux", "tcp");
            if (!s) return 1;
            sink += (unsigned long)s->s_port;
            break;
        }
        case 9:
            setserv(0);
            while (nextserv()) sink++;
            endserv();
            break;
        default:
            if (gai("dual.test", NULL, &hdual, &res) || !res->ai_next) return 1;
            sink += res->ai_addrlen;
            freeai(res);
            break;
        }
    }
    return 0;
}
