//! The process-wide resolver: resolv.conf from `NETLIBC_RESOLV_CONF` (reloaded when it changes, unless
//! `no-reload`), `LOCALDOMAIN` / `RES_OPTIONS`, and the TTL cache. resolv.conf cannot name a port, so
//! the server must own port 53: the test runs in a child inside a private network namespace
//! (`unshare --net`, as root), where loopback is all there is.

#[path = "common/dns_server.rs"]
mod dns_server;
#[path = "common/namespace.rs"]
mod namespace;

use dns_server::{Action, DnsServer, ReplyBuilder, Request, Zone, A};
use namespace::Setup;
use netlibc::dns::{self, Families, LookupError};
use std::time::Duration;

#[test]
fn process_wide_resolver_in_a_private_namespace() {
    let setup = Setup {
        one_thread: true,
        ..Setup::default()
    };
    namespace::run_child("cache_in_namespace", setup);
}

fn zone() -> Zone {
    let mut zone = Zone::new();
    zone.add("host.test", A, 300, vec![192, 0, 2, 1])
        .add("zero.test", A, 0, vec![192, 0, 2, 2])
        .add("short.test", A, 1, vec![192, 0, 2, 3])
        .add("box.corp.test", A, 300, vec![192, 0, 2, 4])
        .ptr("1.2.0.192.in-addr.arpa", "host.test");
    zone.negative_ttl = 60;
    zone
}

/// Queries the server got for `name` since the last call.
fn take_count(server: &DnsServer, name: &str) -> usize {
    let n = server.requests().iter().filter(|r| r.name == name).count();
    server.clear();
    n
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    // Make sure the change is visible even on a coarse-grained clock: a new inode.
    let tmp = path.with_extension("tmp");
    std::fs::copy(path, &tmp).unwrap();
    std::fs::rename(&tmp, path).unwrap();
    // Cache hits rely on the last check of the files for up to 100 ms (docs/deviations.md).
    std::thread::sleep(Duration::from_millis(150));
}

