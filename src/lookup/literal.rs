//! Numeric host text as getaddrinfo and getnameinfo read and write it: IPv4 through glibc's
//! `__inet_aton_exact` rules, IPv6 through inet_pton rules, IPv6 printed as glibc's inet_ntop prints it.
//!
//! These are the few conversions the lookup needs; they move to `crate::inet` when it lands, and this
//! module then only forwards.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Parses IPv4 text as glibc's `__inet_aton_exact` does: 1 to 4 parts, each decimal, octal (leading
/// 0) or hex (0x), the last part filling the remaining bytes ("127.1", "1.2.3" = 1.2.0.3), and
/// nothing after the number.
pub fn parse_ipv4_aton_exact(text: &[u8]) -> Option<Ipv4Addr> {
    let mut parts = [0u32; 3];
    let mut count = 0;
    let mut rest = text;
    loop {
        let (value, after) = parse_aton_part(rest)?;
        match after.split_first() {
            Some((b'.', tail)) => {
                if count > 2 || value > 0xff {
                    return None;
                }
                parts[count] = value as u32;
                count += 1;
                rest = tail;
            }
            Some(_) => return None,
            None => return combine_aton_parts(&parts[..count], value),
        }
    }
}

/// Joins the leading byte parts with the last part, which must fit the bytes left.
fn combine_aton_parts(parts: &[u32], last: u64) -> Option<Ipv4Addr> {
    let last_max: u64 = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff][parts.len()];
    if last > last_max {
        return None;
    }
    let leading = parts
        .iter()
        .enumerate()
        .fold(0u32, |acc, (i, &p)| acc | p << (24 - 8 * i));
    Some(Ipv4Addr::from(leading | last as u32))
}

/// One number as `strtoul(s, &end, 0)` reads it, after inet_aton's check that it starts with a digit.
/// Returns the value (saturated: anything above 32 bits is rejected later anyway) and the rest.
fn parse_aton_part(text: &[u8]) -> Option<(u64, &[u8])> {
    let first = *text.first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let (radix, digits) = match text {
        [b'0', b'x' | b'X', next, ..] if next.is_ascii_hexdigit() => (16, &text[2..]),
        [b'0', ..] => (8, text),
        _ => (10, text),
    };
    let mut value: u64 = 0;
    let mut used = 0;
    for &c in digits {
        let Some(digit) = (c as char).to_digit(radix) else {
            break;
        };
        value = value
            .saturating_mul(radix as u64)
            .saturating_add(digit as u64);
        used += 1;
    }
    Some((value, &digits[used..]))
}

/// Parses IPv6 text as inet_pton(AF_INET6) does (no scope).
pub fn parse_ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    // inet_pton allows at most 4 hex digits per group and an embedded dotted quad without leading
    // zeros, as std's parser does; the text must be ASCII.
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// The longest (first on ties) run of at least two zero groups, as (start, length).
fn longest_zero_run(groups: &[u16; 8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        let start = i;
        while i < 8 && groups[i] == 0 {
            i += 1;
        }
        let len = i - start;
        if len >= 2 && best.is_none_or(|(_, best_len)| len > best_len) {
            best = Some((start, len));
        }
        i = i.max(start + 1);
    }
    best
}

/// Formats an IPv6 address exactly as glibc 2.36's inet_ntop: lowercase hex, the longest run of two or
/// more zero groups as "::", and a dotted quad tail only for `::a.b.c.d` (six zero groups) and
/// `::ffff:a.b.c.d`.
pub fn format_ipv6(addr: &Ipv6Addr) -> String {
    use std::fmt::Write;
    let groups = addr.segments();
    let run = longest_zero_run(&groups);
    let mut out = String::with_capacity(46);
    let mut i = 0;
    while i < 8 {
        if let Some((start, len)) = run {
            if i == start {
                out.push(':');
                i += len;
                continue;
            }
        }
        if i != 0 {
            out.push(':');
        }
        let dotted_tail =
            matches!(run, Some((0, 6))) || (matches!(run, Some((0, 5))) && groups[5] == 0xffff);
        if i == 6 && dotted_tail {
            let o = addr.octets();
            let _ = write!(out, "{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
            return out;
        }
        let _ = write!(out, "{:x}", groups[i]);
        i += 1;
    }
    if run.is_some_and(|(start, len)| start + len == 8) {
        out.push(':');
    }
    out
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
