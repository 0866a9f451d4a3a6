/* The large fixtures (tests/fixtures/gen_big.sh): a 20,000-entry services file and a 200,000-line
 * hosts file. Enumerates both (printing counts and a checksum of every field) and looks up the first,
 * a middle, the last and an absent entry. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

static unsigned long hash = 5381;

static void mix(const char *text) {
    for (; *text; text++) hash = hash * 33 + (unsigned char)*text;
    hash = hash * 33 + '|';
}

int main(void) {
    long count = 0;
    struct servent *s;
    char number[32];
    while ((s = getservent())) {
        mix(s->s_name); mix(s->s_proto);
        snprintf(number, sizeof number, "%d", ntohs(s->s_port)); mix(number);
        for (int i = 0; s->s_aliases[i]; i++) mix(s->s_aliases[i]);
        count++;
    }
    endservent();
    printf("services: %ld entries, checksum %lx\n", count, hash);
    const char *services[] = {"svc00000", "svc10001", "svc19999", "svcalias19998", "nosuch"};
    for (int i = 0; i < 5; i++) {
        errno = 77;
        s = getservbyname(services[i], NULL);
        printf("getservbyname %s: %s/%d errno=%d\n", services[i], s ? s->s_proto : "-", s ? ntohs(s->s_port) : 0, errno);
        s = getservbyname(services[i], "udp");
        printf("getservbyname %s udp: %s/%d\n", services[i], s ? s->s_name : "-", s ? ntohs(s->s_port) : 0);
    }
    s = getservbyport(htons(11023), "udp");
    printf("getservbyport 11023/udp: %s\n", s ? s->s_name : "-");

    hash = 5381; count = 0;
    struct hostent *h;
    while ((h = gethostent())) {
        mix(h->h_name);
        for (int i = 0; h->h_aliases[i]; i++) mix(h->h_aliases[i]);
        mix(inet_ntoa(*(struct in_addr *)h->h_addr_list[0]));
        count++;
    }
    endhostent();
    printf("hosts: %ld entries, checksum %lx\n", count, hash);
    const char *hosts[] = {"localhost", "ads000000.blocked.example", "ADS123456.blocked.example", "target", "nosuch.invalid"};
    for (int i = 0; i < 5; i++) {
        h_errno = 66;
        h = gethostbyname(hosts[i]);
        printf("gethostbyname %s: %s %s h_errno=%d\n", hosts[i], h ? h->h_name : "-",
               h ? inet_ntoa(*(struct in_addr *)h->h_addr_list[0]) : "-", h_errno);
    }
    struct in_addr target = {htonl(0x0a090807)};
    h = gethostbyaddr(&target, 4, AF_INET);
    printf("gethostbyaddr 10.9.8.7: %s\n", h ? h->h_name : "-");
    return 0;
}
