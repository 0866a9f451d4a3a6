//! getnameinfo against glibc over flags × buffer sizes × addresses × ports × address lengths,
//! comparing the return code, both buffers byte for byte (so truncated writes count) and errno.

mod common;
mod gai_support;

use std::ffi::{c_char, c_int};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ptr;

use common::{Glibc, Rng};
use libc::{sockaddr, socklen_t};
use netlibc::abi::netdb::nameinfo as ours;

type GetnameinfoFn = unsafe extern "C" fn(
    *const sockaddr,
    socklen_t,
    *mut c_char,
    socklen_t,
    *mut c_char,
    socklen_t,
    c_int,
) -> c_int;

#[derive(Debug, PartialEq, Eq, Clone)]
struct Outcome {
    code: i32,
    host: Option<Vec<u8>>,
    serv: Option<Vec<u8>>,
    errno: i32,
}

/// errno before each call, so that a call that leaves it alone is told apart.
const ERRNO_SENTINEL: i32 = 4242;

struct Case {
    address: Vec<u8>,
    salen: Option<usize>,
    hostlen: Option<usize>,
    servlen: Option<usize>,
    flags: i32,
}

fn call(f: GetnameinfoFn, case: &Case) -> Outcome {
    let mut host = case.hostlen.map(|len| vec![0xaau8; len]);
    let mut serv = case.servlen.map(|len| vec![0xaau8; len]);
    let sa = case
        .salen
        .map_or(ptr::null(), |_| case.address.as_ptr().cast::<sockaddr>());
    common::set_errno(ERRNO_SENTINEL);
    // SAFETY: the address holds at least `salen` bytes; the buffers their stated lengths.
    let code = unsafe {
        f(
            sa,
            case.salen.unwrap_or(0) as socklen_t,
            host.as_mut()
                .map_or(ptr::null_mut(), |h| h.as_mut_ptr().cast()),
            case.hostlen.unwrap_or(0) as socklen_t,
            serv.as_mut()
                .map_or(ptr::null_mut(), |s| s.as_mut_ptr().cast()),
            case.servlen.unwrap_or(0) as socklen_t,
            case.flags,
        )
    };
    Outcome {
        code,
        host,
        serv,
        errno: common::errno(),
    }
}