#[test]
#[ignore = "run inside a private network namespace by process_wide_resolver_in_a_private_namespace"]
fn cache_in_namespace() {
    let dir = namespace::child_dir();
    let devices = std::fs::read_to_string("/proc/self/net/dev").unwrap();
    assert_eq!(
        devices.lines().skip(2).count(),
        1,
        "not in a private network namespace"
    );
    let resolv = dir.join("resolv.conf");
    let hosts = dir.join("hosts");
    write(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    );
    write(&hosts, "127.0.0.1 localhost\n");
    std::env::set_var("NETLIBC_RESOLV_CONF", &resolv);
    std::env::set_var("NETLIBC_HOSTS", &hosts);
    let records = zone();
    let server = DnsServer::start("127.0.0.1:53", move |r: &Request| {
        if r.name == "servfail.test" {
            vec![Action::Send(ReplyBuilder::to(r, 2).build())]
        } else {
            vec![Action::Send(records.reply(r))]
        }
    });
    let host = |name: &str| dns::lookup_host(name.as_bytes(), Families::V4);

    // Positive answers are served from the cache for their TTL.
    assert_eq!(host("host.test").unwrap().v4, vec![[192, 0, 2, 1]]);
    assert_eq!(host("HOST.test").unwrap().v4, vec![[192, 0, 2, 1]]);
    assert_eq!(take_count(&server, "host.test"), 1);
    // TTL 0 is never cached; TTL 1 expires.
    host("zero.test").unwrap();
    host("zero.test").unwrap();
    assert_eq!(take_count(&server, "zero.test"), 2);
    host("short.test").unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    host("short.test").unwrap();
    assert_eq!(take_count(&server, "short.test"), 2);
    // NXDOMAIN is cached (SOA minimum 60); SERVFAIL is not.
    assert_eq!(host("missing.test"), Err(LookupError::NotFound));
    assert_eq!(host("missing.test"), Err(LookupError::NotFound));
    assert_eq!(take_count(&server, "missing.test"), 1);
    assert_eq!(host("servfail.test"), Err(LookupError::TryAgain));
    assert_eq!(host("servfail.test"), Err(LookupError::TryAgain));
    assert_eq!(take_count(&server, "servfail.test"), 2);
    // Reverse answers too.
    let address = "192.0.2.1".parse().unwrap();
    assert_eq!(
        dns::lookup_ptr(address).unwrap().names,
        vec![b"host.test".to_vec()]
    );
    assert_eq!(
        dns::lookup_ptr(address).unwrap().names,
        vec![b"host.test".to_vec()]
    );
    assert_eq!(take_count(&server, "1.2.0.192.in-addr.arpa"), 1);

    // A changed hosts file or resolv.conf empties the cache.
    write(&hosts, "127.0.0.1 localhost\n192.0.2.50 other.test\n");
    host("host.test").unwrap();
    assert_eq!(take_count(&server, "host.test"), 1);
    write(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n# changed\n",
    );
    host("host.test").unwrap();
    host("host.test").unwrap();
    assert_eq!(take_count(&server, "host.test"), 1);

    // Off with options no-cache, and with NETLIBC_DNS_CACHE=0.
    write(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1 no-cache\n",
    );
    host("host.test").unwrap();
    host("host.test").unwrap();
    assert_eq!(take_count(&server, "host.test"), 2);
    write(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    );
    std::env::set_var("NETLIBC_DNS_CACHE", "0");
    host("host.test").unwrap();
    host("host.test").unwrap();
    assert_eq!(take_count(&server, "host.test"), 2);
    std::env::remove_var("NETLIBC_DNS_CACHE");

    // LOCALDOMAIN and RES_OPTIONS are read when the file is (re)loaded.
    std::env::set_var("LOCALDOMAIN", "corp.test");
    std::env::set_var("RES_OPTIONS", "no-cache ndots:2");
    write(
        &resolv,
        "nameserver 127.0.0.1\nsearch other.test\noptions timeout:1 attempts:1\n",
    );
    assert_eq!(host("box").unwrap().v4, vec![[192, 0, 2, 4]]);
    assert_eq!(take_count(&server, "box.corp.test"), 1);
    std::env::remove_var("LOCALDOMAIN");
    std::env::remove_var("RES_OPTIONS");

    // A changed file is picked up by the next lookup; with no-reload it is not.
    let second = DnsServer::start("127.0.0.2:53", zone().handler());
    write(
        &resolv,
        "nameserver 127.0.0.2\noptions timeout:1 attempts:1 no-cache\n",
    );
    host("host.test").unwrap();
    assert_eq!(
        (
            take_count(&server, "host.test"),
            take_count(&second, "host.test")
        ),
        (0, 1)
    );
    write(
        &resolv,
        "nameserver 127.0.0.1\noptions no-reload no-cache\n",
    );
    host("host.test").unwrap();
    write(&resolv, "nameserver 127.0.0.2\noptions no-cache\n");
    host("host.test").unwrap();
    assert_eq!(
        (
            take_count(&server, "host.test"),
            take_count(&second, "host.test")
        ),
        (2, 0)
    );

    // Many threads at once: every lookup answered.
    let threads: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                (0..20).all(|j| {
                    let name = if (i + j) % 2 == 0 {
                        "host.test"
                    } else {
                        "missing.test"
                    };
                    matches!(
                        dns::lookup_host(name.as_bytes(), Families::V4),
                        Ok(_) | Err(LookupError::NotFound)
                    )
                })
            })
        })
        .collect();
    assert!(threads.into_iter().all(|t| t.join().unwrap()));

    // fork() while other threads are inside lookups: the child's own lookup must not deadlock on a
    // lock a vanished thread held (the child gives up after 5 s through SIGALRM and fails).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy: Vec<_> = (0..3)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = dns::lookup_host(b"host.test", Families::V4);
                }
            })
        })
        .collect();
    for _ in 0..20 {
        // SAFETY: the child only makes a lookup and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: alarm and _exit are async-signal-safe.
            unsafe { libc::alarm(5) };
            let ok = dns::lookup_host(b"host.test", Families::V4).is_ok();
            // SAFETY: as above.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: pid is our child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "child status {status}"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    busy.into_iter().for_each(|t| t.join().unwrap());
}
