//! getaddrinfo against glibc over the hints matrix: family × socket type × protocol × flags (with
//! invalid bits) × node × service, comparing the return code and the complete result list (order,
//! flags, family, socket type, protocol, address bytes, canonical name). Results are freed crosswise
//! (ours by glibc's freeaddrinfo and glibc's by ours) to check the memory layout.

mod common;
mod gai_support;

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use common::{Glibc, Rng};
use libc::addrinfo;
use netlibc::abi::netdb::addrinfo as ours;

type GetaddrinfoFn = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *const addrinfo,
    *mut *mut addrinfo,
) -> c_int;
type FreeaddrinfoFn = unsafe extern "C" fn(*mut addrinfo);

/// Whether destination sorting (RFC 3484, `lookup::sort`) is wired in; without it lists of more than
/// one address are compared as multisets and their order is not checked.
const SORTING_WIRED: bool = true;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Node {
    flags: i32,
    family: i32,
    socktype: i32,
    protocol: i32,
    addr: Vec<u8>,
    canonname: Option<Vec<u8>>,
}

#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    code: i32,
    nodes: Vec<Node>,
    errno: Option<i32>,
}

struct Libraries {
    glibc_gai: GetaddrinfoFn,
    glibc_free: FreeaddrinfoFn,
}

impl Libraries {
    fn open() -> Libraries {
        let glibc = Glibc::open();
        // SAFETY: the types are glibc's prototypes.
        unsafe {
            Libraries {
                glibc_gai: glibc.function(c"getaddrinfo"),
                glibc_free: glibc.function(c"freeaddrinfo"),
            }
        }
    }
}

/// Calls one getaddrinfo and frees the result with `free`, returning what the list held.
fn call(
    gai: GetaddrinfoFn,
    free: FreeaddrinfoFn,
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&addrinfo>,
) -> Outcome {
    let node = node.map(|n| CString::new(n).unwrap());
    let service = service.map(|s| CString::new(s).unwrap());
    let mut result: *mut addrinfo = ptr::null_mut();
    common::set_errno(0);
    // SAFETY: valid strings / hints or NULL, and a writable result pointer.
    let code = unsafe {
        gai(
            node.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
            service.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            hints.map_or(ptr::null(), |h| h as *const addrinfo),
            &mut result,
        )
    };
    let errno = (code == libc::EAI_SYSTEM).then(common::errno);
    let mut nodes = Vec::new();
    let mut at = result;
    while code == 0 && !at.is_null() {
        // SAFETY: a node of the list getaddrinfo returned.
        let ai = unsafe { &*at };
        // SAFETY: ai_addr points to ai_addrlen bytes.
        let addr =
            unsafe { std::slice::from_raw_parts(ai.ai_addr.cast::<u8>(), ai.ai_addrlen as usize) }
                .to_vec();
        // SAFETY: ai_canonname is NULL or a C string.
        let canonname = (!ai.ai_canonname.is_null()).then(|| {
            unsafe { std::ffi::CStr::from_ptr(ai.ai_canonname) }
                .to_bytes()
                .to_vec()
        });
        nodes.push(Node {
            flags: ai.ai_flags,
            family: ai.ai_family,
            socktype: ai.ai_socktype,
            protocol: ai.ai_protocol,
            addr,
            canonname,
        });
        at = ai.ai_next;
    }
    if code == 0 {
        // SAFETY: the list came from a getaddrinfo with the same layout.
        unsafe { free(result) };
    }
    Outcome { code, nodes, errno }
}

/// How many distinct addresses a result holds.
fn distinct_addresses(nodes: &[Node]) -> usize {
    let mut addrs: Vec<&[u8]> = nodes.iter().map(|n| n.addr.as_slice()).collect();
    addrs.sort();
    addrs.dedup();
    addrs.len()
}

/// The nodes sorted, with the canonical name taken off its node (sorting moves it to the first).
fn unordered(nodes: &[Node]) -> (Vec<Node>, Option<Vec<u8>>) {
    let canonname = nodes.first().and_then(|n| n.canonname.clone());
    let mut nodes: Vec<Node> = nodes
        .iter()
        .map(|n| Node {
            canonname: None,
            ..n.clone()
        })
        .collect();
    nodes.sort();
    (nodes, canonname)
}

