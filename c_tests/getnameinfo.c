/* The API guide's getnameinfo example: `getnameinfo ip port` prints "host:service" for an IPv4
 * address. An optional third argument gives the flags (a number); an IPv6 address (with a colon)
 * is translated from a sockaddr_in6, with an optional fourth argument as its scope id. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

int main(int argc, char *argv[]) {
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr *sa = (struct sockaddr *)&sin;
    socklen_t salen = sizeof(sin);
    char host[64], serv[64];
    int s;
    if (argc < 3) {
        fprintf(stderr, "usage: %s ip port [flags [scope]]\n", argv[0]);
        exit(-1);
    }
    int flags = argc > 3 ? (int)strtol(argv[3], NULL, 0) : 0;
    bzero(&sin, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = inet_addr(argv[1]); /* network byte order */
    sin.sin_port = htons(atoi(argv[2]));
    if (strchr(argv[1], ':')) {
        bzero(&sin6, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, argv[1], &sin6.sin6_addr) != 1) {
            fprintf(stderr, "bad address %s\n", argv[1]);
            exit(-1);
        }
        sin6.sin6_port = htons(atoi(argv[2]));
        sin6.sin6_scope_id = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 0;
        sa = (struct sockaddr *)&sin6;
        salen = sizeof(sin6);
    }
    if ((s = getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv), flags)) != 0) {
        fprintf(stderr, "getnameinfo: %s\n", gai_strerror(s));
        printf("error %d\n", s);
        exit(-1);
    }
    printf("%s:%s\n", host, serv);
    return 0;
}
