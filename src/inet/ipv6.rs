//! IPv6 text (`inet_pton(AF_INET6)`): RFC 4291 section 2.2 forms, as glibc reads them.

use super::ipv4::parse_ipv4_strict;

/// The longest text `parse_ipv6` can accept: six groups of four hex digits with their colons and a
/// dotted quad ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").
pub(crate) const MAX_LEN: usize = 45;

/// Parses an IPv6 address: up to eight groups of 1 to 4 hex digits, at most one "::" standing for one
/// or more zero groups, and optionally a strict dotted quad in place of the last two groups.
///
/// As in glibc: a scope ("%lo") is refused; "::" must stand for at least one group; a lone leading
/// or trailing ':' is refused; the dotted quad may end any address that has room for it.
#[inline]
pub fn parse_ipv6(text: &[u8]) -> Option<[u8; 16]> {
    parse_ipv6_bits(text).map(u128::to_be_bytes)
}

/// [`parse_ipv6`], returning the address as one 128-bit number (the first group in the top bits).
#[inline(always)]
pub fn parse_ipv6_bits(text: &[u8]) -> Option<u128> {
    // The groups are shifted into integers, never stored in an array, so that the result does not
    // round-trip through memory: `groups` collects them, and at "::" those read so far move to
    // `before_gap`, to be shifted into place at the end. `rest` is the text not read yet (a slice
    // rather than a position: one length to check per group).
    let mut groups: u128 = 0;
    let mut filled: u32 = 0;
    let mut before_gap: Option<(u128, u32)> = None;
    let mut rest = match text {
        [] | [b':'] => return None,
        [b':', b':', rest @ ..] => {
            before_gap = Some((0, 0));
            rest
        }
        [b':', ..] => return None,
        _ => text,
    };
    // Each turn reads one group and what follows it.
    loop {
        let group = rest;
        let (hex, digits, next_class) = read_group(group)?;
        // Past the group and the byte after it (nothing is left after the end).
        rest = group.get(digits + 1..).unwrap_or_default();
        match next_class {
            // The text may end right after "::" (no group read since), not after a single ':'.
            END if digits == 0 => match before_gap {
                Some((_, count)) if count == filled => break,
                _ => return None,
            },
            END => {
                if filled == 8 {
                    return None;
                }
                groups = (groups << 16) | u128::from(hex);
                filled += 1;
                break;
            }
            COLON if digits == 0 => {
                if before_gap.is_some() {
                    return None;
                }
                before_gap = Some((groups, filled));
                groups = 0;
            }
            COLON => {
                // (A ':' that ends the text is refused when the empty group after it is read.)
                if filled == 8 {
                    return None;
                }
                groups = (groups << 16) | u128::from(hex);
                filled += 1;
            }
            DOT if filled <= 6 => {
                // The group was the first part of a dotted quad, which must end the text.
                let ipv4 = parse_ipv4_strict(group)?;
                groups = (groups << 32) | u128::from(u32::from_be_bytes(ipv4));
                filled += 2;
                break;
            }
            _ => return None,
        }
    }
    match (before_gap, filled) {
        (None, 8) => Some(groups),
        // Too few groups, or a "::" standing for none.
        (None, _) | (Some(_), 8) => None,
        // Nothing before "::": the groups after it are the address as they stand.
        (Some((_, 0)), _) => Some(groups),
        (Some((before, count)), _) => Some((before << (128 - 16 * count)) | groups),
    }
}

/// Reads the group of up to four hex digits that starts `text`: its value, how many digits, and
/// the class of the byte after them (`END` past the text); `None` if a fifth hex digit follows.
#[inline(always)]
fn read_group(text: &[u8]) -> Option<(u32, usize, u8)> {
    let class = |byte: u8| CLASSES[usize::from(byte)];
    // With five bytes in view (the most a group and the byte after it need), one length check.
    if let [a, b, c, d, e, ..] = *text {
        let (a, b, c, d) = (class(a), class(b), class(c), class(d));
        // Only digits' classes (their values, 0..=15) reach `nibble`.
        let nibble = u32::from;
        return Some(if a > 0xf {
            (0, 0, a)
        } else if b > 0xf {
            (nibble(a), 1, b)
        } else if c > 0xf {
            ((nibble(a) << 4) | nibble(b), 2, c)
        } else if d > 0xf {
            ((nibble(a) << 8) | (nibble(b) << 4) | nibble(c), 3, d)
        } else if class(e) <= 0xf {
            return None;
        } else {
            let value = (nibble(a) << 12) | (nibble(b) << 8) | (nibble(c) << 4) | nibble(d);
            (value, 4, class(e))
        });
    }
    // The end of the text is near: byte by byte.
    let mut value: u32 = 0;
    let mut digits = 0;
    loop {
        let next_class = text.get(digits).map_or(END, |&byte| class(byte));
        if next_class > 0xf {
            return Some((value, digits, next_class));
        }
        if digits == 4 {
            return None;
        }
        value = (value << 4) | u32::from(next_class);
        digits += 1;
    }
}

