/* Thread stress from C: 8 threads mix getaddrinfo, getnameinfo, gethostbyname_r, getservbyname_r,
 * inet_ntoa and inet_pton on the fixture files (with_files.sh: nothing reaches DNS), checking every
 * answer, a fixed number of rounds each (bounded also under valgrind). Prints only the totals, so the
 * glibc, -lnetlibc, LD_PRELOAD and valgrind runs compare equal. */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include "common.h"

#define THREADS 8
#define ROUNDS 150

static int check_round(unsigned seed) {
    int errors = 0;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo("fixture.example", "http", &hints, &res) != 0) errors++;
    else {
        struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
        if (sin->sin_addr.s_addr != htonl(0x7f000101) || sin->sin_port != htons(80) || res->ai_next) errors++;
        freeaddrinfo(res);
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(80), .sin_addr.s_addr = htonl(0x0a000001)};
    char host[64], serv[32];
    if (getnameinfo((struct sockaddr *)&address, sizeof address, host, sizeof host, serv, sizeof serv, NI_NAMEREQD | NI_NUMERICSERV) != 0 ||
        strcmp(host, "Indented.Example") || strcmp(serv, "80")) errors++;
    struct hostent he, *hp; char buffer[1024]; int herr;
    if (gethostbyname_r("m2", &he, buffer, sizeof buffer, &hp, &herr) != 0 || !hp || strcmp(hp->h_name, "multi.example") ||
        memcmp(hp->h_addr_list[0], "\x0a\x00\x00\x03", 4)) errors++;
    struct servent se, *sp; static __thread char big[65536]; /* the fixture has a very long line */
    if (getservbyname_r("www", "tcp", &se, big, sizeof big, &sp) != 0 || !sp || sp->s_port != htons(80)) errors++;
    struct in_addr in = {.s_addr = htonl(seed * 2654435761u)};
    char expected[16]; unsigned char *b = (unsigned char *)&in.s_addr;
    snprintf(expected, sizeof expected, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if (strcmp(inet_ntoa(in), expected)) errors++;
    struct in_addr parsed;
    if (inet_pton(AF_INET, expected, &parsed) != 1 || parsed.s_addr != in.s_addr) errors++;
    return errors;
}

static void *worker(void *arg) {
    long errors = 0;
    for (unsigned round = 0; round < ROUNDS; round++) errors += check_round(round * THREADS + (unsigned)(long)arg);
    return (void *)errors;
}

int main(void) {
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
    long errors = 0;
    for (int i = 0; i < THREADS; i++) {
        void *result;
        CHECK(pthread_join(threads[i], &result) == 0);
        errors += (long)result;
    }
    printf("%d threads x %d rounds: %ld wrong answers\n", THREADS, ROUNDS, errors);
    return errors != 0;
}
