//! IPv4 text: the strict dotted quad (`inet_pton`) and the legacy forms (`inet_aton`, `inet_addr`,
//! `inet_network`). Each parser takes the text up to its NUL.

use super::{is_c_space, ByteStream};

/// Parses exactly four decimal parts of 0..=255 separated by dots (`inet_pton(AF_INET)`).
///
/// As in glibc: no leading zeros ("01" is refused, "0" is fine), no signs, no space, nothing after
/// the fourth part. A NUL ends the text.
pub fn parse_ipv4_strict(text: &[u8]) -> Option<[u8; 4]> {
    parse_ipv4_strict_stream(&mut text.iter())
}

/// [`parse_ipv4_strict`] on a byte stream; reads at most 16 bytes.
#[inline(always)]
pub fn parse_ipv4_strict_stream<S: ByteStream>(text: &mut S) -> Option<[u8; 4]> {
    let (first, separator) = read_octet(text)?;
    if separator != b'.' {
        return None;
    }
    finish_dotted_quad(first, text).map(u32::to_be_bytes)
}

/// Reads the last three parts of a strict dotted quad whose first part (`first`, with its dot) was
/// read already; the quad must end the text. Returns the address in host byte order.
#[inline(always)]
pub(crate) fn finish_dotted_quad<S: ByteStream>(first: u32, text: &mut S) -> Option<u32> {
    let mut address = first;
    for expected_separator in [b'.', b'.', 0] {
        let (value, separator) = read_octet(text)?;
        if separator != expected_separator {
            return None;
        }
        address = (address << 8) | value;
    }
    Some(address)
}

/// Reads one part of a strict dotted quad: 1 to 3 decimal digits, at most 255; returns it and the
/// byte after it. A leading zero stops the part, so a digit after it comes back as the separator
/// and fails the caller's check, as a fourth digit does.
#[inline(always)]
fn read_octet<S: ByteStream>(text: &mut S) -> Option<(u32, u8)> {
    // Bytes are read as their distance from '0': a digit is 0..=9, anything else larger.
    let first = text.next_byte().wrapping_sub(b'0');
    if first > 9 {
        return None;
    }
    let mut value = u32::from(first);
    let mut next = text.next_byte();
    if first != 0 {
        for _ in 0..2 {
            let digit = next.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            value = value * 10 + u32::from(digit);
            next = text.next_byte();
        }
    }
    (value <= 255).then_some((value, next))
}

/// Parses the numbers-and-dots forms of `inet_aton` and `inet_addr`: one to four parts, each a C
/// integer (decimal, 0-prefixed octal or 0x-prefixed hex); the last part fills the remaining bytes
/// ("127.1" is 127.0.0.1, "4294967295" is 255.255.255.255). The text may go on after a whitespace
/// byte, which ends the address. Returns the address in host byte order.
pub fn parse_ipv4_legacy(text: &[u8]) -> Option<u32> {
    parse_ipv4_legacy_prefix(text).map(|(address, _)| address)
}

/// [`parse_ipv4_legacy`], with the text after the address: empty, or starting with the white space
/// that ended it.
pub fn parse_ipv4_legacy_prefix(text: &[u8]) -> Option<(u32, &[u8])> {
    // The largest value the last part may have, by the number of parts before it.
    const LAST_PART_MAX: [u32; 4] = [0xffff_ffff, 0x00ff_ffff, 0x0000_ffff, 0x0000_00ff];
    let mut address: u32 = 0;
    let mut parts_before = 0;
    let mut rest = text;
    loop {
        let (value, after) = parse_c_integer(rest)?;
        match after.split_first() {
            Some((b'.', tail)) => {
                if parts_before == 3 || value > 0xff {
                    return None;
                }
                address |= value << (24 - 8 * parts_before);
                parts_before += 1;
                rest = tail;
            }
            Some((&byte, _)) if !is_c_space(byte) => return None,
            _ => {
                if value > *LAST_PART_MAX.get(parts_before)? {
                    return None;
                }
                return Some((address | value, after));
            }
        }
    }
}

/// Reads one part of a legacy address as `strtoul(text, &end, 0)` would after checking that it
/// starts with a digit: returns the value and the text after it, or `None` if there is no digit or
/// the value does not fit in 32 bits.
fn parse_c_integer(text: &[u8]) -> Option<(u32, &[u8])> {
    let (radix, digits) = match text {
        [b'0', b'x' | b'X', next, tail @ ..] if next.is_ascii_hexdigit() => (16, (*next, tail)),
        [first, tail @ ..] if first.is_ascii_digit() => {
            (if *first == b'0' { 8 } else { 10 }, (*first, tail))
        }
        _ => return None,
    };
    let (first, mut rest) = digits;
    let mut value = u64::from(digit_value(first));
    while let Some((&byte, tail)) = rest.split_first() {
        let digit = digit_value(byte);
        if digit >= radix {
            break;
        }
        value = value * u64::from(radix) + u64::from(digit);
        // Beyond 32 bits strtoul either overflows or returns a value glibc refuses: both fail.
        if value > 0xffff_ffff {
            return None;
        }
        rest = tail;
    }
    Some((value as u32, rest))
}

/// The value of a hex digit, or 255 for any other byte.
fn digit_value(byte: u8) -> u8 {
    match byte {
        b'0'..=b'9' => byte - b'0',
        b'a'..=b'f' => byte - b'a' + 10,
        b'A'..=b'F' => byte - b'A' + 10,
        _ => u8::MAX,
    }
}

