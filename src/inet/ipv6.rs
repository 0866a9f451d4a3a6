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
pub fn parse_ipv6(text: &[u8]) -> Option<[u8; 16]> {
    let mut groups = [0u16; 8];
    let mut filled = 0;
    let mut gap_at = None;
    let mut position = match text {
        [] | [b':'] => return None,
        [b':', b':', ..] => 1,
        [b':', ..] => return None,
        _ => 0,
    };
    let mut group_start = position;
    let mut digits = 0;
    let mut value: u16 = 0;
    while let Some(&byte) = text.get(position) {
        position += 1;
        if let Some(digit) = hex_digit(byte) {
            if digits == 4 {
                return None;
            }
            value = (value << 4) | digit;
            digits += 1;
        } else if byte == b':' {
            group_start = position;
            if digits == 0 {
                if gap_at.is_some() {
                    return None;
                }
                gap_at = Some(filled);
                continue;
            }
            if position == text.len() {
                return None;
            }
            *groups.get_mut(filled)? = value;
            filled += 1;
            digits = 0;
            value = 0;
        } else if byte == b'.' && filled <= 6 {
            // The dotted quad is read again from the start of its group, and must end the text.
            let [a, b, c, d] = parse_ipv4_strict(text.get(group_start..)?)?;
            *groups.get_mut(filled)? = u16::from_be_bytes([a, b]);
            *groups.get_mut(filled + 1)? = u16::from_be_bytes([c, d]);
            filled += 2;
            digits = 0;
            break;
        } else {
            return None;
        }
    }
    if digits > 0 {
        *groups.get_mut(filled)? = value;
        filled += 1;
    }
    if let Some(gap) = gap_at {
        // "::" must stand for at least one group.
        if filled == 8 {
            return None;
        }
        let zeros = 8 - filled;
        groups.get_mut(gap..)?.rotate_right(zeros);
        filled = 8;
    }
    if filled != 8 {
        return None;
    }
    let mut address = [0u8; 16];
    for (pair, group) in address.chunks_exact_mut(2).zip(groups) {
        pair.copy_from_slice(&group.to_be_bytes());
    }
    Some(address)
}

fn hex_digit(byte: u8) -> Option<u16> {
    match byte {
        b'0'..=b'9' => Some(u16::from(byte - b'0')),
        b'a'..=b'f' => Some(u16::from(byte - b'a' + 10)),
        b'A'..=b'F' => Some(u16::from(byte - b'A' + 10)),
        _ => None,
    }
}

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
