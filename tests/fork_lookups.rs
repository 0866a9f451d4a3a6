//! fork while other threads are inside lookups: the child must be able to resolve names (files,
//! getaddrinfo, services, DNS through the cache and resolv.conf) and open sockets, i.e. no lock of
//! the library is left held in it. Repeated many times, each child bounded in time (a hung child
//! is a deadlock: killed, and the test fails). resolv.conf cannot name a port, so the DNS server
//! owns port 53 of 127.0.0.1 in a private network namespace (`unshare --net`, as root).

#[path = "common/dns_server.rs"]
mod dns_server;
#[path = "common/namespace.rs"]
mod namespace;

use std::ffi::{c_char, CStr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dns_server::{DnsServer, Zone, A};
use namespace::Setup;
use netlibc::abi::netdb::addrinfo::{freeaddrinfo, getaddrinfo};
use netlibc::abi::netdb::hosts::gethostbyname_r;
use netlibc::abi::netdb::services::getservbyname_r;
use netlibc::abi::netdb::{hostent, servent};
use netlibc::dns::{self, Families};

const BUSY_THREADS: usize = 6;
const FORKS: usize = 60;
const CHILD_LIMIT: Duration = Duration::from_secs(10);

#[test]
fn fork_in_a_private_namespace() {
    let setup = Setup {
        one_thread: false,
        ..Setup::default()
    };
    namespace::run_child("fork_during_lookups_in_namespace", setup);
}

fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn host_r(name: &CStr) -> Option<[u8; 4]> {
    // SAFETY: zeroed hostent is a valid output struct.
    let mut entry: hostent = unsafe { std::mem::zeroed() };
    let mut buffer = [0 as c_char; 512];
    let (mut result, mut h_errno) = (std::ptr::null_mut(), 0);
    // SAFETY: valid name, output struct, buffer with its length and out pointers.
    let status = unsafe {
        gethostbyname_r(
            name.as_ptr(),
            &mut entry,
            buffer.as_mut_ptr(),
            512,
            &mut result,
            &mut h_errno,
        )
    };
    // SAFETY: on success h_addr_list[0] points at 4 address bytes.
    (status == 0 && !result.is_null()).then(|| unsafe { *(*entry.h_addr_list).cast::<[u8; 4]>() })
}

fn gai_ok(node: &CStr) -> bool {
    let mut result = std::ptr::null_mut();
    // SAFETY: valid strings and result pointer, NULL hints.
    let error =
        unsafe { getaddrinfo(node.as_ptr(), c"80".as_ptr(), std::ptr::null(), &mut result) };
    if error == 0 {
        // SAFETY: the list getaddrinfo returned.
        unsafe { freeaddrinfo(result) };
    }
    error == 0
}

fn service_port(name: &CStr) -> Option<u16> {
    // SAFETY: zeroed servent is a valid output struct.
    let mut entry: servent = unsafe { std::mem::zeroed() };
    let mut buffer = [0 as c_char; 256];
    let mut result = std::ptr::null_mut();
    // SAFETY: valid strings, output struct, buffer with its length and out pointer.
    let status = unsafe {
        getservbyname_r(
            name.as_ptr(),
            c"tcp".as_ptr(),
            &mut entry,
            buffer.as_mut_ptr(),
            256,
            &mut result,
        )
    };
    (status == 0 && !result.is_null()).then_some(u16::from_be(entry.s_port as u16))
}

/// One round of every kind of lookup; the busy threads loop on it, the children run it once.
/// Returns which step failed (0: none).
fn every_lookup(round: usize) -> i32 {
    if host_r(c"stable.example") != Some([127, 0, 1, 1]) {
        return 2;
    }
    if !gai_ok(c"stable.example") {
        return 3;
    }
    if service_port(c"http") != Some(80) {
        return 4;
    }
    // Cached (TTL 300) and uncached (TTL 0) DNS answers.
    let name: &[u8] = if round.is_multiple_of(2) {
        b"host.test"
    } else {
        b"zero.test"
    };
    match dns::lookup_host(name, Families::V4) {
        Ok(answer) if !answer.v4.is_empty() => 0,
        _ => 5,
    }
}

/// In the child: lookups, then a socket bound and closed through the library's own calls.
fn child_work(round: usize) -> i32 {
    let step = every_lookup(round);
    if step != 0 {
        return step;
    }
    let fd = netlibc::abi::sys_socket::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
    if fd < 0 {
        return 6;
    }
    // SAFETY: a zeroed sockaddr_in is valid; fd is ours.
    unsafe {
        let mut address: libc::sockaddr_in = std::mem::zeroed();
        address.sin_family = libc::AF_INET as u16;
        address.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
        let bound =
            netlibc::abi::sys_socket::bind(fd, (&address as *const libc::sockaddr_in).cast(), 16);
        libc::close(fd);
        if bound != 0 {
            return 7;
        }
    }
    0
}

/// Waits for `pid` at most CHILD_LIMIT; a child still running then is killed (a deadlock).
fn wait_bounded(pid: libc::pid_t) -> Result<i32, String> {
    let started = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: pid is our child.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            return if libc::WIFEXITED(status) {
                Ok(libc::WEXITSTATUS(status))
            } else {
                Err(format!("child killed by signal {}", libc::WTERMSIG(status)))
            };
        }
        if started.elapsed() > CHILD_LIMIT {
            // SAFETY: pid is our child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return Err("child hung (a lock left held across fork?)".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
#[ignore = "run inside a private network namespace by fork_in_a_private_namespace"]
fn fork_during_lookups_in_namespace() {
    let dir = namespace::child_dir();
    let (hosts, services, resolv) = (
        dir.join("hosts"),
        dir.join("services"),
        dir.join("resolv.conf"),
    );
    replace(&hosts, "127.0.0.1 localhost\n127.0.1.1 stable.example\n");
    replace(&services, "http 80/tcp www\n");
    replace(
        &resolv,
        "nameserver 127.0.0.1\noptions timeout:2 attempts:2\n",
    );
    std::env::set_var("NETLIBC_HOSTS", &hosts);
    std::env::set_var("NETLIBC_SERVICES", &services);
    std::env::set_var("NETLIBC_RESOLV_CONF", &resolv);
    let mut zone = Zone::new();
    zone.add("host.test", A, 300, vec![192, 0, 2, 1])
        .add("zero.test", A, 0, vec![192, 0, 2, 2]);
    let server = DnsServer::start("127.0.0.1:53", zone.handler());

    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let busy: Vec<_> = (0..BUSY_THREADS)
        .map(|thread| {
            let (stop, rounds, hosts) = (stop.clone(), rounds.clone(), hosts.clone());
            std::thread::spawn(move || {
                let mut round = thread;
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(
                        every_lookup(round),
                        0,
                        "busy thread {thread}, round {round}"
                    );
                    // Touch the files now and then, so reloads are in progress at some forks.
                    if thread == 0 && round.is_multiple_of(97) {
                        replace(&hosts, "127.0.0.1 localhost\n127.0.1.1 stable.example\n");
                    }
                    round += 1;
                    rounds.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut failures = Vec::new();
    for fork in 0..FORKS {
        std::thread::sleep(Duration::from_millis(3 + (fork % 7) as u64));
        // SAFETY: the child runs only the library's calls and _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let status = child_work(fork);
            // SAFETY: ends the child without running the parent's atexit handlers or test harness.
            unsafe { libc::_exit(status) };
        }
        match wait_bounded(pid) {
            Ok(0) => {}
            Ok(step) => failures.push(format!("fork {fork}: child failed at step {step}")),
            Err(error) => failures.push(format!("fork {fork}: {error}")),
        }
    }
    stop.store(true, Ordering::Relaxed);
    for thread in busy {
        thread.join().unwrap();
    }
    eprintln!(
        "{FORKS} forks during {} lookup rounds on {BUSY_THREADS} threads; {} DNS queries",
        rounds.load(Ordering::Relaxed),
        server.query_count()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
