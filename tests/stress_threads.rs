//! Thread stress: 8 threads mix getaddrinfo, getnameinfo, gethostbyname_r, getservbyname_r,
//! inet_ntoa, services enumeration and DNS lookups (cached and uncached, against two test servers)
//! for a bounded time, checking every answer, while another thread keeps rewriting the hosts and
//! services files and resolv.conf (switching servers and options). resolv.conf cannot name a port,
//! so the servers own port 53 of 127.0.0.1 and 127.0.0.2: the test runs again in a child inside a
//! private network namespace (`unshare --net`, as root), where loopback is all there is.

#[path = "common/dns_server.rs"]
mod dns_server;
#[path = "common/namespace.rs"]
mod namespace;

use std::collections::BTreeMap;
use std::ffi::{c_char, CStr};
use std::net::Ipv4Addr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dns_server::{DnsServer, Zone, A};
use namespace::Setup;
use netlibc::abi::arpa_inet::inet_ntoa;
use netlibc::abi::netdb::addrinfo::{freeaddrinfo, getaddrinfo};
use netlibc::abi::netdb::hosts::gethostbyname_r;
use netlibc::abi::netdb::nameinfo::getnameinfo;
use netlibc::abi::netdb::services::{endservent, getservbyname_r, getservent_r, setservent};
use netlibc::abi::netdb::{hostent, servent};
use netlibc::dns::{self, Families};

const THREADS: usize = 8;
const DURATION: Duration = Duration::from_secs(3);

#[test]
fn threads_in_a_private_namespace() {
    let setup = Setup {
        one_thread: false,
        ..Setup::default()
    };
    namespace::run_child("mixed_lookups_in_namespace", setup);
}

/// Replaces `path` atomically (a reader sees the old or the new file, never a torn one).
fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn hosts_text(generation: usize) -> String {
    format!(
        "127.0.0.1 localhost\n127.0.1.1 stable.example stable\n10.9.{}.1 churn.example\n",
        generation % 250
    )
}

fn services_text(generation: usize) -> String {
    format!(
        "http 80/tcp www\nhttp 80/udp\nchurn {}/tcp\n",
        1000 + generation % 1000
    )
}

fn resolv_text(generation: usize) -> String {
    let server = if generation.is_multiple_of(2) {
        "127.0.0.1"
    } else {
        "127.0.0.2"
    };
    let options = ["", " single-request", " edns0", " rotate"][generation % 4];
    format!("nameserver {server}\noptions timeout:2 attempts:2{options}\n")
}

/// What one kind of operation checks; each returns an error text on a wrong answer.
type Check = fn(&mut u64) -> Result<(), String>;

fn c_text(pointer: *const c_char) -> String {
    // SAFETY: the library returned a NUL-terminated string.
    unsafe { CStr::from_ptr(pointer) }
        .to_string_lossy()
        .into_owned()
}

fn check_getaddrinfo(_: &mut u64) -> Result<(), String> {
    // SAFETY: a zeroed addrinfo is a valid hints value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_INET;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut result = std::ptr::null_mut();
    // SAFETY: valid strings, hints and result pointer.
    let error = unsafe {
        getaddrinfo(
            c"stable.example".as_ptr(),
            c"http".as_ptr(),
            &hints,
            &mut result,
        )
    };
    if error != 0 {
        return Err(format!("getaddrinfo: {error}"));
    }
    // SAFETY: success: one or more entries, freed once below.
    let entry = unsafe { &*result };
    // SAFETY: an AF_INET entry's address is a sockaddr_in.
    let address = unsafe { &*(entry.ai_addr as *const libc::sockaddr_in) };
    let got = (
        Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr)),
        u16::from_be(address.sin_port),
        entry.ai_next.is_null(),
    );
    // SAFETY: the list getaddrinfo returned.
    unsafe { freeaddrinfo(result) };
    (got == (Ipv4Addr::new(127, 0, 1, 1), 80, true))
        .then_some(())
        .ok_or(format!("getaddrinfo: {got:?}"))
}

