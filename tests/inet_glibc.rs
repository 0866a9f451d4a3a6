//! Differential tests of `<arpa/inet.h>`: netlibc's functions, called directly, against glibc's,
//! reached through dlopen, on hand-picked and generated inputs. Every call compares the return value,
//! the bytes written (output buffers are pre-filled with a pattern, so "left alone" is checked too) and
//! errno (set to a sentinel before each call).
mod common;

use std::ffi::{c_char, c_int, c_void, CStr};

use common::{errno, set_errno, Glibc, Rng};
use libc::{in_addr, in_addr_t, socklen_t, AF_INET, AF_INET6};
use netlibc::abi::arpa_inet as net;

/// errno before each call: a value neither library sets, so a change is visible.
const ERRNO_SENTINEL: c_int = 4242;
/// Bytes of output buffers before each call.
const FILL: u8 = 0xa5;

type PtonFn = unsafe extern "C" fn(c_int, *const c_char, *mut c_void) -> c_int;
type NtopFn = unsafe extern "C" fn(c_int, *const c_void, *mut c_char, socklen_t) -> *const c_char;
type AtonFn = unsafe extern "C" fn(*const c_char, *mut in_addr) -> c_int;
type TextToAddrFn = unsafe extern "C" fn(*const c_char) -> in_addr_t;
type NtoaFn = extern "C" fn(in_addr) -> *mut c_char;
type MakeaddrFn = extern "C" fn(in_addr_t, in_addr_t) -> in_addr;
type AddrPartFn = extern "C" fn(in_addr) -> in_addr_t;

/// One implementation of the functions under test.
#[derive(Clone, Copy)]
struct Inet {
    pton: PtonFn,
    ntop: NtopFn,
    aton: AtonFn,
    addr: TextToAddrFn,
    network: TextToAddrFn,
    ntoa: NtoaFn,
    makeaddr: MakeaddrFn,
    lnaof: AddrPartFn,
    netof: AddrPartFn,
}

fn glibc() -> Inet {
    let glibc = Glibc::open();
    // SAFETY: each type is the function's prototype in glibc's <arpa/inet.h>.
    unsafe {
        Inet {
            pton: glibc.function(c"inet_pton"),
            ntop: glibc.function(c"inet_ntop"),
            aton: glibc.function(c"inet_aton"),
            addr: glibc.function(c"inet_addr"),
            network: glibc.function(c"inet_network"),
            ntoa: glibc.function(c"inet_ntoa"),
            makeaddr: glibc.function(c"inet_makeaddr"),
            lnaof: glibc.function(c"inet_lnaof"),
            netof: glibc.function(c"inet_netof"),
        }
    }
}

fn netlibc() -> Inet {
    Inet {
        pton: net::inet_pton,
        ntop: net::inet_ntop,
        aton: net::inet_aton,
        addr: net::inet_addr,
        network: net::inet_network,
        ntoa: net::inet_ntoa,
        makeaddr: net::inet_makeaddr,
        lnaof: net::inet_lnaof,
        netof: net::inet_netof,
    }
}

/// What one text-parsing call did: return value, output bytes, errno afterwards.
type Outcome = (i64, Vec<u8>, c_int);

impl Inet {
    /// `text` is passed with a NUL appended; a NUL inside it ends the string early.
    fn pton(&self, af: c_int, text: &[u8]) -> Outcome {
        let text = nul_terminated(text);
        let mut dst = [FILL; 20];
        set_errno(ERRNO_SENTINEL);
        // SAFETY: text is NUL-terminated; dst has room for an IPv6 address.
        let ret = unsafe { (self.pton)(af, text.as_ptr().cast(), dst.as_mut_ptr().cast()) };
        (ret.into(), dst.to_vec(), errno())
    }

    fn aton(&self, text: &[u8]) -> Outcome {
        let text = nul_terminated(text);
        let mut dst = in_addr {
            s_addr: 0xa5a5_a5a5,
        };
        set_errno(ERRNO_SENTINEL);
        // SAFETY: as above.
        let ret = unsafe { (self.aton)(text.as_ptr().cast(), &mut dst) };
        (ret.into(), dst.s_addr.to_ne_bytes().to_vec(), errno())
    }

    fn addr(&self, text: &[u8]) -> Outcome {
        let text = nul_terminated(text);
        set_errno(ERRNO_SENTINEL);
        // SAFETY: as above.
        let ret = unsafe { (self.addr)(text.as_ptr().cast()) };
        (ret.into(), Vec::new(), errno())
    }

