/* Calls every <sys/socket.h> function, on loopback TCP and UDP and AF_UNIX pairs, and on bad
 * arguments, printing each result and errno by name. The runner compares the output of glibc,
 * -lnetlibc and LD_PRELOAD runs, so every line must be deterministic: descriptors and ports are
 * printed as facts about them ("fd", "same port"), never as numbers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

/* What _FORTIFY_SOURCE builds call for recv / recvfrom into buffers of known size; declared here so
 * that the test calls them whatever the build's fortification. */
extern ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buf_size, int flags);
extern ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buf_size, int flags, struct sockaddr *addr,
                              socklen_t *addr_len);

/* A value no call sets, so an untouched errno is visible. */
#define SENTINEL 777

static void show(const char *what, long ret, int err, int is_fd) {
    if (ret < 0) printf("%-44s -1 %s\n", what, strerrorname_np(err));
    else if (is_fd) printf("%-44s fd%s\n", what, err == SENTINEL ? "" : "  (errno changed!)");
    else printf("%-44s %ld%s\n", what, ret, err == SENTINEL ? "" : "  (errno changed!)");
}

/* Runs `expr` with errno at SENTINEL and prints its result: N for counts, FD for descriptors. */
#define RUN(what, expr, is_fd) ({ errno = SENTINEL; long r_ = (long)(expr); show(what, r_, errno, is_fd); r_; })
#define N(what, expr) RUN(what, expr, 0)
#define FD(what, expr) ((int)RUN(what, expr, 1))

