//! Numeric host text as getaddrinfo and getnameinfo read and write it: IPv4 through glibc's
//! `__inet_aton_exact` rules, IPv6 through inet_pton rules (both from `crate::inet`), IPv6 printed as
//! glibc's inet_ntop prints it, and the rules for `%scope` suffixes.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::inet::format;
use crate::inet::ipv4::{parse_ipv4_legacy_prefix, parse_ipv4_strict_stream};
use crate::inet::ipv6;
use crate::inet::ByteStream;

/// Parses IPv4 text as glibc's `__inet_aton_exact` does: inet_aton's 1 to 4 parts ("127.1",
/// "0x7f.1", "1.2.3" = 1.2.0.3) with nothing after the number (inet_aton itself stops at white
/// space; the exact variant refuses it).
#[inline(always)]
pub fn parse_ipv4_aton_exact(text: &[u8]) -> Option<Ipv4Addr> {
    // Every form starts with a digit: other text (an IPv6 literal, a name) is refused at once.
    if !text.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // Most numeric hosts are plain dotted quads ("127.0.0.1"): the strict parser reads them far
    // faster than the C-integer rules, and a strict quad means the same to both.
    if let Some(quad) = parse_ipv4_strict_stream(&mut WholeText(text.iter())) {
        return Some(Ipv4Addr::from(quad));
    }
    parse_ipv4_aton_exact_slow(text)
}

/// The forms beyond the strict quad. The legacy parser stops at white space, so it read the whole
/// text exactly when nothing follows the number.
#[inline(never)]
fn parse_ipv4_aton_exact_slow(text: &[u8]) -> Option<Ipv4Addr> {
    let (address, rest) = parse_ipv4_legacy_prefix(text)?;
    rest.is_empty().then(|| Ipv4Addr::from(address))
}

/// Text read to its very end: a NUL byte inside it is a byte like any other that cannot belong to an
/// address (the strict parser takes 0 for the end of the text).
struct WholeText<'a>(core::slice::Iter<'a, u8>);

impl ByteStream for WholeText<'_> {
    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        match self.0.next() {
            None => 0,
            Some(0) => b'/',
            Some(&byte) => byte,
        }
    }
}

/// Parses IPv6 text as inet_pton(AF_INET6) does (no scope).
#[inline]
pub fn parse_ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    ipv6::parse_ipv6_bits(text).map(Ipv6Addr::from)
}

/// Parses IPv6 text as inet_pton(AF_INET6) does (no scope), into the address's 128 bits, the first
/// group on top: the form the numeric getaddrinfo path computes with.
#[inline(always)]
pub fn parse_ipv6_bits(text: &[u8]) -> Option<u128> {
    ipv6::parse_ipv6_bits(text)
}

/// The IPv4 address in an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), given as its bits
/// (`Ipv6Addr::to_ipv4_mapped` works on the bytes, at many times the cost).
#[inline]
pub fn ipv4_mapped(bits: u128) -> Option<Ipv4Addr> {
    (bits >> 32 == 0xffff).then_some(Ipv4Addr::from(bits as u32))
}

/// Formats an IPv6 address exactly as glibc 2.36's inet_ntop.
pub fn format_ipv6(addr: &Ipv6Addr) -> String {
    String::from_utf8_lossy(format::format_ipv6(addr.octets()).as_bytes()).into_owned()
}

/// True for the addresses whose `%scope` may name an interface (inet6_scopeid_pton): link-local
/// unicast, and node- or link-local multicast.
pub fn scope_may_be_named(addr: &Ipv6Addr) -> bool {
    let o = addr.octets();
    let link_local = o[0] == 0xfe && o[1] & 0xc0 == 0x80;
    let multicast_local = o[0] == 0xff && matches!(o[1] & 0x0f, 1 | 2);
    link_local || multicast_local
}

/// True for the addresses getnameinfo prints the scope of as an interface name: link-local unicast
/// and link-local multicast (not node-local).
pub fn scope_printed_as_name(addr: &Ipv6Addr) -> bool {
    let o = addr.octets();
    (o[0] == 0xfe && o[1] & 0xc0 == 0x80) || (o[0] == 0xff && o[1] & 0x0f == 2)
}

/// A numeric scope id as inet6_scopeid_pton accepts it: starts with a digit, all decimal, at most
/// 32 bits.
pub fn parse_numeric_scope(text: &[u8]) -> Option<u32> {
    if !text.first()?.is_ascii_digit() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0u32, |acc, &c| {
        acc.checked_mul(10)?.checked_add((c - b'0') as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> Option<String> {
        parse_ipv4_aton_exact(text.as_bytes()).map(|a| a.to_string())
    }

    #[test]
    fn aton_exact_accepts_glibcs_shorthands() {
        assert_eq!(v4("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(v4("127.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(v4("1.2.3").as_deref(), Some("1.2.0.3"));
        assert_eq!(v4("0x7f.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(v4("01.02.03.010").as_deref(), Some("1.2.3.8"));
        assert_eq!(v4("4294967295").as_deref(), Some("255.255.255.255"));
        assert_eq!(v4("0").as_deref(), Some("0.0.0.0"));
    }

    #[test]
    fn aton_exact_rejects_what_glibc_rejects() {
        for bad in [
            "",
            "1.2.3.4.5",
            "4294967296",
            "08.1.1.1",
            " 1.2.3.4",
            "1.2.3.4 ",
            "1.2.3.4\n",
            "256.1.1.1",
            "1.2.3.256",
            "1.2.65536",
            "0x",
            "1..2",
            "1.2.",
            ".1",
            "+1",
            "1.2.3.4junk",
            "0xg",
        ] {
            assert_eq!(v4(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ipv6_format_follows_glibc() {
        let cases = [
            ("::1", "::1"),
            ("::", "::"),
            ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
            ("1:0:0:1::1", "1:0:0:1::1"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("::0.0.1.2", "::102"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
            ("fe80::1", "fe80::1"),
            ("1::", "1::"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("2001:DB8::ABCD", "2001:db8::abcd"),
        ];
        for (input, expected) in cases {
            let addr = parse_ipv6(input.as_bytes()).unwrap();
            assert_eq!(format_ipv6(&addr), expected, "{input}");
        }
    }

    #[test]
    fn numeric_scope_is_decimal_32_bit() {
        assert_eq!(parse_numeric_scope(b"99"), Some(99));
        assert_eq!(parse_numeric_scope(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_numeric_scope(b"4294967296"), None);
        assert_eq!(parse_numeric_scope(b""), None);
        assert_eq!(parse_numeric_scope(b"1a"), None);
        assert_eq!(parse_numeric_scope(b"+1"), None);
    }

    #[test]
    fn scope_classes() {
        let a = |s: &str| parse_ipv6(s.as_bytes()).unwrap();
        assert!(scope_may_be_named(&a("fe80::1")));
        assert!(scope_may_be_named(&a("ff01::1")));
        assert!(scope_may_be_named(&a("ff02::1")));
        assert!(!scope_may_be_named(&a("::1")));
        assert!(!scope_may_be_named(&a("ff05::1")));
        assert!(scope_printed_as_name(&a("ff02::1")));
        assert!(!scope_printed_as_name(&a("ff01::1")));
    }
}