    fn network(&self, text: &[u8]) -> Outcome {
        let text = nul_terminated(text);
        set_errno(ERRNO_SENTINEL);
        // SAFETY: as above.
        let ret = unsafe { (self.network)(text.as_ptr().cast()) };
        (ret.into(), Vec::new(), errno())
    }

    /// Returns whether the result was `dst`, the whole buffer afterwards, and errno.
    fn ntop(
        &self,
        af: c_int,
        address: &[u8; 16],
        size: socklen_t,
    ) -> (Option<bool>, Vec<u8>, c_int) {
        let mut dst = [FILL; 72];
        set_errno(ERRNO_SENTINEL);
        // SAFETY: address has 16 bytes; dst has room for `size` ≤ 72 bytes.
        let ret =
            unsafe { (self.ntop)(af, address.as_ptr().cast(), dst.as_mut_ptr().cast(), size) };
        let returned = (!ret.is_null()).then(|| ret == dst.as_ptr().cast());
        (returned, dst.to_vec(), errno())
    }

    fn ntoa(&self, address: u32) -> (Vec<u8>, c_int) {
        set_errno(ERRNO_SENTINEL);
        let text = (self.ntoa)(in_addr { s_addr: address });
        // SAFETY: inet_ntoa returns a NUL-terminated per-thread string.
        (unsafe { CStr::from_ptr(text) }.to_bytes().to_vec(), errno())
    }
}

fn nul_terminated(text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    out.push(0);
    out
}

fn show(text: &[u8]) -> String {
    text.escape_ascii().to_string()
}

/// Runs every text parser of both libraries on `text` and asserts they agree.
fn compare_text(glibc: &Inet, netlibc: &Inet, text: &[u8]) {
    for af in [AF_INET, AF_INET6] {
        assert_eq!(
            glibc.pton(af, text),
            netlibc.pton(af, text),
            "inet_pton({af}, \"{}\")",
            show(text)
        );
    }
    assert_eq!(
        glibc.aton(text),
        netlibc.aton(text),
        "inet_aton(\"{}\")",
        show(text)
    );
    assert_eq!(
        glibc.addr(text),
        netlibc.addr(text),
        "inet_addr(\"{}\")",
        show(text)
    );
    assert_eq!(
        glibc.network(text),
        netlibc.network(text),
        "inet_network(\"{}\")",
        show(text)
    );
}

/// Runs inet_ntop of both libraries for `address` with every buffer size from 0 to 64.
fn compare_ntop(glibc: &Inet, netlibc: &Inet, af: c_int, address: &[u8; 16]) {
    for size in 0..=64 {
        assert_eq!(
            glibc.ntop(af, address, size),
            netlibc.ntop(af, address, size),
            "inet_ntop({af}, {address:02x?}, size {size})"
        );
    }
}

const HAND_PICKED: &[&str] = &[
    "",
    " ",
    "0",
    "1",
    "127.1",
    "1.2.3",
    "1.2.3.4",
    "1.2.3.4.",
    "1.2.3.4.5",
    "01.02.03.04",
    "0x7f.1",
    "0x7F.0X1",
    "0x",
    "0x.1",
    "0xg",
    "x1",
    "X1.x2",
    "08",
    "09.1",
    "1.08",
    "010.010.010.010",
    "4294967295",
    "4294967296",
    "42949672950",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "0xffffffff",
    "0x100000000",
    "037777777777",
    "040000000000",
    "1.16777215",
    "1.16777216",
    "1.2.65535",
    "1.2.65536",
    "1.2.3.255",
    "1.2.3.256",
    "256.1",
    "255.255.255.255",
    "1.2.3.4 junk",
    "1.2.3.4junk",
    "1.2.3.4\n",
    "1.2.3.4\t",
    "1.2.3.4\x0b",
    "1.2.3.4\x0c",
    "1.2.3.4\r",
    "1.2.3.4 ",
    " 1.2.3.4",
    "+1.2.3.4",
    "-1",
    "1..2",
    ".1",
    "1.",
    "1. 2",
    "1 .2",
    "192.168.1.1",
    "192.168.001.001",
    "00000000000000000000001",
    "0x000000000000000000001",
    "0.0.0.0",
    "00.0.0.0",
    "1.2.3.04",
    "1.2.3.400",
    "1.2.3.1000",
    "0x7f.0.0.1",
    "127.0.0.1\u{a0}",
    "1.2.3.4\u{85}",
    "::",
    "::1",
    "1::",
    ":",
    ":::",
    ":1::",
    "1:",
    "1::2:",
    "1::2::3",
    "00001::",
    "0001::",
    "12345::",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
    "fe80::1%lo",
    "fe80::1%1",
    "::ffff:1.2.3.4",
    "::1.2.3.4",
    "::0.0.1.2",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3",
    "::01.2.3.4",
    "::1.2.3.4:5",
    "::a.2.3.4",
    "1.2.3.4::",
    "::ffff:1.2.3.4 ",
    "::1 ",
    "2001:db8::8a2e:370:7334",
    "2001:DB8::8A2E:370:7334",
    "g::",
    "::g",
    ":::1",
    "1:::2",
    "::ffff:256.1.1.1",
    "::ffff:1.2.3.4.5",
    "[::1]",
    "::1/128",
    "0:0:0:0:0:0:0:0",
    "0000:0000:0000:0000:0000:0000:0000:0000",
    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
    "0000:0000:0000:0000:0000:0000:0000:00001",
    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555",
];