static struct sockaddr_in loopback(unsigned short port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void show_address(const char *what, const struct sockaddr_in *a, socklen_t len, unsigned short port) {
    const unsigned char *ip = (const unsigned char *)&a->sin_addr;
    printf("%-44s family %d, %u.%u.%u.%u, len %u, %s\n", what, a->sin_family, ip[0], ip[1], ip[2], ip[3],
           (unsigned)len, a->sin_port == port ? "expected port" : "other port");
}

static void tcp(void) {
    struct sockaddr_in addr = loopback(0), peer;
    socklen_t len = sizeof addr;
    int one = 1;
    int listener = FD("socket(AF_INET, SOCK_STREAM)", socket(AF_INET, SOCK_STREAM, 0));
    N("setsockopt(SO_REUSEADDR)", setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    N("bind(127.0.0.1:0)", bind(listener, (struct sockaddr *)&addr, sizeof addr));
    N("listen", listen(listener, 4));
    N("getsockname(listener)", getsockname(listener, (struct sockaddr *)&addr, &len));
    CHECK(addr.sin_port != 0);
    int client = FD("socket(client)", socket(AF_INET, SOCK_STREAM, 0));
    N("connect", connect(client, (struct sockaddr *)&addr, sizeof addr));
    len = sizeof peer;
    int server = FD("accept4(SOCK_CLOEXEC)", accept4(listener, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC));
    printf("%-44s %s\n", "  accepted socket close-on-exec", fcntl(server, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    struct sockaddr_in mine;
    socklen_t mine_len = sizeof mine;
    N("getsockname(client)", getsockname(client, (struct sockaddr *)&mine, &mine_len));
    show_address("  accept4's peer", &peer, len, mine.sin_port);
    len = sizeof peer;
    N("getpeername(client)", getpeername(client, (struct sockaddr *)&peer, &len));
    show_address("  client's peer", &peer, len, addr.sin_port);

    char buf[64] = {0};
    N("send(hello)", send(client, "hello", 5, 0));
    N("recv(MSG_PEEK|MSG_WAITALL)", recv(server, buf, 5, MSG_PEEK | MSG_WAITALL));
    N("recv", recv(server, buf, sizeof buf, 0));
    printf("%-44s %.5s\n", "  received", buf);
    N("sendto(connected, no address)", sendto(server, "back", 4, 0, NULL, 0));
    len = sizeof peer;
    N("recvfrom(with address)", recvfrom(client, buf, 4, MSG_WAITALL, (struct sockaddr *)&peer, &len));
    printf("%-44s %.4s (address len %u)\n", "  received", buf, (unsigned)len);

    char part1[] = "scat", part2[] = "tered";
    struct iovec out[2] = {{part1, 4}, {part2, 5}};
    struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2};
    N("sendmsg(2 iovecs)", sendmsg(client, &msg, 0));
    char in1[5] = {0}, in2[5] = {0};
    struct iovec in[2] = {{in1, 4}, {in2, 5}};
    msg.msg_iov = in;
    N("recvmsg(MSG_WAITALL)", recvmsg(server, &msg, MSG_WAITALL));
    printf("%-44s %.4s|%.5s\n", "  received", in1, in2);

    N("sockatmark(no urgent data)", sockatmark(server));
    N("send(ab)", send(client, "ab", 2, 0));
    N("send(!, MSG_OOB)", send(client, "!", 1, MSG_OOB));
    N("recv(2, MSG_WAITALL)", recv(server, buf, 2, MSG_WAITALL));
    int at_mark = 0;
    for (int i = 0; i < 200 && at_mark != 1; i++) {
        at_mark = sockatmark(server);
        if (at_mark != 1) usleep(5000);
    }
    printf("%-44s %d\n", "sockatmark(after the data before the mark)", at_mark);
    N("recv(MSG_OOB)", recv(server, buf, 1, MSG_OOB));
    printf("%-44s %c\n", "  urgent byte", buf[0]);

    N("shutdown(client, SHUT_WR)", shutdown(client, SHUT_WR));
    N("recv(after peer's SHUT_WR)", recv(server, buf, sizeof buf, 0));
    N("send(after SHUT_WR, MSG_NOSIGNAL)", send(client, "x", 1, MSG_NOSIGNAL));
    int second = FD("socket(second client)", socket(AF_INET, SOCK_STREAM, 0));
    N("connect(second client)", connect(second, (struct sockaddr *)&addr, sizeof addr));
    int accepted = FD("accept(NULL, NULL)", accept(listener, NULL, NULL));
    printf("%-44s %s\n", "  accepted socket close-on-exec", fcntl(accepted, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    close(second);
    close(accepted);
    close(client);
    close(server);
    close(listener);
}

static void udp(void) {
    struct sockaddr_in addr = loopback(0), from;
    socklen_t len = sizeof addr;
    int receiver = FD("socket(AF_INET, SOCK_DGRAM)", socket(AF_INET, SOCK_DGRAM, 0));
    N("bind(udp)", bind(receiver, (struct sockaddr *)&addr, sizeof addr));
    N("getsockname(udp)", getsockname(receiver, (struct sockaddr *)&addr, &len));
    int sender = FD("socket(udp sender)", socket(AF_INET, SOCK_DGRAM, 0));
    N("sendto(datagram)", sendto(sender, "datagram", 8, 0, (struct sockaddr *)&addr, sizeof addr));
    char buf[64] = {0};
    len = sizeof from;
    N("recvfrom(datagram)", recvfrom(receiver, buf, sizeof buf, 0, (struct sockaddr *)&from, &len));
    struct sockaddr_in sender_addr;
    socklen_t sender_len = sizeof sender_addr;
    N("getsockname(sender)", getsockname(sender, (struct sockaddr *)&sender_addr, &sender_len));
    show_address("  recvfrom's source", &from, len, sender_addr.sin_port);

    N("connect(udp sender)", connect(sender, (struct sockaddr *)&addr, sizeof addr));
    char *texts[3] = {"one", "two!", "three"};
    struct iovec iov[3];
    struct mmsghdr msgs[3];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < 3; i++) {
        iov[i].iov_base = texts[i];
        iov[i].iov_len = strlen(texts[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    N("sendmmsg(3)", sendmmsg(sender, msgs, 3, 0));
    printf("%-44s %u %u %u\n", "  msg_len", msgs[0].msg_len, msgs[1].msg_len, msgs[2].msg_len);
    char in[4][16];
    struct iovec in_iov[4];
    struct mmsghdr in_msgs[4];
    memset(in_msgs, 0, sizeof in_msgs);
    for (int i = 0; i < 4; i++) {
        in_iov[i].iov_base = in[i];
        in_iov[i].iov_len = sizeof in[i];
        in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
        in_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct timespec timeout = {1, 0};
    N("recvmmsg(up to 4, MSG_WAITFORONE)", recvmmsg(receiver, in_msgs, 4, MSG_WAITFORONE, &timeout));
    for (int i = 0; i < 3; i++) printf("%-44s %.*s\n", "  message", (int)in_msgs[i].msg_len, in[i]);
    N("recv(empty, MSG_DONTWAIT)", recv(receiver, buf, sizeof buf, MSG_DONTWAIT));
    close(sender);
    close(receiver);
}

static void local_and_options(void) {
    int fds[2];
    N("socketpair(AF_UNIX, SOCK_STREAM)", socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    char buf[16] = {0};
    N("send(pair)", send(fds[0], "pair", 4, 0));
    N("recv(pair)", recv(fds[1], buf, sizeof buf, 0));
    struct sockaddr_un name;
    socklen_t len = sizeof name;
    N("getsockname(unnamed AF_UNIX)", getsockname(fds[0], (struct sockaddr *)&name, &len));
    printf("%-44s family %d, len %u\n", "  name", name.sun_family, (unsigned)len);

    int value = 0, on = 1;
    len = sizeof value;
    N("getsockopt(SO_TYPE)", getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &value, &len));
    printf("%-44s %d (len %u)\n", "  SO_TYPE", value, (unsigned)len);
    int tcp_fd = FD("socket(tcp for options)", socket(AF_INET, SOCK_STREAM, 0));
    N("setsockopt(TCP_NODELAY)", setsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
    len = sizeof value;
    N("getsockopt(TCP_NODELAY)", getsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &value, &len));
    printf("%-44s %d\n", "  TCP_NODELAY", value != 0);
    struct linger linger = {1, 7}, read_back = {0, 0};
    N("setsockopt(SO_LINGER)", setsockopt(tcp_fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger));
    len = sizeof read_back;
    N("getsockopt(SO_LINGER)", getsockopt(tcp_fd, SOL_SOCKET, SO_LINGER, &read_back, &len));
    printf("%-44s on %d, %d s\n", "  SO_LINGER", read_back.l_onoff, read_back.l_linger);
    close(tcp_fd);
    close(fds[0]);
    close(fds[1]);
}

/* Every call on a descriptor that is not open, then on one that is not a socket. */
static void bad_descriptors(void) {
    int file = open("/dev/null", O_RDONLY);
    CHECK(file >= 0);
    int bad_fds[2] = {-1, file};
    for (int i = 0; i < 2; i++) {
        int fd = bad_fds[i];
        printf("-- on %s\n", i == 0 ? "fd -1" : "/dev/null");
        struct sockaddr_in addr = loopback(9);
        socklen_t len = sizeof addr;
        char buf[8];
        struct msghdr msg;
        struct mmsghdr mmsg;
        memset(&msg, 0, sizeof msg);
        memset(&mmsg, 0, sizeof mmsg);
        int value = 1;
        N("bind", bind(fd, (struct sockaddr *)&addr, sizeof addr));
        N("connect", connect(fd, (struct sockaddr *)&addr, sizeof addr));
        N("listen", listen(fd, 1));
        N("accept", accept(fd, (struct sockaddr *)&addr, &len));
        N("accept4", accept4(fd, (struct sockaddr *)&addr, &len, 0));
        N("getsockname", getsockname(fd, (struct sockaddr *)&addr, &len));
        N("getpeername", getpeername(fd, (struct sockaddr *)&addr, &len));
        N("send", send(fd, "x", 1, 0));
        N("sendto", sendto(fd, "x", 1, 0, (struct sockaddr *)&addr, sizeof addr));
        N("sendmsg", sendmsg(fd, &msg, 0));
        N("sendmmsg", sendmmsg(fd, &mmsg, 1, 0));
        N("recv", recv(fd, buf, sizeof buf, 0));
        N("recvfrom", recvfrom(fd, buf, sizeof buf, 0, NULL, NULL));
        N("recvmsg", recvmsg(fd, &msg, 0));
        N("recvmmsg", recvmmsg(fd, &mmsg, 1, 0, NULL));
        N("shutdown", shutdown(fd, SHUT_RDWR));
        N("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, sizeof value));
        N("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len));
        N("sockatmark", sockatmark(fd));
    }
    close(file);
}

/* Bad families, types, lengths and pointers on real sockets. */
static void bad_arguments(void) {
    printf("-- bad arguments\n");
    int fds[2];
    N("socket(family 12345)", socket(12345, SOCK_STREAM, 0));
    N("socket(type 12345)", socket(AF_INET, 12345, 0));
    N("socket(SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    N("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, fds));
    N("socketpair(fds NULL)", socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));

    int tcp_fd = FD("socket(tcp)", socket(AF_INET, SOCK_STREAM, 0));
    int udp_fd = FD("socket(udp)", socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    int value = 1;
    char buf[8];
    void *unmapped = (void *)8;
    N("bind(len 1)", bind(tcp_fd, (struct sockaddr *)&addr, 1));
    N("bind(NULL address)", bind(tcp_fd, NULL, sizeof addr));
    N("connect(len 0)", connect(tcp_fd, (struct sockaddr *)&addr, 0));
    N("connect(unmapped address)", connect(tcp_fd, unmapped, sizeof addr));
    N("listen(udp)", listen(udp_fd, 1));
    N("accept(not listening)", accept(tcp_fd, NULL, NULL));
    N("accept4(bad flags)", accept4(tcp_fd, NULL, NULL, 0x40000000));
    N("shutdown(how 7)", shutdown(tcp_fd, 7));
    N("shutdown(not connected)", shutdown(tcp_fd, SHUT_RDWR));
    N("getpeername(not connected)", getpeername(tcp_fd, (struct sockaddr *)&addr, &len));
    N("getsockname(len NULL)", getsockname(tcp_fd, (struct sockaddr *)&addr, NULL));
    N("setsockopt(optlen 1)", setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &value, 1));
    N("setsockopt(unknown option)", setsockopt(tcp_fd, SOL_SOCKET, 12345, &value, sizeof value));
    N("setsockopt(value NULL)", setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof value));
    len = (socklen_t)-1;
    N("getsockopt(negative len)", getsockopt(tcp_fd, SOL_SOCKET, SO_TYPE, &value, &len));
    N("getsockopt(len NULL)", getsockopt(tcp_fd, SOL_SOCKET, SO_TYPE, &value, NULL));
    N("send(udp, no destination)", send(udp_fd, "x", 1, 0));
    struct sockaddr_in discard = loopback(9);
    N("sendto(unmapped buffer)", sendto(udp_fd, unmapped, 4, 0, (struct sockaddr *)&discard, sizeof discard));
    N("sendmsg(NULL)", sendmsg(udp_fd, NULL, 0));
    N("sendmmsg(unmapped)", sendmmsg(udp_fd, unmapped, 1, 0));
    N("recv(udp, MSG_DONTWAIT, empty)", recv(udp_fd, buf, sizeof buf, MSG_DONTWAIT));
    struct timespec bad_timeout = {0, -1};
    struct mmsghdr mmsg;
    memset(&mmsg, 0, sizeof mmsg);
    N("recvmmsg(bad timeout)", recvmmsg(udp_fd, &mmsg, 1, 0, &bad_timeout));

    int pair[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK(send(pair[0], "data", 4, 0) == 4);
    N("recv(unmapped buffer)", recv(pair[1], unmapped, 4, MSG_DONTWAIT));
    N("recvfrom(unmapped buffer)", recvfrom(pair[1], unmapped, 4, MSG_DONTWAIT, NULL, NULL));
    N("recvmsg(NULL)", recvmsg(pair[1], NULL, MSG_DONTWAIT));
    N("recvmmsg(unmapped)", recvmmsg(pair[1], unmapped, 1, MSG_DONTWAIT, NULL));
    N("recv(data still there)", recv(pair[1], buf, sizeof buf, MSG_DONTWAIT));
    close(pair[0]);
    close(pair[1]);
    close(tcp_fd);
    close(udp_fd);
}

/* The fortified receives: normal use, errors, and the abort on a length beyond the buffer. */
static void fortified(void) {
    printf("-- fortified receives\n");
    int pair[2];
    char buf[8] = {0};
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0);
    CHECK(send(pair[0], "fort", 4, 0) == 4 && send(pair[0], "ified", 5, 0) == 5);
    N("__recv_chk(len 8, buffer 8)", __recv_chk(pair[1], buf, sizeof buf, sizeof buf, 0));
    struct sockaddr_un from;
    socklen_t len = sizeof from;
    N("__recvfrom_chk(len 8, buffer 8)", __recvfrom_chk(pair[1], buf, 8, 8, 0, (struct sockaddr *)&from, &len));
    printf("%-44s %.5s\n", "  received", buf);
    N("__recv_chk(fd -1)", __recv_chk(-1, buf, 8, 8, 0));
    N("__recvfrom_chk(empty, MSG_DONTWAIT)", __recvfrom_chk(pair[1], buf, 8, 8, MSG_DONTWAIT, NULL, NULL));
    for (int which = 0; which < 2; which++) {
        fflush(stdout);
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            /* Silence the "*** buffer overflow detected ***" report: it goes to the terminal or stderr. */
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 2);
            if (which == 0) __recv_chk(pair[1], buf, 9, 8, MSG_DONTWAIT);
            else __recvfrom_chk(pair[1], buf, 9, 8, MSG_DONTWAIT, NULL, NULL);
            _exit(0);
        }
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        printf("%-44s %s\n", which == 0 ? "__recv_chk(len 9, buffer 8)" : "__recvfrom_chk(len 9, buffer 8)",
               WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "returned");
    }
    close(pair[0]);
    close(pair[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp();
    udp();
    local_and_options();
    bad_descriptors();
    bad_arguments();
    fortified();
    return 0;
}