/// Compares one case; returns a description of the difference.
fn compare(
    libs: &Libraries,
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&addrinfo>,
    round: usize,
) -> Option<String> {
    // Free crosswise, alternating, so both directions are exercised.
    let (glibc_free, our_free): (FreeaddrinfoFn, FreeaddrinfoFn) = if round.is_multiple_of(2) {
        (ours::freeaddrinfo, libs.glibc_free)
    } else {
        (libs.glibc_free, ours::freeaddrinfo)
    };
    let expected = call(libs.glibc_gai, glibc_free, node, service, hints);
    let actual = call(ours::getaddrinfo, our_free, node, service, hints);
    let unsorted =
        !SORTING_WIRED && distinct_addresses(&expected.nodes) > 1 && actual.code == expected.code;
    if unsorted && unordered(&actual.nodes) == unordered(&expected.nodes) {
        return None;
    }
    (actual != expected).then(|| {
        let text = |b: Option<&[u8]>| b.map(|b| String::from_utf8_lossy(b).into_owned());
        format!(
            "node {:?} service {:?} hints {:?}:\n  glibc   {expected:?}\n  netlibc {actual:?}",
            text(node),
            text(service),
            hints.map(|h| (h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol))
        )
    })
}

fn hints(flags: i32, family: i32, socktype: i32, protocol: i32) -> addrinfo {
    // SAFETY: an all-zero addrinfo is valid (NULL pointers, zero numbers).
    let mut h: addrinfo = unsafe { std::mem::zeroed() };
    (h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol) = (flags, family, socktype, protocol);
    h
}

const FAMILIES: [i32; 5] = [0, libc::AF_INET, libc::AF_INET6, libc::AF_UNIX, 3];
const SOCKTYPES: [i32; 8] = [0, 1, 2, 3, 5, 6, 9, libc::SOCK_STREAM | libc::SOCK_CLOEXEC];
const PROTOCOLS: [i32; 8] = [0, 6, 17, 33, 132, 136, 99, 255];
const KNOWN_FLAGS: [i32; 11] = [
    0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400,
];
const INVALID_FLAGS: [i32; 3] = [0x800, 0xffff, i32::MIN];

/// Literal nodes: valid and invalid IPv4 (inet_aton rules), IPv6, scopes.
const LITERAL_NODES: [&str; 22] = [
    "127.0.0.1",
    "127.1",
    "1.2.3",
    "0x7f.1",
    "010.0.0.1",
    "4294967295",
    "255.255.255.255",
    "0.0.0.0",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "2001:db8::1",
    "1:2:3:4:5:6:7:8",
    "fe80::1%lo",
    "fe80::1%1",
    "fe80::1%99",
    "ff02::1%lo",
    "ff01::1%lo",
    "::1%5",
    "fe80::1%4294967295",
    "*",
    "FE80::ABCD%1",
];

/// Nodes that are not valid literals (so they go to the sources unless AI_NUMERICHOST).
const NAME_NODES: [&str; 22] = [
    "",
    "1.2.3.4.5",
    "fe80::1%nosuch",
    "::1%lo",
    "fe80::1%",
    "fe80::1%4294967296",
    "127.0.0.1%lo",
    "1.2.3.4 ",
    " 1.2.3.4",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "ip6-localhost",
    "host1",
    "v4alias",
    "v6only.test",
    "dual.test",
    "mapped.test",
    "other.example",
    "nosuch.test",
    "bücher.test",
    "08.1.1.1",
];

const SERVICES: [&str; 18] = [
    "",
    "*",
    "80",
    " 80",
    "80 ",
    "+80",
    "99999",
    "0x50",
    "-1",
    "4294967297",
    "0",
    "http",
    "domain",
    "syslog",
    "sctp-tunneling-nope",
    "HTTP",
    "65535",
    "tcpmux",
];