#[test]
fn hand_picked_texts_match_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    for text in HAND_PICKED {
        compare_text(&glibc, &netlibc, text.as_bytes());
    }
    // Bytes glibc's ctype tables might classify differently from ASCII, in every position.
    for byte in 1..=255u8 {
        for template in [
            &b"1.2.3.4?"[..],
            b"?1.2.3.4",
            b"1.2?3.4",
            b"::1?",
            b"1?::",
            b"1.2.3.4 ?",
            b"1?",
        ] {
            let text: Vec<u8> = template
                .iter()
                .map(|&b| if b == b'?' { byte } else { b })
                .collect();
            compare_text(&glibc, &netlibc, &text);
        }
    }
}

#[test]
fn other_families_fail_like_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let address = [1u8; 16];
    for af in [-1, 0, 1, 3, 9, 11, 17, 44, 45, 46, c_int::MAX, c_int::MIN] {
        for text in [&b"1.2.3.4"[..], b"::1", b"junk", b""] {
            assert_eq!(
                glibc.pton(af, text),
                netlibc.pton(af, text),
                "inet_pton({af}, \"{}\")",
                show(text)
            );
        }
        assert_eq!(
            glibc.ntop(af, &address, 64),
            netlibc.ntop(af, &address, 64),
            "inet_ntop({af})"
        );
        assert_eq!(
            glibc.ntop(af, &address, 0),
            netlibc.ntop(af, &address, 0),
            "inet_ntop({af}, size 0)"
        );
    }
}

#[test]
fn hand_picked_addresses_format_like_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let shapes: &[[u16; 8]] = &[
        [0; 8],
        [0, 0, 0, 0, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304],
        [0, 0, 0, 0, 0, 0xffff, 0, 0],
        [0, 0, 0, 0, 0, 0xffff, 0, 1],
        [0, 0, 0, 0, 0, 0, 0x0102, 0x0304],
        [0, 0, 0, 0, 0, 0, 0, 0x0102],
        [0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304],
        [0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304],
        [0, 0, 0, 0, 0xffff, 0, 0x0102, 0x0304],
        [1, 2, 3, 4, 5, 6, 7, 0],
        [1, 0, 0, 1, 0, 0, 0, 1],
        [1, 0, 0, 1, 0, 0, 1, 1],
        [0, 1, 0, 1, 0, 1, 0, 1],
        [0xffff; 8],
        [0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334],
        [0xfe80, 0, 0, 0, 0, 0, 0, 1],
    ];
    for shape in shapes {
        let mut address = [0u8; 16];
        for (pair, group) in address.chunks_exact_mut(2).zip(shape) {
            pair.copy_from_slice(&group.to_be_bytes());
        }
        compare_ntop(&glibc, &netlibc, AF_INET6, &address);
    }
    for v4 in [
        [0u8; 4],
        [255; 4],
        [1, 2, 3, 4],
        [192, 168, 1, 1],
        [10, 0, 0, 100],
    ] {
        let mut address = [0u8; 16];
        address[..4].copy_from_slice(&v4);
        compare_ntop(&glibc, &netlibc, AF_INET, &address);
    }
}