fn check_getnameinfo(_: &mut u64) -> Result<(), String> {
    // SAFETY: zeroed sockaddr_in is valid.
    let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    address.sin_family = libc::AF_INET as u16;
    address.sin_port = 80u16.to_be();
    address.sin_addr.s_addr = u32::from(Ipv4Addr::new(127, 0, 1, 1)).to_be();
    let (mut host, mut serv) = ([0 as c_char; 64], [0 as c_char; 32]);
    // SAFETY: valid address and buffers with their lengths.
    let error = unsafe {
        getnameinfo(
            (&address as *const libc::sockaddr_in).cast(),
            16,
            host.as_mut_ptr(),
            64,
            serv.as_mut_ptr(),
            32,
            libc::NI_NAMEREQD,
        )
    };
    let got = (error, c_text(host.as_ptr()), c_text(serv.as_ptr()));
    (got == (0, "stable.example".into(), "http".into()))
        .then_some(())
        .ok_or(format!("getnameinfo: {got:?}"))
}

fn host_r(name: &CStr) -> Result<(String, Ipv4Addr), String> {
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
    if status != 0 || result.is_null() || entry.h_length != 4 {
        return Err(format!(
            "gethostbyname_r({name:?}): status {status} h_errno {h_errno}"
        ));
    }
    // SAFETY: success: h_addr_list[0] points at 4 address bytes.
    let bytes: [u8; 4] = unsafe { *(*entry.h_addr_list).cast::<[u8; 4]>() };
    Ok((c_text(entry.h_name), Ipv4Addr::from(bytes)))
}

fn check_gethostbyname_r(_: &mut u64) -> Result<(), String> {
    let stable = host_r(c"stable")?;
    if stable != ("stable.example".into(), Ipv4Addr::new(127, 0, 1, 1)) {
        return Err(format!("gethostbyname_r(stable): {stable:?}"));
    }
    // The churning line: some generation of it, never a torn or missing one.
    let (name, address) = host_r(c"churn.example")?;
    let [a, b, _, d] = address.octets();
    (name == "churn.example" && (a, b, d) == (10, 9, 1))
        .then_some(())
        .ok_or(format!("churn: {name} {address}"))
}

fn check_getservbyname_r(_: &mut u64) -> Result<(), String> {
    // SAFETY: zeroed servent is a valid output struct.
    let mut entry: servent = unsafe { std::mem::zeroed() };
    let mut buffer = [0 as c_char; 256];
    let mut result = std::ptr::null_mut();
    // SAFETY: valid strings, output struct, buffer with its length and out pointer.
    let status = unsafe {
        getservbyname_r(
            c"www".as_ptr(),
            c"tcp".as_ptr(),
            &mut entry,
            buffer.as_mut_ptr(),
            256,
            &mut result,
        )
    };
    let got = (
        status,
        !result.is_null() && c_text(entry.s_name) == "http",
        u16::from_be(entry.s_port as u16),
    );
    (got == (0, true, 80))
        .then_some(())
        .ok_or(format!("getservbyname_r: {got:?}"))
}

fn check_inet_ntoa(seed: &mut u64) -> Result<(), String> {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let address = Ipv4Addr::from((*seed >> 32) as u32);
    let text = c_text(inet_ntoa(libc::in_addr {
        s_addr: u32::from(address).to_be(),
    }));
    (text == address.to_string())
        .then_some(())
        .ok_or(format!("inet_ntoa({address}): {text}"))
}

fn check_dns(seed: &mut u64) -> Result<(), String> {
    *seed = seed.wrapping_add(1);
    // host.test has a TTL of 300 (served from the cache), zero.test of 0 (asked every time).
    let (name, expected): (&[u8], [u8; 4]) = if seed.is_multiple_of(2) {
        (b"host.test", [192, 0, 2, 1])
    } else {
        (b"zero.test", [192, 0, 2, 2])
    };
    match dns::lookup_host(name, Families::V4) {
        Ok(answer) if answer.v4 == vec![expected] => Ok(()),
        other => Err(format!("dns {}: {other:?}", String::from_utf8_lossy(name))),
    }
}

