//! The UDP sockets kept open for loopback nameservers between lookups (src/dns/transport.rs, `Kept`):
//! reused while they are still the resolver's, never with `single-request-reopen`, never shared with a
//! forked child, never used or closed once the program put another file on their descriptor.
//!
//! One test function runs the cases in turn: the kept sockets are process-wide (one per server, at
//! most three), and parallel tests with servers of their own would take each other's places.

#[path = "common/dns_server.rs"]
mod dns_server;

use dns_server::{DnsServer, Zone};
use netlibc::dns::{self, Families, HostAnswer, LookupError, ResolvConf};
use std::os::fd::AsRawFd;

const FAST: &str = "options timeout:1 attempts:1\n";

fn zone() -> Zone {
    let mut zone = Zone::new();
    zone.a("host.test", [192, 0, 2, 1]).aaaa(
        "host.test",
        [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    );
    zone
}

fn lookup(
    server: &DnsServer,
    text: &str,
    name: &str,
    families: Families,
) -> Result<HostAnswer, LookupError> {
    let mut conf = ResolvConf::parse(Some(text.as_bytes()), &Default::default());
    conf.nameservers = vec![server.address];
    dns::lookup_host_with(&conf, name.as_bytes(), families)
}

#[test]
fn kept_sockets() {
    a_loopback_servers_socket_is_kept_between_lookups();
    a_kept_descriptor_the_program_reused_is_neither_used_nor_closed();
    a_forked_child_does_not_share_its_parents_kept_socket();
}

/// The source ports the server saw, in order.
fn source_ports(server: &DnsServer) -> Vec<u16> {
    server.requests().iter().map(|r| r.from.port()).collect()
}

fn a_loopback_servers_socket_is_kept_between_lookups() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    for _ in 0..3 {
        lookup(&server, FAST, "host.test", Families::Both).unwrap();
    }
    let ports = source_ports(&server);
    assert_eq!(ports.len(), 6);
    assert!(ports.iter().all(|&p| p == ports[0]), "{ports:?}");
    let kept = ports[0];
    // single-request-reopen asks for a new socket per query: the kept one is not used, nothing is kept.
    server.clear();
    let reopen = "options timeout:1 attempts:1 single-request-reopen\n";
    for _ in 0..2 {
        lookup(&server, reopen, "host.test", Families::Both).unwrap();
    }
    let ports = source_ports(&server);
    let distinct: std::collections::HashSet<_> = ports.iter().collect();
    // (Each socket is closed before the next opens: the kernel may, rarely, pick a port again.)
    assert!(!ports.contains(&kept) && distinct.len() > 1, "{ports:?}");
}

/// The descriptor of this process's UDP socket bound to `port` on 127.0.0.1.
fn descriptor_of_port(port: u16) -> Option<i32> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .find(|&fd| {
            // SAFETY: an all-zero sockaddr_in is valid; getsockname writes at most `length` bytes.
            let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            let mut length = std::mem::size_of::<libc::sockaddr_in>() as u32;
            // SAFETY: as above; any descriptor number may be asked.
            let named = unsafe {
                libc::getsockname(
                    fd,
                    (&mut address as *mut libc::sockaddr_in).cast(),
                    &mut length,
                )
            };
            named == 0
                && i32::from(address.sin_family) == libc::AF_INET
                && u16::from_be(address.sin_port) == port
                && u32::from_be(address.sin_addr.s_addr) == 0x7f00_0001
        })
}

fn a_kept_descriptor_the_program_reused_is_neither_used_nor_closed() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    lookup(&server, FAST, "host.test", Families::V4).unwrap();
    let kept_port = source_ports(&server)[0];
    let kept_fd = descriptor_of_port(kept_port).expect("the kept socket");
    // The program puts a socket of its own on that number (as after close + socket, or dup2).
    let mine = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let my_port = mine.local_addr().unwrap().port();
    // SAFETY: replaces `kept_fd` (the resolver's, which it must now leave alone) with a copy of ours.
    assert_eq!(unsafe { libc::dup2(mine.as_raw_fd(), kept_fd) }, kept_fd);
    server.clear();
    lookup(&server, FAST, "host.test", Families::Both).unwrap();
    let ports = source_ports(&server);
    assert!(
        ports.iter().all(|&p| p != my_port && p != kept_port),
        "{ports:?}"
    );
    assert!(
        descriptor_of_port(my_port).is_some(),
        "the program's socket is still open"
    );
    // SAFETY: `kept_fd` is now our copy, ours to close.
    let still_ours = unsafe { libc::fcntl(kept_fd, libc::F_GETFD) } >= 0;
    assert!(
        still_ours,
        "the resolver closed a descriptor it no longer owned"
    );
    // SAFETY: as above.
    unsafe { libc::close(kept_fd) };
}

fn a_forked_child_does_not_share_its_parents_kept_socket() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    lookup(&server, FAST, "host.test", Families::V4).unwrap();
    // SAFETY: the child only runs a lookup (netlibc code, fork-safe locks) and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = lookup(&server, FAST, "host.test", Families::V4).is_ok();
        // SAFETY: ends the child without running the parent's test harness.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    lookup(&server, FAST, "host.test", Families::V4).unwrap();
    let ports = source_ports(&server);
    assert_eq!(ports.len(), 3);
    assert_ne!(ports[1], ports[0], "the child used its parent's socket");
    assert_eq!(ports[2], ports[0], "the parent's socket survives the child");
}
