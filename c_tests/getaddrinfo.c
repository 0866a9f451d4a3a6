/* The API guide's getaddrinfo example: `getaddrinfo host port` prints each IPv4 stream address as
 * "address:port". Optional arguments widen it for the tests: a family (0, 4 or 6) and flags (a
 * number); then every result is printed with its family, socket type, protocol and canonical name,
 * and the list is freed. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static void print_entry(const struct addrinfo *rp) {
    char text[INET6_ADDRSTRLEN];
    if (rp->ai_family == AF_INET6) {
        const struct sockaddr_in6 *p = (const struct sockaddr_in6 *)rp->ai_addr;
        printf("[%s%%%u]:%d", inet_ntop(AF_INET6, &p->sin6_addr, text, sizeof text), p->sin6_scope_id,
               ntohs(p->sin6_port));
    } else {
        const struct sockaddr_in *p = (const struct sockaddr_in *)rp->ai_addr;
        printf("%s:%d", inet_ntoa(p->sin_addr), ntohs(p->sin_port));
    }
    printf(" family %d socktype %d protocol %d addrlen %u flags %#x canonname %s\n", rp->ai_family,
           rp->ai_socktype, rp->ai_protocol, (unsigned)rp->ai_addrlen, rp->ai_flags,
           rp->ai_canonname ? rp->ai_canonname : "(null)");
}

int main(int argc, char *argv[]) {
    int s;
    struct addrinfo hints, *result, *rp;
    if (argc < 3) {
        fprintf(stderr, "usage: %s host port [family [flags]]\n", argv[0]);
        exit(-1);
    }
    bzero(&hints, sizeof(struct addrinfo));
    hints.ai_family = AF_INET;       /* allow IPv4 */
    hints.ai_socktype = SOCK_STREAM; /* stream socket */
    hints.ai_flags = 0;
    hints.ai_protocol = 0; /* any protocol */
    if (argc > 3) {
        int family = atoi(argv[3]);
        hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
        hints.ai_socktype = 0;
        hints.ai_flags = argc > 4 ? (int)strtol(argv[4], NULL, 0) : 0;
    }
    const char *host = strcmp(argv[1], "NULL") ? argv[1] : NULL;
    if ((s = getaddrinfo(host, argv[2], &hints, &result)) != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(s));
        printf("error %d\n", s);
        exit(-1);
    }
    for (rp = result; rp != NULL; rp = rp->ai_next) {
        if (argc > 3) {
            print_entry(rp);
            continue;
        }
        struct sockaddr_in *p = (struct sockaddr_in *)rp->ai_addr;
        printf("%s:%d\n", inet_ntoa(p->sin_addr), ntohs(p->sin_port));
    }
    freeaddrinfo(result);
    return 0;
}
