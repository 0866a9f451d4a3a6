/* Benchmarks of the files databases (<netdb.h>): lookups in /etc/services, /etc/protocols and
 * /etc/hosts, the last entry of /etc/services, a 200,000-line hosts file, and a full enumeration.
 *
 * The large hosts file must be read by glibc too, and glibc only reads /etc/hosts: the case that needs
 * it moves the benchmark process into a private mount namespace (unshare + a private "/" so nothing
 * propagates out) and bind-mounts the generated file over /etc/hosts; its `finish` unmounts it. It is
 * the last case of the group so the other cases see the system files. Needs root; skipped otherwise. */
#define _GNU_SOURCE
#include "bench.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct servent *(*servbyname_fn)(const char *, const char *);
typedef struct servent *(*servbyport_fn)(int, const char *);
typedef struct protoent *(*protobyname_fn)(const char *);
typedef struct protoent *(*protobynumber_fn)(int);
typedef struct hostent *(*hostbyname_fn)(const char *);
typedef struct hostent *(*hostbyaddr_fn)(const void *, socklen_t, int);
typedef struct servent *(*servent_fn)(void);
typedef void (*setent_fn)(int);
typedef void (*endent_fn)(void);

static void *prepare_servbyname(void *lib) { return bench_sym(lib, "getservbyname"); }
static void run_servbyname_first(void *state, long n) {
    servbyname_fn f = (servbyname_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f("tcpmux", "tcp");
}

/* The last entry of /etc/services, found once with glibc. */
static char last_name[256], last_proto[64];
static void *prepare_servbyname_last(void *lib) {
    if (!last_name[0]) {
        void *glibc = dlopen("libc.so.6", RTLD_NOW | RTLD_LOCAL);
        servent_fn next = (servent_fn)bench_sym(glibc, "getservent");
        struct servent *s;
        while ((s = next())) {
            snprintf(last_name, sizeof last_name, "%s", s->s_name);
            snprintf(last_proto, sizeof last_proto, "%s", s->s_proto);
        }
        ((endent_fn)bench_sym(glibc, "endservent"))();
    }
    return bench_sym(lib, "getservbyname");
}
static void run_servbyname_last(void *state, long n) {
    servbyname_fn f = (servbyname_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f(last_name, last_proto);
}

static void *prepare_servbyport(void *lib) { return bench_sym(lib, "getservbyport"); }
static void run_servbyport(void *state, long n) {
    servbyport_fn f = (servbyport_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f(htons(80), "tcp");
}

static void *prepare_protobyname(void *lib) { return bench_sym(lib, "getprotobyname"); }
static void run_protobyname(void *state, long n) {
    protobyname_fn f = (protobyname_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f("tcp");
}

static void *prepare_protobynumber(void *lib) { return bench_sym(lib, "getprotobynumber"); }
static void run_protobynumber(void *state, long n) {
    protobynumber_fn f = (protobynumber_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f(6);
}

static void *prepare_hostbyname(void *lib) { return bench_sym(lib, "gethostbyname"); }
static void run_hostbyname_localhost(void *state, long n) {
    hostbyname_fn f = (hostbyname_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f("localhost");
}

static void *prepare_hostbyaddr(void *lib) { return bench_sym(lib, "gethostbyaddr"); }
static void run_hostbyaddr(void *state, long n) {
    hostbyaddr_fn f = (hostbyaddr_fn)state;
    struct in_addr loopback = {htonl(0x7f000001)};
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f(&loopback, sizeof loopback, AF_INET);
}

struct enumeration { setent_fn set; servent_fn next; endent_fn end; };
static struct enumeration enumerations[2];
static void *prepare_servent(void *lib) {
    struct enumeration *e = &enumerations[enumerations[0].next != NULL];
    e->set = (setent_fn)bench_sym(lib, "setservent");
    e->next = (servent_fn)bench_sym(lib, "getservent");
    e->end = (endent_fn)bench_sym(lib, "endservent");
    return e;
}
static void run_servent(void *state, long n) {
    struct enumeration *e = state;
    for (long i = 0; i < n; i++) {
        e->set(0);
        while (e->next()) bench_sink++;
        e->end();
    }
}

/* The 200,000-line ad-block hosts file over /etc/hosts in a private mount namespace. */
/* In a directory of its own, quiet like /etc (netlibc watches the file's directory for renames). */
static const char big_dir[] = "/tmp/netlibc-bench-hosts.d", big_hosts[] = "/tmp/netlibc-bench-hosts.d/hosts";
static int big_mounted;
static void *prepare_big_hosts(void *lib) {
    if (!big_mounted) {
        mkdir(big_dir, 0755);
        FILE *f = fopen(big_hosts, "w");
        if (!f) { perror("bench: big hosts"); exit(2); }
        fprintf(f, "127.0.0.1 localhost\n");
        for (int i = 0; i < 199998; i++) fprintf(f, "0.0.0.0 ads%06d.blocked.example\n", i);
        fprintf(f, "10.9.8.7 target.example target\n");
        fclose(f);
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount(big_hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0) {
            perror("bench: the 200,000-line hosts case needs root (unshare, bind mount)");
            exit(2);
        }
        /* netlibc would notice the mount only at its once-a-second full check: name the file. */
        setenv("NETLIBC_HOSTS", big_hosts, 1);
        big_mounted = 1;
    }
    hostbyname_fn f = (hostbyname_fn)bench_sym(lib, "gethostbyname");
    f("target.example"); /* netlibc parses the file once here, not inside a timed round */
    return f;
}
static void run_big_hosts(void *state, long n) {
    hostbyname_fn f = (hostbyname_fn)state;
    for (long i = 0; i < n; i++) bench_sink += (unsigned long)f("target.example");
}
static void finish_big_hosts(void *state) {
    (void)state;
    if (big_mounted == 1) { big_mounted = 2; return; } /* called once per library: undo after both */
    if (big_mounted == 2) { umount("/etc/hosts"); unlink(big_hosts); rmdir(big_dir); unsetenv("NETLIBC_HOSTS"); big_mounted = 0; }
}

const struct bench_case db_cases[] = {
    {"getservbyname(\"tcpmux\", \"tcp\") (first entry)", 10, prepare_servbyname, run_servbyname_first, NULL},
    {"getservbyport(htons(80), \"tcp\")", 10, prepare_servbyport, run_servbyport, NULL},
    {"getprotobyname(\"tcp\")", 10, prepare_protobyname, run_protobyname, NULL},
    {"getprotobynumber(6)", 10, prepare_protobynumber, run_protobynumber, NULL},
    {"gethostbyname(\"localhost\") (files)", 10, prepare_hostbyname, run_hostbyname_localhost, NULL},
    {"gethostbyaddr(127.0.0.1) (files)", 10, prepare_hostbyaddr, run_hostbyaddr, NULL},
    {"getservbyname(last entry of /etc/services)", 40, prepare_servbyname_last, run_servbyname_last, NULL},
    {"getservent enumeration of /etc/services", 3, prepare_servent, run_servent, NULL},
    {"gethostbyname in a 200,000-line hosts file", 1000, prepare_big_hosts, run_big_hosts, finish_big_hosts},
    {0},
};
