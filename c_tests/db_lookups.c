/* Every lookup of the files databases over the entries the enumerations return, plus absent and odd
 * keys: results, errno, h_errno, and the smallest buffer each _r call accepts (glibc's exact ERANGE
 * threshold, found by bisection at two alignments). Its output is compared byte for byte with glibc's. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_KEYS 2000
static char *names[MAX_KEYS], *protos[MAX_KEYS];
static int ports[MAX_KEYS], nkeys;
static char buffer[1 << 16] __attribute__((aligned(16)));

static void print_list(const char *label, char **list) {
    printf(" %s={", label);
    for (int i = 0; list && list[i]; i++) printf(" %s", list[i]);
    printf(" }");
}

static void print_host(const struct hostent *h) {
    if (!h) { printf(" NULL h_errno=%d errno=%d\n", h_errno, errno); return; }
    char text[64];
    printf(" %s type=%d len=%d", h->h_name, h->h_addrtype, h->h_length);
    print_list("aliases", h->h_aliases);
    printf(" addrs={");
    for (int i = 0; h->h_addr_list[i]; i++) printf(" %s", inet_ntop(h->h_addrtype, h->h_addr_list[i], text, sizeof text));
    printf(" } h_errno=%d errno=%d\n", h_errno, errno);
}

/* Smallest buffer length at which `call` stops failing with ERANGE (bisection; results are monotonic). */
#define THRESHOLD(offset, call) ({ size_t lo = 0, hi = 1 << 15; char *buf = buffer + (offset); \
    while (lo < hi) { size_t buflen = (lo + hi) / 2; if ((call) == ERANGE) lo = buflen + 1; else hi = buflen; } lo; })

static void hosts(void) {
    const char *extra[] = {"localhost", "LOCALHOST", "127.0.0.1", "1.2.3", "127.1", "0x7f.1", "1.2.3.4.5",
                           "::1", "::ffff:127.0.0.1", "fe80::1", "", "nosuch.invalid", "a.invalid",
                           "1.2.3.", "abc:def", "10.0.0.1 ", "multi.example", "MULTI.EXAMPLE", "m3", NULL};
    struct hostent *h;
    nkeys = 0;
    sethostent(0);
    while ((h = gethostent()) && nkeys < MAX_KEYS - 40) {
        names[nkeys++] = strdup(h->h_name);
        for (int i = 0; h->h_aliases[i] && nkeys < MAX_KEYS - 40; i++) names[nkeys++] = strdup(h->h_aliases[i]);
    }
    endhostent();
    for (int i = 0; extra[i]; i++) names[nkeys++] = strdup(extra[i]);
    for (int k = 0; k < nkeys; k++) {
        int families[] = {AF_INET, AF_INET6, AF_UNSPEC};
        /* glibc asserts (aborts) on AF_UNSPEC with `multi on`: ask it only with multi off. */
        const char *multi = getenv("RESOLV_MULTI");
        int nfamilies = multi && !strcmp(multi, "off") ? 3 : 2;
        for (int f = 0; f < nfamilies; f++) {
            h_errno = 66; errno = 77;
            h = f == 0 ? gethostbyname(names[k]) : gethostbyname2(names[k], families[f]);
            printf("host %s af=%d:", names[k], families[f]);
            print_host(h);
            struct hostent result, *out; int herr;
            for (int offset = 0; offset < 8; offset += 3) {
                size_t need = THRESHOLD(offset, gethostbyname2_r(names[k], families[f], &result, buf, buflen, &out, &herr));
                herr = 55; errno = 44;
                int rc = gethostbyname2_r(names[k], families[f], &result, buffer + offset, need, &out, &herr);
                printf("  _r offset=%d need=%zu rc=%d found=%d herr=%d errno=%d\n", offset, need, rc, out != NULL, herr, errno);
                if (need > 0) {
                    herr = 55; errno = 44;
                    rc = gethostbyname2_r(names[k], families[f], &result, buffer + offset, need - 1, &out, &herr);
                    printf("  _r short rc=%d herr=%d errno=%d\n", rc, herr, errno);
                }
            }
        }
    }
    /* By address: every address the enumeration gave, as IPv4, as mapped IPv6, and odd ones. */
    sethostent(0);
    unsigned char addrs[512][16]; int naddrs = 0;
    while ((h = gethostent()) && naddrs < 500) memcpy(addrs[naddrs++], h->h_addr_list[0], 4);
    endhostent();
    unsigned char odd[][16] = {{127, 0, 0, 1}, {10, 9, 9, 9}, {192, 0, 2, 7}, {0}};
    for (int i = 0; i < 4; i++) memcpy(addrs[naddrs++], odd[i], 16);
    for (int i = 0; i < naddrs; i++) {
        unsigned char v6[16] = {0};
        v6[10] = v6[11] = 0xff;
        memcpy(v6 + 12, addrs[i], 4);
        struct { const void *a; int len, type; } q[] = {{addrs[i], 4, AF_INET}, {v6, 16, AF_INET6},
            {addrs[i], 4, AF_UNSPEC}, {addrs[i], 4, AF_INET6}, {v6, 16, AF_INET}, {addrs[i], 3, AF_INET}};
        for (int j = 0; j < 6; j++) {
            h_errno = 66; errno = 77;
            h = gethostbyaddr(q[j].a, q[j].len, q[j].type);
            printf("addr %d.%d.%d.%d len=%d type=%d:", addrs[i][0], addrs[i][1], addrs[i][2], addrs[i][3], q[j].len, q[j].type);
            print_host(h);
            struct hostent result, *out; int herr;
            size_t need = THRESHOLD(1, gethostbyaddr_r(q[j].a, q[j].len, q[j].type, &result, buf, buflen, &out, &herr));
            printf("  _r need=%zu\n", need);
        }
    }
    unsigned char any[16] = {0};
    h_errno = 66; errno = 77;
    printf("addr :: :"); print_host(gethostbyaddr(any, 16, AF_INET6));
}