fn random_flags(rng: &mut Rng) -> i32 {
    let mut flags = 0;
    for bit in KNOWN_FLAGS {
        if rng.below(3) == 0 {
            flags |= bit;
        }
    }
    if rng.below(20) == 0 {
        flags |= *rng.pick(&INVALID_FLAGS);
    }
    flags
}

/// Runs `count` random cases drawn from the given nodes; returns the differences.
fn random_cases(
    libs: &Libraries,
    nodes: &[&str],
    count: usize,
    force_numeric: bool,
    seed: u64,
) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    for round in 0..count {
        let node = match rng.below(10) {
            0 => None,
            _ => Some(rng.pick(nodes).as_bytes()),
        };
        let service = match rng.below(4) {
            0 => None,
            _ => Some(rng.pick(&SERVICES).as_bytes()),
        };
        let mut flags = random_flags(&mut rng);
        if force_numeric {
            flags |= libc::AI_NUMERICHOST;
        }
        let family = *rng.pick(&FAMILIES);
        let (socktype, protocol) = match rng.below(3) {
            0 => (0, 0),
            _ => (*rng.pick(&SOCKTYPES), *rng.pick(&PROTOCOLS)),
        };
        let h = hints(flags, family, socktype, protocol);
        // NULL hints mean no AI_NUMERICHOST: only allowed where names may reach the sources.
        let h = (force_numeric || rng.below(15) != 0).then_some(&h);
        if let Some(difference) = compare(libs, node, service, h, round) {
            failures.push(difference);
        }
    }
    failures
}

fn report(failures: &[String], total: usize) {
    let shown: Vec<&str> = failures.iter().take(15).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ from glibc:\n{}",
        failures.len(),
        shown.join("\n")
    );
}

/// With AI_NUMERICHOST no node reaches NSS (so glibc never asks the machine's nameserver), and this
/// runs on the machine as it is, with its real interfaces deciding AI_ADDRCONFIG. Literals without
/// AI_NUMERICHOST, and NULL hints, are covered in the sandbox by `names_match_glibc_in_sandbox`.
#[test]
fn literals_match_glibc_on_this_machine() {
    let libs = Libraries::open();
    let mut failures = random_cases(&libs, &LITERAL_NODES, 6000, true, 0x5eed_0001);
    failures.extend(random_cases(&libs, &NAME_NODES, 2000, true, 0x5eed_0002));
    report(&failures, 8000);
}

/// Every flag subset (2^11) with one node and service, plus the invalid bits.
#[test]
fn every_flag_subset_matches_glibc() {
    let libs = Libraries::open();
    let mut failures = Vec::new();
    for flags in (0..1 << 11).map(|i| {
        KNOWN_FLAGS
            .iter()
            .enumerate()
            .filter(|(b, _)| i & (1 << b) != 0)
            .fold(0, |a, (_, f)| a | f)
    }) {
        for family in [0, libc::AF_INET6] {
            let h = hints(flags, family, 0, 0);
            for (node, service) in [
                (Some("::ffff:10.1.2.3"), Some("53")),
                (None, Some("domain")),
                (Some("10.1.2.3"), None),
            ] {
                let round = failures.len() + flags as usize;
                if let Some(d) = compare(
                    &libs,
                    node.map(str::as_bytes),
                    service.map(str::as_bytes),
                    Some(&h),
                    round,
                ) {
                    failures.push(d);
                }
            }
        }
    }
    for flags in INVALID_FLAGS {
        if let Some(d) = compare(&libs, Some(b"::1"), None, Some(&hints(flags, 0, 0, 0)), 0) {
            failures.push(d);
        }
    }
    report(&failures, (1 << 11) * 6 + 3);
}

/// Names resolved through the sources (the hosts file, then the sandbox's DNS server), in a sandbox
/// with only loopback configured.
#[test]
fn names_match_glibc_in_sandbox() {
    gai_support::in_sandbox("names_match_glibc_in_sandbox", || {
        let libs = Libraries::open();
        let mut nodes: Vec<&str> = NAME_NODES.to_vec();
        nodes.extend(LITERAL_NODES);
        nodes.extend(gai_support::DNS_NAMES);
        let failures = random_cases(&libs, &nodes, 3000, false, 0x5eed_0003);
        report(&failures, 3000);
    });
}