/// A random IPv6 address with a shape ntop treats specially often enough: zero runs, mapped and
/// compatible forms, small groups.
fn random_ipv6(rng: &mut Rng) -> [u8; 16] {
    let mut groups = [0u16; 8];
    for group in groups.iter_mut() {
        *group = match rng.below(4) {
            0 => 0,
            1 => rng.below(16) as u16,
            2 => *rng.pick(&[0xffff, 0x100, 0x1000, 0xfff, 1]),
            _ => rng.next_u64() as u16,
        };
    }
    match rng.below(6) {
        0 => groups[..5].fill(0),
        1 => {
            groups[..5].fill(0);
            groups[5] = 0xffff;
        }
        2 => groups[..6].fill(0),
        3 => {
            let start = rng.below(8) as usize;
            let end = (start + rng.below(9) as usize).min(8);
            groups[start..end].fill(0);
        }
        _ => {}
    }
    let mut address = [0u8; 16];
    for (pair, group) in address.chunks_exact_mut(2).zip(groups) {
        pair.copy_from_slice(&group.to_be_bytes());
    }
    address
}

fn random_ipv4(rng: &mut Rng) -> [u8; 4] {
    let mut octets = [0u8; 4];
    for octet in octets.iter_mut() {
        *octet = match rng.below(3) {
            0 => *rng.pick(&[0, 1, 9, 10, 99, 100, 255]),
            _ => rng.next_u64() as u8,
        };
    }
    octets
}

#[test]
fn generated_addresses_format_like_glibc_at_every_buffer_size() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let mut rng = Rng::new(0x6e74_6f70);
    for _ in 0..3_000 {
        compare_ntop(&glibc, &netlibc, AF_INET6, &random_ipv6(&mut rng));
        let mut address = [0u8; 16];
        address[..4].copy_from_slice(&random_ipv4(&mut rng));
        compare_ntop(&glibc, &netlibc, AF_INET, &address);
    }
    // Beyond the size sweep: many more addresses at sizes around the text's length.
    for _ in 0..100_000 {
        let address = random_ipv6(&mut rng);
        let size = rng.below(48) as socklen_t;
        assert_eq!(
            glibc.ntop(AF_INET6, &address, size),
            netlibc.ntop(AF_INET6, &address, size)
        );
        let mut v4 = [0u8; 16];
        v4[..4].copy_from_slice(&random_ipv4(&mut rng));
        let size = rng.below(18) as socklen_t;
        assert_eq!(
            glibc.ntop(AF_INET, &v4, size),
            netlibc.ntop(AF_INET, &v4, size)
        );
    }
}

#[test]
fn generated_addresses_ntoa_like_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let mut rng = Rng::new(0x6e74_6f61);
    for _ in 0..100_000 {
        let address = u32::from_ne_bytes(random_ipv4(&mut rng));
        assert_eq!(
            glibc.ntoa(address),
            netlibc.ntoa(address),
            "inet_ntoa({address:#x})"
        );
    }
}

#[test]
fn ntoa_buffer_is_per_thread() {
    let netlibc = netlibc();
    let mine = (netlibc.ntoa)(in_addr {
        s_addr: u32::from_ne_bytes([1, 2, 3, 4]),
    });
    let theirs = std::thread::spawn(move || {
        let theirs = (netlibc.ntoa)(in_addr {
            s_addr: u32::from_ne_bytes([5, 6, 7, 8]),
        });
        // SAFETY: the string lives in this thread's buffer until the thread ends.
        (
            theirs as usize,
            unsafe { CStr::from_ptr(theirs) }.to_bytes().to_vec(),
        )
    })
    .join()
    .unwrap();
    assert_ne!(mine as usize, theirs.0);
    assert_eq!(theirs.1, b"5.6.7.8");
    // SAFETY: this thread's buffer, untouched by the other thread.
    assert_eq!(unsafe { CStr::from_ptr(mine) }.to_bytes(), b"1.2.3.4");
}