static void services(void) {
    struct servent *s;
    nkeys = 0;
    setservent(1);
    while ((s = getservent()) && nkeys < MAX_KEYS - 10) {
        names[nkeys] = strdup(s->s_name); protos[nkeys] = strdup(s->s_proto); ports[nkeys++] = s->s_port;
        if (s->s_aliases[0]) { names[nkeys] = strdup(s->s_aliases[0]); protos[nkeys] = strdup("udp"); ports[nkeys++] = s->s_port; }
    }
    endservent();
    const char *extra[][2] = {{"http", "TCP"}, {"HTTP", "tcp"}, {"nosuch", "tcp"}, {"echo", ""}, {"", "tcp"}};
    for (int i = 0; i < 5; i++) { names[nkeys] = strdup(extra[i][0]); protos[nkeys] = strdup(extra[i][1]); ports[nkeys++] = htons(9999); }
    for (int k = 0; k < nkeys; k++) {
        for (int any = 0; any < 2; any++) {
            const char *proto = any ? NULL : protos[k];
            errno = 77;
            s = getservbyname(names[k], proto);
            printf("serv %s/%s:", names[k], proto ? proto : "(null)");
            if (s) { printf(" %s %d %s", s->s_name, ntohs(s->s_port), s->s_proto); print_list("aliases", s->s_aliases); }
            else printf(" NULL");
            printf(" errno=%d\n", errno);
            errno = 77;
            s = getservbyport(ports[k], proto);
            printf("port %d/%s: %s errno=%d\n", ntohs(ports[k]), proto ? proto : "(null)", s ? s->s_name : "NULL", errno);
            struct servent result, *out;
            size_t need0 = THRESHOLD(0, getservbyname_r(names[k], proto, &result, buf, buflen, &out));
            size_t need5 = THRESHOLD(5, getservbyname_r(names[k], proto, &result, buf, buflen, &out));
            size_t needp = THRESHOLD(2, getservbyport_r(ports[k], proto, &result, buf, buflen, &out));
            printf("  _r need=%zu/%zu port need=%zu\n", need0, need5, needp);
        }
    }
    /* Enumeration with _r at every small size: ERANGE then a retry gets the same entry. */
    setservent(0);
    struct servent result, *out;
    for (int n = 0;; n++) {
        size_t len = (size_t)(n * 7) % 300;
        int rc = getservent_r(&result, buffer, len, &out);
        if (rc == ERANGE) rc = getservent_r(&result, buffer, sizeof buffer, &out);
        if (rc != 0) { printf("servent_r end rc=%d\n", rc); break; }
        printf("servent_r %s %s\n", out->s_name, out->s_proto);
    }
    endservent();
}

