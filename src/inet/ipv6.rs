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
    // The groups are shifted into integers (not stored in an array) so that the result never goes
    // through memory: `before_gap` holds the groups before "::", `after_gap` those after it.
    let mut before_gap: u128 = 0;
    let mut after_gap: u128 = 0;
    let mut groups_before_gap = 0;
    let mut filled = 0;
    let mut seen_gap = false;
    let mut rest = match text {
        [] | [b':'] => return None,
        [b':', b':', tail @ ..] => {
            seen_gap = true;
            tail
        }
        [b':', ..] => return None,
        _ => text,
    };
    // Each turn reads one group and what follows it; `rest` starts after a ':' (or at the start).
    loop {
        let group_text = rest;
        let (value, digits, after) = parse_hex_group(rest)?;
        let (bits, count) = match after {
            // Nothing after a ':' is fine only right after "::".
            [] if digits == 0 => break,
            [] => (u128::from(value), 1),
            [b':', tail @ ..] => {
                rest = tail;
                if digits == 0 {
                    if seen_gap {
                        return None;
                    }
                    seen_gap = true;
                    groups_before_gap = filled;
                    continue;
                }
                if tail.is_empty() {
                    return None;
                }
                (u128::from(value), 1)
            }
            [b'.', ..] if filled <= 6 => {
                // The dotted quad is read again from the start of its group, and must end the text.
                (
                    u128::from(u32::from_be_bytes(parse_ipv4_strict(group_text)?)),
                    2,
                )
            }
            _ => return None,
        };
        if filled + count > 8 {
            return None;
        }
        filled += count;
        let shift = 16 * count as u32;
        if seen_gap {
            after_gap = (after_gap << shift) | bits;
        } else {
            before_gap = (before_gap << shift) | bits;
        }
        if count == 2 || after.is_empty() {
            break;
        }
    }
    let address = match (seen_gap, filled) {
        // "::" must stand for at least one group.
        (true, 8) | (false, 0..=7) => return None,
        (false, _) => before_gap,
        (true, _) => {
            before_gap
                .checked_shl(16 * (8 - groups_before_gap as u32))
                .unwrap_or(0)
                | after_gap
        }
    };
    Some(address.to_be_bytes())
}

/// Reads up to four hex digits: the value, how many digits, and the text after them; `None` if a
/// fifth hex digit follows.
fn parse_hex_group(text: &[u8]) -> Option<(u16, usize, &[u8])> {
    let mut value: u16 = 0;
    let mut digits = 0;
    while let Some(&byte) = text.get(digits) {
        let digit = HEX_VALUES[usize::from(byte)];
        if digit > 0xf {
            break;
        }
        if digits == 4 {
            return None;
        }
        value = (value << 4) | u16::from(digit);
        digits += 1;
    }
    Some((value, digits, text.get(digits..).unwrap_or_default()))
}

/// Each byte's value as a hex digit, or 0xff.
const HEX_VALUES: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => 0xff,
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
