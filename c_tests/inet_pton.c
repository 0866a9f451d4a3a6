/* The API guide's inet_pton example: prints the address in argv[1] as 32-bit words in host order,
 * as IPv4 and/or IPv6, whichever it parses as (and says so when it is neither). */
#include <arpa/inet.h>
#include <stdio.h>

int main(int argc, char *argv[]) {
    struct in_addr addr4;
    struct in6_addr addr6;
    int parsed = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s address\n", argv[0]);
        return 2;
    }
    if (inet_pton(AF_INET, argv[1], &addr4) == 1) {
        printf("IPv4: 0x%.8x\n", htonl(addr4.s_addr));
        parsed = 1;
    }
    if (inet_pton(AF_INET6, argv[1], &addr6) == 1) {
        printf("IPv6: 0x%.8x%.8x%.8x%.8x\n",
               htonl(addr6.__in6_u.__u6_addr32[0]),
               htonl(addr6.__in6_u.__u6_addr32[1]),
               htonl(addr6.__in6_u.__u6_addr32[2]),
               htonl(addr6.__in6_u.__u6_addr32[3]));
        parsed = 1;
    }
    if (!parsed) printf("not an address: \"%s\"\n", argv[1]);
    return 0;
}