fn sockaddr_in(address: Ipv4Addr, port: u16) -> Vec<u8> {
    let mut bytes = vec![0u8; 16];
    bytes[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
    bytes[2..4].copy_from_slice(&port.to_be_bytes());
    bytes[4..8].copy_from_slice(&address.octets());
    bytes
}

fn sockaddr_in6(address: Ipv6Addr, port: u16, scope_id: u32) -> Vec<u8> {
    let mut bytes = vec![0u8; 28];
    bytes[..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
    bytes[2..4].copy_from_slice(&port.to_be_bytes());
    bytes[8..24].copy_from_slice(&address.octets());
    bytes[24..28].copy_from_slice(&scope_id.to_ne_bytes());
    bytes
}

fn sockaddr_un(path: &str) -> Vec<u8> {
    let mut bytes = vec![0u8; 110];
    bytes[..2].copy_from_slice(&(libc::AF_UNIX as u16).to_ne_bytes());
    bytes[2..2 + path.len()].copy_from_slice(path.as_bytes());
    bytes
}

const V4: [&str; 6] = [
    "127.0.0.1",
    "192.0.2.1",
    "10.9.8.7",
    "10.1.2.3",
    "0.0.0.0",
    "255.255.255.255",
];
const V6: [(&str, u32); 14] = [
    ("2001:db8::10", 0),
    ("::1", 0),
    ("::", 0),
    ("2001:db8::1", 0),
    ("2001:db8::2", 0),
    ("fe80::1", 0),
    ("fe80::1", 1),
    ("fe80::1", 99),
    ("ff02::1", 1),
    ("ff01::1", 1),
    ("2001:db8::1", 1),
    ("::ffff:127.0.0.1", 0),
    ("::ffff:192.0.2.4", 0),
    ("fe80:1234:5678:9abc:def0:1234:5678:9abc", 4294967295),
];
const UNIX_PATHS: [&str; 3] = ["/tmp/netlibc.sock", "", "relative"];
const PORTS: [u16; 7] = [0, 80, 514, 22, 9, 65535, 12345];
const HOSTLENS: [Option<usize>; 12] = [
    None,
    Some(0),
    Some(1),
    Some(2),
    Some(8),
    Some(9),
    Some(10),
    Some(16),
    Some(17),
    Some(25),
    Some(46),
    Some(1025),
];
const SERVLENS: [Option<usize>; 9] = [
    None,
    Some(0),
    Some(1),
    Some(2),
    Some(3),
    Some(4),
    Some(5),
    Some(6),
    Some(32),
];

fn random_case(rng: &mut Rng) -> Case {
    let port = *rng.pick(&PORTS);
    let address = match rng.below(8) {
        0..=2 => sockaddr_in(rng.pick(&V4).parse().unwrap(), port),
        3..=5 => {
            let (text, scope) = *rng.pick(&V6);
            sockaddr_in6(text.parse().unwrap(), port, scope)
        }
        6 => sockaddr_un(UNIX_PATHS[rng.below(3) as usize]),
        _ => {
            let mut bytes = sockaddr_in6(Ipv6Addr::LOCALHOST, port, 0);
            bytes[0] = *rng.pick(&[3u8, 0, 17]);
            bytes
        }
    };
    let exact = match address.len() {
        110 => *rng.pick(&[110, 2, 20]),
        len => len,
    };
    let salen = match rng.below(12) {
        0 => None,
        1 => Some(exact.saturating_sub(1)),
        2 => Some(*rng.pick(&[0, 1])),
        3 => Some(exact.min(address.len())),
        _ => Some(exact),
    };
    let mut flags = rng.below(256) as i32;
    if rng.below(25) == 0 {
        flags |= 0x100;
    }
    Case {
        address,
        salen,
        hostlen: *rng.pick(&HOSTLENS),
        servlen: *rng.pick(&SERVLENS),
        flags,
    }
}

fn run_cases(count: usize, seed: u64, force_numeric_host: bool) {
    let glibc = Glibc::open();
    // SAFETY: glibc's prototype.
    let glibc_gni: GetnameinfoFn = unsafe { glibc.function(c"getnameinfo") };
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    for _ in 0..count {
        let mut case = random_case(&mut rng);
        if force_numeric_host {
            case.flags |= libc::NI_NUMERICHOST;
            case.flags &= !libc::NI_NAMEREQD;
        }
        let expected = call(glibc_gni, &case);
        let actual = call(ours::getnameinfo, &case);
        if expected != actual {
            let shorten = |o: &Outcome| Outcome {
                host: o.host.as_ref().map(|h| h[..h.len().min(64)].to_vec()),
                ..o.clone()
            };
            let (expected, actual) = (shorten(&expected), shorten(&actual));
            failures.push(format!(
                "address {:?} salen {:?} hostlen {:?} servlen {:?} flags {:#x}:\n  glibc   {expected:?}\n  netlibc {actual:?}",
                &case.address[..case.address.len().min(28)],
                case.salen,
                case.hostlen,
                case.servlen,
                case.flags
            ));
        }
    }
    let shown: Vec<&str> = failures.iter().take(6).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ from glibc:\n{}",
        failures.len(),
        shown.join("\n")
    );
}

/// Numeric hosts never consult the host sources, so this runs on the machine as it is (services
/// come from the real /etc/services).
#[test]
fn numeric_hosts_match_glibc_on_this_machine() {
    run_cases(6000, 0x9e1_0001, true);
}

/// Host names from the sandbox's hosts file and its DNS server's PTR records, every flag.
#[test]
fn names_match_glibc_in_sandbox() {
    gai_support::in_sandbox("names_match_glibc_in_sandbox", || {
        run_cases(4000, 0x9e1_0002, false)
    });
}