#[test]
fn classful_functions_match_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let mut rng = Rng::new(0x636c_6173);
    let edges = [
        0u32,
        1,
        127,
        128,
        255,
        256,
        65535,
        65536,
        0xff_ffff,
        0x100_0000,
        0x7fff_ffff,
        0x8000_0000,
        0xbfff_ffff,
        0xc000_0000,
        0xdfff_ffff,
        0xe000_0000,
        0xffff_ffff,
    ];
    let mut pairs: Vec<(u32, u32)> = edges
        .iter()
        .flat_map(|&a| edges.iter().map(move |&b| (a, b)))
        .collect();
    for _ in 0..100_000 {
        let bits = rng.below(33) as u32;
        let net = (rng.next_u64() as u32).checked_shr(32 - bits).unwrap_or(0);
        pairs.push((net, rng.next_u64() as u32));
    }
    for (a, b) in pairs {
        let (g, n) = ((glibc.makeaddr)(a, b), (netlibc.makeaddr)(a, b));
        assert_eq!(g.s_addr, n.s_addr, "inet_makeaddr({a:#x}, {b:#x})");
        let address = in_addr { s_addr: a };
        assert_eq!(
            (glibc.lnaof)(address),
            (netlibc.lnaof)(address),
            "inet_lnaof({a:#x})"
        );
        assert_eq!(
            (glibc.netof)(address),
            (netlibc.netof)(address),
            "inet_netof({a:#x})"
        );
    }
}

/// Text of a valid IPv4 address in a legacy form: 1 to 4 parts, each in a random C radix.
fn legacy_ipv4_text(rng: &mut Rng) -> Vec<u8> {
    let parts = 1 + rng.below(4) as usize;
    let mut text = Vec::new();
    for index in 0..parts {
        if index > 0 {
            text.push(b'.');
        }
        let last = index + 1 == parts;
        let max: u64 = if last { 1u64 << (8 * (5 - parts)) } else { 256 };
        let value = if rng.below(4) == 0 {
            max - 1
        } else {
            rng.below(max)
        };
        let part = match rng.below(4) {
            0 => format!("0{value:o}"),
            1 => format!("0x{value:x}"),
            2 => format!("0X{value:X}"),
            _ => format!("{value}"),
        };
        text.extend_from_slice(part.as_bytes());
    }
    text
}

/// Text of a valid IPv6 address, written in one of its many forms: groups with or without leading
/// zeros, either case, "::" for any zero run, a dotted-quad tail.
fn ipv6_text(rng: &mut Rng) -> Vec<u8> {
    let address = random_ipv6(rng);
    let groups: Vec<u16> = address
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    let dotted = rng.below(4) == 0;
    let count = if dotted { 6 } else { 8 };
    // A run of zero groups to write as "::", if any.
    let gap = {
        let start = rng.below(count as u64) as usize;
        let len = groups[start..count].iter().take_while(|&&g| g == 0).count();
        (len > 0 && rng.below(3) > 0).then(|| (start, start + 1 + rng.below(len as u64) as usize))
    };
    let mut fields: Vec<String> = Vec::new();
    let mut index = 0;
    while index < count {
        if let Some((start, end)) = gap {
            if index == start {
                fields.push(String::new());
                if start == 0 {
                    fields.push(String::new());
                }
                if end == count && !dotted {
                    fields.push(String::new());
                }
                index = end;
                continue;
            }
        }
        let group = groups[index];
        fields.push(match rng.below(4) {
            0 => format!("{group:04x}"),
            1 => format!("{group:X}"),
            _ => format!("{group:x}"),
        });
        index += 1;
    }
    if dotted {
        fields.push(format!(
            "{}.{}.{}.{}",
            address[12], address[13], address[14], address[15]
        ));
    }
    fields.join(":").into_bytes()
}

/// A small change to a text: a byte inserted, deleted, replaced or duplicated, or junk appended.
fn mutate(rng: &mut Rng, text: &mut Vec<u8>) {
    const BYTES: &[u8] = b"0123456789abcdefABCDEFxX.:% \t\n\x0b\x0c\r+-/[]g\x00\x80\xff";
    let at = rng.below(text.len() as u64 + 1) as usize;
    match rng.below(5) {
        0 => text.insert(at, *rng.pick(BYTES)),
        1 if at < text.len() => {
            text.remove(at);
        }
        2 if at < text.len() => text[at] = *rng.pick(BYTES),
        3 if at < text.len() => {
            let byte = text[at];
            text.insert(at, byte);
        }
        _ => {
            const JUNK: &[&[u8]] = &[b" junk", b"junk", b"\n", b"%lo", b"::", b".0", b"0"];
            let junk = rng.pick(JUNK);
            text.extend_from_slice(junk);
        }
    }
}