static void protocols(void) {
    struct protoent *p;
    int numbers[600]; nkeys = 0;
    setprotoent(0);
    while ((p = getprotoent()) && nkeys < 590) {
        names[nkeys] = strdup(p->p_name); numbers[nkeys++] = p->p_proto;
        if (p->p_aliases[0]) { names[nkeys] = strdup(p->p_aliases[0]); numbers[nkeys++] = p->p_proto + 1000; }
    }
    endprotoent();
    names[nkeys] = "Tcp"; numbers[nkeys++] = -1;
    names[nkeys] = "nosuch"; numbers[nkeys++] = 65536;
    for (int k = 0; k < nkeys; k++) {
        errno = 77;
        p = getprotobyname(names[k]);
        printf("proto %s: %s %d", names[k], p ? p->p_name : "NULL", p ? p->p_proto : 0);
        if (p) print_list("aliases", p->p_aliases);
        printf(" errno=%d\n", errno);
        p = getprotobynumber(numbers[k]);
        printf("number %d: %s\n", numbers[k], p ? p->p_name : "NULL");
        struct protoent result, *out;
        printf("  _r need=%zu/%zu\n", THRESHOLD(0, getprotobyname_r(names[k], &result, buf, buflen, &out)),
               THRESHOLD(3, getprotobynumber_r(numbers[k], &result, buf, buflen, &out)));
    }
}

static void networks(void) {
    struct netent *n;
    unsigned nets[600]; nkeys = 0;
    setnetent(0);
    while ((n = getnetent()) && nkeys < 590) {
        printf("netent %s %08x type=%d", n->n_name, n->n_net, n->n_addrtype);
        print_list("aliases", n->n_aliases);
        printf("\n");
        names[nkeys] = strdup(n->n_name); nets[nkeys++] = n->n_net;
    }
    endnetent();
    names[nkeys] = "LOOPBACK"; nets[nkeys++] = 0x7f;
    names[nkeys] = "nosuch"; nets[nkeys++] = 0x12345678;
    for (int k = 0; k < nkeys; k++) {
        h_errno = 66; errno = 77;
        n = getnetbyname(names[k]);
        printf("net %s: %s h_errno=%d errno=%d\n", names[k], n ? n->n_name : "NULL", h_errno, errno);
        for (int type = 0; type < 3; type++) {
            h_errno = 66;
            n = getnetbyaddr(nets[k], type == 2 ? AF_INET6 : type * AF_INET);
            printf("netaddr %08x/%d: %s h_errno=%d\n", nets[k], type, n ? n->n_name : "NULL", h_errno);
        }
        struct netent result, *out; int herr;
        printf("  _r need=%zu\n", THRESHOLD(1, getnetbyname_r(names[k], &result, buf, buflen, &out, &herr)));
    }
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "";
    if (!*only || !strcmp(only, "hosts")) hosts();
    if (!*only || !strcmp(only, "services")) services();
    if (!*only || !strcmp(only, "protocols")) protocols();
    if (!*only || !strcmp(only, "networks")) networks();
    return 0;
}