/// glibc crashes on a NULL result pointer; netlibc frees the list and reports success (see
/// docs/deviations.md). freeaddrinfo(NULL) is a no-op in both.
#[test]
fn null_result_pointer_and_null_free_are_safe() {
    let h = hints(libc::AI_NUMERICHOST, 0, libc::SOCK_STREAM, 0);
    // SAFETY: valid strings and hints; a NULL result pointer is what is tested.
    let code =
        unsafe { ours::getaddrinfo(c"127.0.0.1".as_ptr(), c"80".as_ptr(), &h, ptr::null_mut()) };
    assert_eq!(code, 0);
    // SAFETY: NULL is a valid argument of freeaddrinfo.
    unsafe { ours::freeaddrinfo(ptr::null_mut()) };
    let libs = Libraries::open();
    // SAFETY: as above, for glibc's.
    unsafe { (libs.glibc_free)(ptr::null_mut()) };
}

/// AI_ADDRCONFIG with one family configured besides loopback: IPv4 only (an address on `lo`), then
/// IPv6 only; AF_UNSPEC narrows to that family and the other family fails.
#[test]
fn addrconfig_narrows_like_glibc_with_one_family() {
    gai_support::in_sandbox_with(
        "addrconfig_narrows_like_glibc_with_one_family",
        "ip addr add 192.0.2.50/24 dev lo",
        || {
            let libs = Libraries::open();
            let failures = random_cases(&libs, &LITERAL_NODES, 1500, false, 0x5eed_0004);
            report(&failures, 1500);
        },
    );
}

#[test]
fn addrconfig_narrows_like_glibc_with_ipv6_only() {
    gai_support::in_sandbox_with(
        "addrconfig_narrows_like_glibc_with_ipv6_only",
        "ip addr add 2001:db8::50/64 dev lo nodad",
        || {
            let libs = Libraries::open();
            let mut nodes: Vec<&str> = NAME_NODES.to_vec();
            nodes.extend(LITERAL_NODES);
            let failures = random_cases(&libs, &nodes, 1500, false, 0x5eed_0005);
            report(&failures, 1500);
        },
    );
}

/// AI_IDN / AI_CANONIDN in a UTF-8 locale (glibc converts through libidn2), for names whose UTS #46
/// mapping is lowercasing, and names IDNA refuses.
#[test]
fn idn_in_a_utf8_locale_matches_glibc() {
    gai_support::in_sandbox("idn_in_a_utf8_locale_matches_glibc", || {
        // SAFETY: the sandboxed process runs this one test, on this thread only.
        let locale = unsafe { libc::setlocale(libc::LC_ALL, c"C.UTF-8".as_ptr()) };
        assert!(!locale.is_null(), "C.UTF-8 locale");
        let libs = Libraries::open();
        let nodes = [
            "bücher.test",
            "BÜCHER.test",
            "Bücher.TEST",
            "faß.test",
            "münchen.test",
            "a☃b.test",
            "xn--bcher-kva.test",
            "plain.test",
        ];
        const AI_IDN: i32 = 0x40;
        const AI_CANONIDN: i32 = 0x80;
        let canon = libc::AI_CANONNAME;
        let flag_sets = [
            AI_IDN,
            AI_IDN | canon,
            AI_IDN | canon | AI_CANONIDN,
            canon | AI_CANONIDN,
            0,
        ];
        let mut failures = Vec::new();
        for (round, node) in nodes.iter().enumerate() {
            for flags in flag_sets {
                let h = hints(flags, libc::AF_INET, libc::SOCK_STREAM, 0);
                if let Some(d) = compare(&libs, Some(node.as_bytes()), None, Some(&h), round) {
                    failures.push(d);
                }
            }
        }
        report(&failures, nodes.len() * flag_sets.len());
    });
}