/// Parses a network number the way `inet_network` does: one to four parts of at most 0xff each,
/// separated by dots, each decimal, 0-prefixed octal, or hex after "0x" or a bare "x"; trailing
/// whitespace is allowed but nothing after it. The parts are packed without shifting ("1.2" is
/// 0x0102). Like glibc, a part's digits accumulate modulo 2^32 before the 0xff check.
pub fn parse_network_number(text: &[u8]) -> Option<u32> {
    let mut network: u32 = 0;
    let mut parts = 0;
    let mut rest = text;
    loop {
        let (value, after) = parse_network_part(rest)?;
        if parts == 4 || value > 0xff {
            return None;
        }
        network = (network << 8) | value;
        parts += 1;
        match after.split_first() {
            Some((b'.', tail)) => rest = tail,
            _ => {
                return after
                    .iter()
                    .all(|&byte| is_c_space(byte))
                    .then_some(network);
            }
        }
    }
}

/// One part of `inet_network`'s text: the value (wrapped to 32 bits) and the text after it, or `None`
/// if it has no digit or an 8 or 9 in octal.
fn parse_network_part(text: &[u8]) -> Option<(u32, &[u8])> {
    let mut rest = text;
    let mut radix = 10;
    let mut seen_digit = false;
    if let Some((b'0', tail)) = rest.split_first() {
        radix = 8;
        seen_digit = true;
        rest = tail;
    }
    if let Some((b'x' | b'X', tail)) = rest.split_first() {
        radix = 16;
        seen_digit = false;
        rest = tail;
    }
    let mut value: u32 = 0;
    while let Some((&byte, tail)) = rest.split_first() {
        let digit = digit_value(byte);
        if byte.is_ascii_digit() && radix == 8 && digit >= 8 {
            return None;
        }
        if digit >= 10 && radix != 16 || digit == u8::MAX {
            break;
        }
        value = value.wrapping_mul(radix).wrapping_add(u32::from(digit));
        seen_digit = true;
        rest = tail;
    }
    seen_digit.then_some((value, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_accepts_dotted_quads_only() {
        assert_eq!(parse_ipv4_strict(b"192.168.1.1"), Some([192, 168, 1, 1]));
        assert_eq!(parse_ipv4_strict(b"0.0.0.0"), Some([0, 0, 0, 0]));
        assert_eq!(parse_ipv4_strict(b"255.255.255.255"), Some([255; 4]));
        for bad in [
            &b""[..],
            b"1.2.3",
            b"1.2.3.4.",
            b"1.2.3.4.5",
            b"01.2.3.4",
            b"1.2.3.00",
            b"256.1.1.1",
            b"1.2.3.4 ",
            b"1.2.3.4\n",
            b".1.2.3",
            b"1..2.3",
            b"127.1",
            b"0x7f.0.0.1",
            b"+1.2.3.4",
            b"1.2.3.1000",
        ] {
            assert_eq!(
                parse_ipv4_strict(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn legacy_accepts_short_forms_and_c_radixes() {
        assert_eq!(parse_ipv4_legacy(b"127.1"), Some(0x7f00_0001));
        assert_eq!(parse_ipv4_legacy(b"1.2.3"), Some(0x0102_0003));
        assert_eq!(parse_ipv4_legacy(b"1.2.65535"), Some(0x0102_ffff));
        assert_eq!(parse_ipv4_legacy(b"0x7f.1"), Some(0x7f00_0001));
        assert_eq!(parse_ipv4_legacy(b"01.02.03.04"), Some(0x0102_0304));
        assert_eq!(parse_ipv4_legacy(b"010.0.0.1"), Some(0x0800_0001));
        assert_eq!(parse_ipv4_legacy(b"4294967295"), Some(0xffff_ffff));
        assert_eq!(parse_ipv4_legacy(b"0XFF.0"), Some(0xff00_0000));
        assert_eq!(parse_ipv4_legacy(b"1.2.3.4 junk"), Some(0x0102_0304));
        assert_eq!(parse_ipv4_legacy(b"1.2.3.4\x0b"), Some(0x0102_0304));
    }

    #[test]
    fn legacy_refuses_overflow_and_junk() {
        for bad in [
            &b""[..],
            b"4294967296",
            b"1.16777216",
            b"1.2.65536",
            b"1.2.3.256",
            b"256.1",
            b"1.2.3.4.5",
            b"1.2.3.4junk",
            b"08",
            b"0x",
            b"0xg",
            b" 1.2.3.4",
            b"1..2",
            b"1.2.3.",
            b"99999999999999999999999",
        ] {
            assert_eq!(
                parse_ipv4_legacy(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn network_numbers_pack_without_shifting() {
        assert_eq!(parse_network_number(b"1.2"), Some(0x0102));
        assert_eq!(parse_network_number(b"10"), Some(10));
        assert_eq!(parse_network_number(b"1.2.3.4"), Some(0x0102_0304));
        assert_eq!(parse_network_number(b"0x7f.x1"), Some(0x7f01));
        assert_eq!(parse_network_number(b"010.0"), Some(0x0800));
        assert_eq!(parse_network_number(b"1.2 \t"), Some(0x0102));
        // Digits wrap modulo 2^32 before the range check, as in glibc.
        assert_eq!(parse_network_number(b"4294967296"), Some(0));
    }

    #[test]
    fn network_numbers_refuse_what_glibc_refuses() {
        for bad in [
            &b""[..],
            b"256",
            b"1.2.3.4.5",
            b"1.2.3.4 junk",
            b"08",
            b"0x",
            b"1.",
            b"1. 2",
            b" 1",
        ] {
            assert_eq!(
                parse_network_number(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
