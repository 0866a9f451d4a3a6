/* A client for the guide's echo server: connects to ADDRESS PORT, sends several messages (one of
 * them 1 MiB) and checks that each comes back byte for byte, then shuts down its side and expects
 * the server to close. Prints only deterministic lines (no ports). Usage: echo_client ADDRESS PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"

/* Sends `len` bytes and reads the echo into `back` at the same time, so that a message larger than
 * the socket buffers cannot deadlock (the server echoes while we are still sending). */
static void echo(int fd, const char *msg, size_t len, char *back) {
    size_t sent = 0, got = 0;
    while (got < len) {
        struct pollfd p = {fd, POLLIN | (sent < len ? POLLOUT : 0), 0};
        if (poll(&p, 1, 10000) <= 0) FAIL("no progress in 10 s (sent %zu, got %zu of %zu)", sent, got, len);
        if (p.revents & POLLIN) {
            ssize_t n = recv(fd, back + got, len - got, 0);
            if (n <= 0) FAIL("recv: %s after %zu of %zu bytes", n ? strerror(errno) : "end of stream", got, len);
            got += (size_t)n;
        }
        if (sent < len && (p.revents & POLLOUT)) {
            ssize_t n = send(fd, msg + sent, len - sent, MSG_DONTWAIT);
            if (n < 0 && errno != EAGAIN) FAIL("send: %s", strerror(errno));
            if (n > 0) sent += (size_t)n;
        }
    }
}

int main(int argc, char *argv[]) {
    if (argc < 3) { fprintf(stderr, "usage: %s address port\n", argv[0]); return 2; }
    struct sockaddr_in server;
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_port = htons(atoi(argv[2]));
    CHECK(inet_pton(AF_INET, argv[1], &server.sin_addr) == 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) FAIL("socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0) FAIL("connect: %s", strerror(errno));
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    CHECK(getpeername(fd, (struct sockaddr *)&peer, &len) == 0);
    char text[INET_ADDRSTRLEN];
    CHECK(inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text) != NULL);
    printf("connected to %s (%s port)\n", text, peer.sin_port == server.sin_port ? "the given" : "ANOTHER");

    size_t big = 1 << 20;
    char *pattern = malloc(big), *back = malloc(big);
    CHECK(pattern && back);
    for (size_t i = 0; i < big; i++) pattern[i] = (char)(i * 131 + (i >> 11));
    const struct { const char *text; size_t len; } messages[] = {
        {"abcde", 5}, {"12345", 5}, {"hello\n", 6}, {pattern, big}, {"\0binary\xff\0", 9}, {"bye", 3},
    };
    for (size_t m = 0; m < sizeof messages / sizeof messages[0]; m++) {
        memset(back, 0, messages[m].len);
        echo(fd, messages[m].text, messages[m].len, back);
        int same = memcmp(back, messages[m].text, messages[m].len) == 0;
        printf("message %zu: %zu bytes sent, echo %s\n", m + 1, messages[m].len, same ? "identical" : "DIFFERS");
        if (!same) return 1;
    }
    CHECK(shutdown(fd, SHUT_WR) == 0);
    char extra;
    ssize_t n = recv(fd, &extra, 1, 0);
    printf("after shutdown(SHUT_WR): %s\n", n == 0 ? "server closed the connection" : "unexpected data");
    close(fd);
    free(pattern);
    free(back);
    return n == 0 ? 0 : 1;
}