/// The class of the end of the text.
const END: u8 = 0x40;
const COLON: u8 = 0x41;
const DOT: u8 = 0x42;
const OTHER: u8 = 0x43;

/// Each byte's class: its value as a hex digit (0..=15), `COLON`, `DOT` or `OTHER`.
const CLASSES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            b':' => COLON,
            b'.' => DOT,
            _ => OTHER,
        };
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(address: [u8; 16]) -> [u16; 8] {
        let mut out = [0u16; 8];
        for (group, pair) in out.iter_mut().zip(address.chunks_exact(2)) {
            *group = u16::from_be_bytes([pair[0], pair[1]]);
        }
        out
    }

    #[test]
    fn accepts_full_and_compressed_forms() {
        let parse = |text: &[u8]| parse_ipv6(text).map(groups);
        assert_eq!(parse(b"::"), Some([0; 8]));
        assert_eq!(parse(b"::1"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
        assert_eq!(parse(b"1::"), Some([1, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(
            parse(b"2001:db8::8a2e:370:7334"),
            Some([0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334])
        );
        assert_eq!(parse(b"1:2:3:4:5:6:7:8"), Some([1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(parse(b"1:2:3:4:5:6:7::"), Some([1, 2, 3, 4, 5, 6, 7, 0]));
        assert_eq!(parse(b"::2:3:4:5:6:7:8"), Some([0, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(
            parse(b"FFFF::aBcD"),
            Some([0xffff, 0, 0, 0, 0, 0, 0, 0xabcd])
        );
        assert_eq!(parse(b"0000:0000::0001"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
    }

    #[test]
    fn accepts_a_dotted_quad_tail_where_it_fits() {
        let parse = |text: &[u8]| parse_ipv6(text).map(groups);
        assert_eq!(
            parse(b"::ffff:1.2.3.4"),
            Some([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])
        );
        assert_eq!(
            parse(b"::1.2.3.4"),
            Some([0, 0, 0, 0, 0, 0, 0x0102, 0x0304])
        );
        assert_eq!(
            parse(b"1:2:3:4:5:6:1.2.3.4"),
            Some([1, 2, 3, 4, 5, 6, 0x0102, 0x0304])
        );
        assert_eq!(
            parse(b"1::1.2.3.4"),
            Some([1, 0, 0, 0, 0, 0, 0x0102, 0x0304])
        );
        assert_eq!(parse(b"1:2:3:4:5:6:7:1.2.3.4"), None);
        assert_eq!(parse(b"1:2:3:4:5:6:7::1.2.3.4"), None);
        assert_eq!(parse(b"::1.2.3"), None);
        assert_eq!(parse(b"::01.2.3.4"), None);
        assert_eq!(parse(b"::1.2.3.4:5"), None);
        assert_eq!(parse(b"::a.2.3.4"), None);
        assert_eq!(parse(b"1.2.3.4"), None);
        assert_eq!(parse(b"1.2.3.4::"), None);
    }

    #[test]
    fn refuses_malformed_text() {
        for bad in [
            &b""[..],
            b":",
            b":::",
            b":1::",
            b"1:",
            b"1::2:",
            b"1::2::3",
            b"00001::",
            b"1:2:3:4:5:6:7:8:9",
            b"1:2:3:4:5:6:7",
            b"1:2:3:4:5:6:7:8::",
            b"::1:2:3:4:5:6:7:8",
            b"fe80::1%lo",
            b"::1 ",
            b"g::",
            b"12345::",
        ] {
            assert_eq!(parse_ipv6(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
