/* Benchmarks of <sys/socket.h>: both are bound by the system call, so the target is "within 5% of
 * glibc" (0.95). */
#include "bench.h"
#include <sys/socket.h>
#include <unistd.h>

typedef int (*socket_fn)(int, int, int);
typedef int (*socketpair_fn)(int, int, int, int[2]);
typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);

static void *prepare_socket(void *lib) { return bench_sym(lib, "socket"); }

/* Creating and closing a TCP socket: `close` is glibc's in both runs (netlibc does not define it). */
static void run_socket_close(void *state, long n) {
    socket_fn make_socket = (socket_fn)state;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) {
        int fd = make_socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) { perror("bench: socket"); exit(2); }
        acc += (unsigned long)fd;
        close(fd);
    }
    bench_sink = acc;
}

struct ping_pong {
    send_fn send;
    recv_fn recv;
    int fds[2];
};

static void *prepare_ping_pong(void *lib) {
    struct ping_pong *p = malloc(sizeof *p);
    if (!p) exit(2);
    p->send = (send_fn)bench_sym(lib, "send");
    p->recv = (recv_fn)bench_sym(lib, "recv");
    socketpair_fn make_pair = (socketpair_fn)bench_sym(lib, "socketpair");
    if (make_pair(AF_UNIX, SOCK_STREAM, 0, p->fds) != 0) { perror("bench: socketpair"); exit(2); }
    return p;
}

/* One byte from fds[0] to fds[1] and back: two sends and two receives per iteration. */
static void run_ping_pong(void *state, long n) {
    struct ping_pong *p = state;
    char byte = 'x';
    for (long i = 0; i < n; i++) {
        if (p->send(p->fds[0], &byte, 1, 0) != 1 || p->recv(p->fds[1], &byte, 1, 0) != 1 ||
            p->send(p->fds[1], &byte, 1, 0) != 1 || p->recv(p->fds[0], &byte, 1, 0) != 1) {
            perror("bench: ping-pong");
            exit(2);
        }
    }
    bench_sink = (unsigned char)byte;
}

static void finish_ping_pong(void *state) {
    struct ping_pong *p = state;
    close(p->fds[0]);
    close(p->fds[1]);
    free(p);
}

const struct bench_case socket_cases[] = {
    {"socket(AF_INET, SOCK_STREAM) + close", 0.95, prepare_socket, run_socket_close, NULL},
    {"1-byte ping-pong over a socketpair (send + recv both ways)", 0.95, prepare_ping_pong, run_ping_pong,
     finish_ping_pong},
    {0},
};