/// A random string over an alphabet that parsers care about.
fn random_text(rng: &mut Rng) -> Vec<u8> {
    const ALPHABETS: &[&[u8]] = &[
        b"0123456789.",
        b"0123456789abcdefABCDEF:",
        b"0123456789abcdefx.:",
        b"01.: \t\nxX%",
        b"0789.xX \x0b\x00\xff",
        b"0123456789abcdefABCDEFxX.:% \t\n\x0b\x0c\r+-\x00\x01\x7f\x80\xff",
    ];
    let alphabet = *rng.pick(ALPHABETS);
    let len = match rng.below(10) {
        0 => 20 + rng.below(60),
        _ => rng.below(20),
    } as usize;
    (0..len).map(|_| *rng.pick(alphabet)).collect()
}

/// Long texts: around the longest valid lengths, and far beyond them.
fn long_text(rng: &mut Rng) -> Vec<u8> {
    let zeros = b"0".repeat(rng.below(70) as usize);
    match rng.below(6) {
        0 => [zeros.as_slice(), b"1"].concat(),
        1 => [b"0x".as_slice(), &zeros, b"1.2"].concat(),
        2 => [
            b"::".as_slice(),
            &zeros[..zeros.len().min(4)],
            b":ffff:1.2.3.4",
        ]
        .concat(),
        3 => {
            let mut text = ipv6_text(rng);
            text.extend_from_slice(&zeros);
            text
        }
        4 => {
            let mut text = b"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".to_vec();
            text.truncate(rng.below(47) as usize);
            text.extend(std::iter::repeat_n(b'5', rng.below(3) as usize));
            text
        }
        _ => [zeros.as_slice(), b".", &zeros, b"1 junk"].concat(),
    }
}

/// Generated texts, a mix of every kind above, each run through every text parser of both libraries.
#[test]
fn generated_texts_parse_like_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let mut rng = Rng::new(0x7074_6f6e);
    for _ in 0..150_000 {
        let mut text = match rng.below(8) {
            0 => format!(
                "{}.{}.{}.{}",
                rng.below(300),
                rng.below(300),
                rng.below(300),
                rng.below(300)
            )
            .into_bytes(),
            1 | 2 => legacy_ipv4_text(&mut rng),
            3 | 4 => ipv6_text(&mut rng),
            5 => long_text(&mut rng),
            _ => random_text(&mut rng),
        };
        for _ in 0..rng.below(3) {
            mutate(&mut rng, &mut text);
        }
        compare_text(&glibc, &netlibc, &text);
    }
}

/// Valid texts (before mutation) must be accepted: otherwise the generated test could pass with both
/// libraries refusing everything.
#[test]
fn generated_valid_texts_are_accepted() {
    let netlibc = netlibc();
    let mut rng = Rng::new(7);
    for _ in 0..10_000 {
        let v6 = ipv6_text(&mut rng);
        assert_eq!(netlibc.pton(AF_INET6, &v6).0, 1, "{}", show(&v6));
        let v4 = legacy_ipv4_text(&mut rng);
        assert_eq!(netlibc.aton(&v4).0, 1, "{}", show(&v4));
    }
}

/// Where glibc does not crash on a null pointer, netlibc must do what glibc does.
#[test]
fn null_pointers_glibc_survives_match_glibc() {
    let (glibc, netlibc) = (glibc(), netlibc());
    let null_dst = std::ptr::null_mut();
    for text in [c"1.2.3.4", c"127.1", c"junk", c""] {
        for lib in [&glibc, &netlibc] {
            set_errno(ERRNO_SENTINEL);
            // SAFETY: inet_aton accepts a null output pointer.
            let ret = unsafe { (lib.aton)(text.as_ptr(), null_dst) };
            assert_eq!(
                (ret, errno()),
                (
                    (text == c"1.2.3.4" || text == c"127.1") as c_int,
                    ERRNO_SENTINEL
                )
            );
        }
    }
    for lib in [&glibc, &netlibc] {
        set_errno(ERRNO_SENTINEL);
        // SAFETY: invalid text is refused before the output is written.
        assert_eq!(
            unsafe { (lib.pton)(AF_INET6, c"junk".as_ptr(), null_dst.cast()) },
            0
        );
        assert_eq!(errno(), ERRNO_SENTINEL);
        // SAFETY: a buffer too small is refused before it is written.
        let ret = unsafe { (lib.ntop)(AF_INET, [1u8; 4].as_ptr().cast(), std::ptr::null_mut(), 4) };
        assert_eq!((ret.is_null(), errno()), (true, libc::ENOSPC));
    }
}