/// Enumerates the services file: every entry is one of the file's (whatever generation). The
/// enumeration position is process-wide (as in glibc), so other threads' setservent/endservent
/// and reads interleave with this one: an empty or partial walk is correct, a wrong entry is not.
fn check_enumeration(_: &mut u64) -> Result<(), String> {
    setservent(0);
    let mut names = Vec::new();
    loop {
        // SAFETY: zeroed servent is a valid output struct.
        let mut entry: servent = unsafe { std::mem::zeroed() };
        let mut buffer = [0 as c_char; 256];
        let mut result = std::ptr::null_mut();
        // SAFETY: output struct, buffer with its length and out pointer.
        let status = unsafe { getservent_r(&mut entry, buffer.as_mut_ptr(), 256, &mut result) };
        if status != 0 || result.is_null() || names.len() > 10 {
            break;
        }
        names.push(c_text(entry.s_name));
    }
    endservent();
    (names.iter().all(|n| n == "http" || n == "churn"))
        .then_some(())
        .ok_or(format!("getservent_r: {names:?}"))
}

const CHECKS: [(&str, Check); 7] = [
    ("getaddrinfo", check_getaddrinfo),
    ("getnameinfo", check_getnameinfo),
    ("gethostbyname_r", check_gethostbyname_r),
    ("getservbyname_r", check_getservbyname_r),
    ("inet_ntoa", check_inet_ntoa),
    ("dns", check_dns),
    ("enumeration", check_enumeration),
];

#[test]
#[ignore = "run inside a private network namespace by threads_in_a_private_namespace"]
fn mixed_lookups_in_namespace() {
    let dir = namespace::child_dir();
    let (hosts, services, resolv, nsswitch) = (
        dir.join("hosts"),
        dir.join("services"),
        dir.join("resolv.conf"),
        dir.join("nsswitch.conf"),
    );
    replace(&hosts, &hosts_text(0));
    replace(&services, &services_text(0));
    replace(&resolv, &resolv_text(0));
    replace(&nsswitch, "hosts: files dns\nservices: files\n");
    std::env::set_var("NETLIBC_HOSTS", &hosts);
    std::env::set_var("NETLIBC_SERVICES", &services);
    std::env::set_var("NETLIBC_RESOLV_CONF", &resolv);
    std::env::set_var("NETLIBC_NSSWITCH_CONF", &nsswitch);
    let mut zone = Zone::new();
    zone.add("host.test", A, 300, vec![192, 0, 2, 1])
        .add("zero.test", A, 0, vec![192, 0, 2, 2]);
    let servers: Vec<DnsServer> = ["127.0.0.1:53", "127.0.0.2:53"]
        .iter()
        .map(|a| DnsServer::start(a, zone.clone().handler()))
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<Vec<AtomicUsize>> =
        Arc::new(CHECKS.iter().map(|_| AtomicUsize::new(0)).collect());
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (stop, counts) = (stop.clone(), counts.clone());
            std::thread::spawn(move || -> Result<(), String> {
                let mut seed = thread as u64;
                let mut step = thread;
                while !stop.load(Ordering::Relaxed) {
                    let (name, check) = CHECKS[step % CHECKS.len()];
                    check(&mut seed).map_err(|e| format!("thread {thread}, {name}: {e}"))?;
                    counts[step % CHECKS.len()].fetch_add(1, Ordering::Relaxed);
                    step += 1 + thread % 3;
                }
                Ok(())
            })
        })
        .collect();
    let started = Instant::now();
    let mut generation = 0;
    while started.elapsed() < DURATION {
        generation += 1;
        replace(&hosts, &hosts_text(generation));
        replace(&services, &services_text(generation));
        replace(&resolv, &resolv_text(generation));
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = workers
        .into_iter()
        .filter_map(|w| w.join().unwrap().err())
        .collect();
    let summary: BTreeMap<&str, usize> = CHECKS
        .iter()
        .zip(counts.iter())
        .map(|((n, _), c)| (*n, c.load(Ordering::Relaxed)))
        .collect();
    let queries: Vec<usize> = servers.iter().map(DnsServer::query_count).collect();
    eprintln!("{THREADS} threads, {generation} file generations: {summary:?}; DNS queries per server {queries:?}");
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(summary.values().all(|&n| n > 0), "{summary:?}");
    assert!(
        queries.iter().all(|&n| n > 0),
        "both servers must have been used: {queries:?}"
    );
}
