/* <arpa/inet.h> conversions: prints what each function returns for a table of inputs, so that the
 * three runs (glibc, -lnetlibc, LD_PRELOAD) can be compared line by line. */
#include "common.h"
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static const char *const texts[] = {
    "192.168.1.1", "127.1", "0x7f.1", "01.02.03.04", "4294967295", "4294967296", "1.2.3.4 junk",
    "1.2.3.4junk", "1.2.3.4\n", "256.1.1.1", "", "::", "::1", "::ffff:1.2.3.4", "::1.2.3.4",
    "2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7::", "00001::", "1::2::3", "fe80::1%lo", "1.2",
};

static void print_bytes(const unsigned char *bytes, int n) {
    for (int i = 0; i < n; i++) printf("%02x", bytes[i]);
}

int main(void) {
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *text = texts[i];
        unsigned char v4[4] = {0}, v6[16] = {0};
        struct in_addr aton = {0};
        int r4 = inet_pton(AF_INET, text, v4), r6 = inet_pton(AF_INET6, text, v6);
        int ra = inet_aton(text, &aton);
        printf("\"%s\": pton4=%d ", text, r4);
        print_bytes(v4, 4);
        printf(" pton6=%d ", r6);
        print_bytes(v6, 16);
        printf(" aton=%d %08x addr=%08x network=%08x\n", ra, ntohl(aton.s_addr), ntohl(inet_addr(text)),
               inet_network(text));
        if (r6 == 1) {
            char buf[INET6_ADDRSTRLEN];
            CHECK(inet_ntop(AF_INET6, v6, buf, sizeof buf) == buf);
            printf("  ntop6 \"%s\"\n", buf);
        }
        if (r4 == 1) {
            struct in_addr a;
            memcpy(&a, v4, 4);
            printf("  ntoa \"%s\" netof=%x lnaof=%x\n", inet_ntoa(a), inet_netof(a), inet_lnaof(a));
        }
    }
    /* Buffer sizes around the text's length, and an unknown family. */
    unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 255, 255, 255, 255};
    for (socklen_t size = 20; size <= 24; size++) {
        char buf[32];
        memset(buf, '#', sizeof buf);
        errno = 0;
        const char *r = inet_ntop(AF_INET6, mapped, buf, size);
        printf("ntop6 size %u: %s errno=%d buf[0]=%c\n", size, r ? r : "(null)", errno, buf[0]);
    }
    char buf[64];
    errno = 0;
    const char *ntop_result = inet_ntop(1, mapped, buf, sizeof buf);
    printf("ntop family 1: %s EAFNOSUPPORT=%d\n", ntop_result ? "ok" : "(null)", errno == EAFNOSUPPORT);
    errno = 0;
    int pton_result = inet_pton(1, "1.2.3.4", buf);
    printf("pton family 1: %d EAFNOSUPPORT=%d\n", pton_result, errno == EAFNOSUPPORT);
    struct in_addr made = inet_makeaddr(10, 0x020304);
    printf("makeaddr(10, 0x020304) = %s\n", inet_ntoa(made));
    made = inet_makeaddr(0xc0a801, 7);
    printf("makeaddr(0xc0a801, 7) = %s\n", inet_ntoa(made));
    return 0;
}
