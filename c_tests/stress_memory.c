/* Memory shapes for the valgrind run (c_tests/run.sh --valgrind): every getaddrinfo result shape
 * freed with freeaddrinfo, each _r lookup at every buffer size from 0 up to the one that fits,
 * enumerations stopped after one entry (and restarted), getifaddrs and if_nameindex freed. Prints
 * what it saw, so the glibc run and the netlibc runs are compared too. Run with the fixture files
 * (with_files.sh tests/fixtures/db): nothing reaches DNS. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include "common.h"

static void gai_shape(const char *node, const char *service, int family, int socktype, int flags) {
    struct addrinfo hints = {.ai_family = family, .ai_socktype = socktype, .ai_flags = flags}, *result = NULL;
    int error = getaddrinfo(node, service, &hints, &result);
    int count = 0, canon = 0;
    for (struct addrinfo *ai = result; ai; ai = ai->ai_next) {
        count++;
        canon += ai->ai_canonname != NULL;
    }
    printf("gai %s %s af=%d st=%d fl=%#x: error=%d entries=%d canonname=%d\n", node ? node : "NULL",
           service ? service : "NULL", family, socktype, flags, error, count, canon);
    if (error == 0) freeaddrinfo(result);
}

/* Calls a _r lookup at every size from 0 to the first that fits: each smaller one must be ERANGE. */
#define EVERY_SIZE(what, call) do { \
    size_t fits = 0; int last = -1; \
    for (size_t buflen = 0; buflen < 4096; buflen++) { \
        char *buf = malloc(buflen ? buflen : 1); \
        last = (call); \
        free(buf); \
        if (last != ERANGE) { fits = buflen; break; } \
    } \
    printf("%s: fits at %zu, status %d\n", what, fits, last); \
} while (0)

static void every_size(void) {
    struct hostent he, *hp; struct servent se, *sp; struct protoent pe, *pp; struct netent ne, *np;
    int herr;
    EVERY_SIZE("gethostbyname_r multi.example", gethostbyname_r("multi.example", &he, buf, buflen, &hp, &herr));
    EVERY_SIZE("gethostbyname2_r localhost v6", gethostbyname2_r("localhost", AF_INET6, &he, buf, buflen, &hp, &herr));
    EVERY_SIZE("gethostbyname_r long.example", gethostbyname_r("long.example", &he, buf, buflen, &hp, &herr));
    unsigned char address[4] = {10, 0, 0, 2};
    EVERY_SIZE("gethostbyaddr_r 10.0.0.2", gethostbyaddr_r(address, 4, AF_INET, &he, buf, buflen, &hp, &herr));
    EVERY_SIZE("getservbyname_r http", getservbyname_r("http", "tcp", &se, buf, buflen, &sp));
    EVERY_SIZE("getservbyport_r 80", getservbyport_r(htons(80), NULL, &se, buf, buflen, &sp));
    EVERY_SIZE("getprotobyname_r tcp", getprotobyname_r("tcp", &pe, buf, buflen, &pp));
    EVERY_SIZE("getprotobynumber_r 17", getprotobynumber_r(17, &pe, buf, buflen, &pp));
    EVERY_SIZE("getnetbyname_r loopback", getnetbyname_r("loopback", &ne, buf, buflen, &np, &herr));
    EVERY_SIZE("getservent_r", getservent_r(&se, buf, buflen, &sp));
    endservent();
    EVERY_SIZE("gethostent_r", gethostent_r(&he, buf, buflen, &hp, &herr));
    endhostent();
}

static void stopped_early(void) {
    for (int round = 0; round < 3; round++) {
        sethostent(round & 1);
        struct hostent *h = gethostent();
        printf("hostent round %d: %s\n", round, h ? h->h_name : "NULL");
        endhostent();
        setservent(round & 1);
        struct servent *s = getservent();
        printf("servent round %d: %s\n", round, s ? s->s_name : "NULL");
        endservent();
        struct protoent *p = getprotoent(); /* no setprotoent: the first call opens the file */
        printf("protoent round %d: %s\n", round, p ? p->p_name : "NULL");
        endprotoent();
        setnetent(0);
        struct netent *n = getnetent();
        printf("netent round %d: %s\n", round, n ? n->n_name : "NULL");
        endnetent();
    }
    /* Left open at exit: the library must not leak what an unfinished enumeration holds. */
    setservent(1);
    CHECK(getservent() != NULL);
    sethostent(1);
    CHECK(gethostent() != NULL);
}

static void interfaces(void) {
    for (int round = 0; round < 3; round++) {
        struct ifaddrs *list;
        CHECK(getifaddrs(&list) == 0);
        freeifaddrs(list);
        struct if_nameindex *names = if_nameindex();
        CHECK(names != NULL);
        if_freenameindex(names);
    }
    printf("interfaces: listed and freed 3 times\n");
}

int main(void) {
    const char *nodes[] = {"localhost", "127.0.0.1", "::1", "multi.example", "long.example", "fe80::1%lo",
                           "mapped.example", "v6only.example", NULL};
    int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
    int socktypes[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW};
    int flags[] = {0, AI_CANONNAME, AI_V4MAPPED | AI_ALL, AI_CANONNAME | AI_NUMERICSERV, AI_PASSIVE};
    for (int n = 0; n < 9; n++)
        for (int f = 0; f < 3; f++)
            for (int s = 0; s < 4; s++)
                for (int g = 0; g < 5; g++)
                    gai_shape(nodes[n], n == 8 ? "80" : (s == 3 ? NULL : "80"), families[f], socktypes[s], flags[g]);
    gai_shape("localhost", "http", AF_UNSPEC, 0, 0);
    gai_shape("localhost", "nosuchservice", AF_UNSPEC, 0, 0);
    gai_shape("nosuch.invalid", "80", AF_UNSPEC, 0, 0);
    every_size();
    stopped_early();
    interfaces();
    return 0;
}