/// Where glibc crashes on a null pointer, netlibc reports an error instead (docs/deviations.md).
#[test]
fn null_pointers_glibc_crashes_on_are_errors() {
    let netlibc = netlibc();
    let null_text = std::ptr::null();
    let mut out = [FILL; 16];
    for af in [AF_INET, AF_INET6] {
        set_errno(ERRNO_SENTINEL);
        // SAFETY: netlibc checks for the null text.
        assert_eq!(
            unsafe { (netlibc.pton)(af, null_text, out.as_mut_ptr().cast()) },
            -1
        );
        assert_eq!(errno(), libc::EINVAL);
        set_errno(ERRNO_SENTINEL);
        // SAFETY: netlibc checks for the null output before writing.
        assert_eq!(
            unsafe { (netlibc.pton)(af, c"::1".as_ptr(), std::ptr::null_mut()) },
            -1 + (af == AF_INET) as c_int
        );
        assert_eq!(
            errno(),
            if af == AF_INET {
                ERRNO_SENTINEL
            } else {
                libc::EINVAL
            }
        );
        set_errno(ERRNO_SENTINEL);
        // SAFETY: as above.
        let ret = unsafe { (netlibc.ntop)(af, std::ptr::null(), out.as_mut_ptr().cast(), 16) };
        assert_eq!((ret.is_null(), errno()), (true, libc::EINVAL));
        set_errno(ERRNO_SENTINEL);
        // SAFETY: as above.
        let ret =
            unsafe { (netlibc.ntop)(af, [0u8; 16].as_ptr().cast(), std::ptr::null_mut(), 64) };
        assert_eq!((ret.is_null(), errno()), (true, libc::EINVAL));
    }
    assert_eq!(out, [FILL; 16]);
    set_errno(ERRNO_SENTINEL);
    // SAFETY: netlibc checks for the null text.
    unsafe {
        assert_eq!((netlibc.aton)(null_text, &mut in_addr { s_addr: 0 }), 0);
        assert_eq!((netlibc.addr)(null_text), libc::INADDR_NONE);
        assert_eq!((netlibc.network)(null_text), libc::INADDR_NONE);
    }
    assert_eq!(errno(), ERRNO_SENTINEL);
}

/// Texts placed so that their NUL is the last readable byte before an inaccessible page: a read past
/// the NUL would crash the test. Both families, every text parser, valid and invalid texts.
#[test]
fn text_is_never_read_past_its_nul() {
    // SAFETY: a fresh anonymous mapping of two pages; the second is made inaccessible.
    let page = unsafe {
        let page_size = libc::sysconf(libc::_SC_PAGESIZE) as usize;
        let base = libc::mmap(
            std::ptr::null_mut(),
            2 * page_size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(base, libc::MAP_FAILED);
        assert_eq!(
            libc::mprotect(
                base.cast::<u8>().add(page_size).cast(),
                page_size,
                libc::PROT_NONE
            ),
            0
        );
        std::slice::from_raw_parts_mut(base.cast::<u8>(), page_size)
    };
    let netlibc = netlibc();
    let mut rng = Rng::new(0x6775_6172);
    let mut texts: Vec<Vec<u8>> = HAND_PICKED.iter().map(|t| t.as_bytes().to_vec()).collect();
    texts.extend((0..5_000).map(|_| ipv6_text(&mut rng)));
    texts.extend((0..5_000).map(|_| legacy_ipv4_text(&mut rng)));
    for text in texts {
        let Some(text) = text.split(|&b| b == 0).next() else {
            continue;
        };
        let end = page.len() - 1;
        let start = end - text.len();
        page[start..end].copy_from_slice(text);
        page[end] = 0;
        let ptr = page[start..].as_ptr().cast::<c_char>();
        let mut out = [0u8; 16];
        // SAFETY: ptr is a NUL-terminated string; out has room for any address.
        unsafe {
            (netlibc.pton)(AF_INET, ptr, out.as_mut_ptr().cast());
            (netlibc.pton)(AF_INET6, ptr, out.as_mut_ptr().cast());
            (netlibc.aton)(ptr, &mut in_addr { s_addr: 0 });
            (netlibc.addr)(ptr);
            (netlibc.network)(ptr);
        }
    }
}
