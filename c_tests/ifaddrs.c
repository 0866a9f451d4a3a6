/* getifaddrs, freeifaddrs and the <net/if.h> name calls: prints every entry's deterministic fields
 * (names, flags, addresses, netmasks, broadcast/peer addresses, link-layer facts), never statistics. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <string.h>
#include "common.h"

/* Prints one socket address as text: IPv4/IPv6 numerically (with the IPv6 scope id), link-layer as
 * index, hardware type and address bytes. */
static void print_address(const char *label, const struct sockaddr *sa) {
    char text[INET6_ADDRSTRLEN];
    if (!sa) { printf(" %s=none", label); return; }
    switch (sa->sa_family) {
    case AF_INET:
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
        printf(" %s=%s", label, text);
        break;
    case AF_INET6: {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof text);
        printf(" %s=%s%%%u", label, text, (unsigned)s6->sin6_scope_id);
        break;
    }
    case AF_PACKET: {
        const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
        printf(" %s=ll(if%d,type%u,len%u:", label, ll->sll_ifindex, ll->sll_hatype, ll->sll_halen);
        for (int i = 0; i < ll->sll_halen && i < 8; i++) printf("%02x", ll->sll_addr[i]);
        printf(")");
        break;
    }
    default: printf(" %s=family%d", label, sa->sa_family);
    }
}

int main(void) {
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0);
    int count = 0;
    for (struct ifaddrs *p = list; p; p = p->ifa_next, count++) {
        printf("%s flags=%#x", p->ifa_name, p->ifa_flags);
        print_address("addr", p->ifa_addr);
        print_address("mask", p->ifa_netmask);
        print_address("brd/dst", p->ifa_broadaddr);
        printf(" data=%s\n", p->ifa_data ? "stats" : "none");
    }
    printf("%d entries\n", count);
    freeifaddrs(list);

    struct if_nameindex *names = if_nameindex();
    CHECK(names != NULL);
    for (struct if_nameindex *n = names; n->if_index || n->if_name; n++) {
        char back[IF_NAMESIZE];
        CHECK(if_indextoname(n->if_index, back) == back);
        printf("if %u %s -> %u, %s\n", n->if_index, n->if_name, if_nametoindex(n->if_name), back);
    }
    if_freenameindex(names);

    errno = 0;
    char buffer[IF_NAMESIZE];
    printf("unknown index: %s errno=%s\n", if_indextoname(0, buffer) ? "found" : "NULL", strerror(errno));
    errno = 0;
    printf("unknown name: %u errno=%s\n", if_nametoindex("nosuch0"), strerror(errno));
    errno = 0;
    printf("long name: %u errno=%s\n", if_nametoindex("0123456789abcdefg"), strerror(errno));
    return 0;
}
