//! IPv6 text (`inet_pton(AF_INET6)`): RFC 4291 section 2.2 forms, as glibc reads them.

use super::ipv4::finish_dotted_quad;
use super::ByteStream;

/// Parses an IPv6 address: up to eight groups of 1 to 4 hex digits, at most one "::" standing for one
/// or more zero groups, and optionally a strict dotted quad in place of the last two groups.
///
/// As in glibc: a scope ("%lo") is refused; "::" must stand for at least one group; a lone leading
/// or trailing ':' is refused; the dotted quad may end any address that has room for it. A NUL ends
/// the text.
pub fn parse_ipv6(text: &[u8]) -> Option<[u8; 16]> {
    parse_ipv6_stream(&mut text.iter())
}

/// [`parse_ipv6`] on a byte stream; reads at most 46 bytes.
#[inline(always)]
pub fn parse_ipv6_stream<S: ByteStream>(text: &mut S) -> Option<[u8; 16]> {
    // The groups are shifted into integers, never stored in an array, so that the result does not
    // round-trip through memory: `groups` collects them, and at "::" those read so far move to
    // `before_gap`, to be shifted into place at the end.
    let mut groups: u128 = 0;
    let mut filled: u32 = 0;
    let mut before_gap: Option<(u128, u32)> = None;
    let mut after_gap = false;
    let mut byte = text.next_byte();
    if byte == b':' {
        if text.next_byte() != b':' {
            return None;
        }
        before_gap = Some((0, 0));
        after_gap = true;
        byte = text.next_byte();
    }
    // Each turn reads one group, starting with `byte`, and what follows it.
    loop {
        let group = read_group(byte, text)?;
        match group.next_class {
            END if group.digits == 0 && after_gap => break,
            END if group.digits == 0 => return None,
            END => {
                if filled == 8 {
                    return None;
                }
                groups = (groups << 16) | u128::from(group.hex);
                filled += 1;
                break;
            }
            COLON if group.digits == 0 => {
                if before_gap.is_some() {
                    return None;
                }
                before_gap = Some((groups, filled));
                groups = 0;
                after_gap = true;
            }
            COLON => {
                if filled == 8 {
                    return None;
                }
                groups = (groups << 16) | u128::from(group.hex);
                filled += 1;
                after_gap = false;
            }
            DOT if filled <= 6 => {
                // The group was the first part of a dotted quad, which must end the text.
                let ipv4 = finish_dotted_quad(group_as_octet(group.hex, group.digits)?, text)?;
                groups = (groups << 32) | u128::from(ipv4);
                filled += 2;
                break;
            }
            _ => return None,
        }
        byte = text.next_byte();
    }
    let address = match (before_gap, filled) {
        (None, 8) => groups,
        // Too few groups, or a "::" standing for none.
        (None, _) | (Some(_), 8) => return None,
        (Some((before, count)), _) => before.checked_shl(128 - 16 * count).unwrap_or(0) | groups,
    };
    Some(address.to_be_bytes())
}

/// One group of hex digits as read, and the class of the byte after it.
struct Group {
    hex: u16,
    digits: u32,
    next_class: u8,
}

/// A group read as hex (`hex`, `digits` digits) taken as the first part of a strict dotted quad: 1 to
/// 3 decimal digits without a leading zero, at most 255. A hex digit's value is the digit itself, so
/// the nibbles are the decimal digits.
#[cold]
#[inline(never)]
fn group_as_octet(hex: u16, digits: u32) -> Option<u32> {
    if !(1..=3).contains(&digits) {
        return None;
    }
    let mut value = 0;
    for index in (0..digits).rev() {
        let nibble = u32::from(hex >> (4 * index)) & 0xf;
        let leading_zero = nibble == 0 && index + 1 == digits && digits > 1;
        if nibble > 9 || leading_zero {
            return None;
        }
        value = value * 10 + nibble;
    }
    (value <= 255).then_some(value)
}

/// Reads up to four hex digits starting with `first`; `None` if a fifth follows.
#[inline(always)]
fn read_group<S: ByteStream>(first: u8, text: &mut S) -> Option<Group> {
    let mut hex: u16 = 0;
    let mut digits = 0;
    let mut class = CLASSES[usize::from(first)];
    while class <= 0xf {
        if digits == 4 {
            return None;
        }
        hex = (hex << 4) | u16::from(class);
        digits += 1;
        class = CLASSES[usize::from(text.next_byte())];
    }
    Some(Group {
        hex,
        digits,
        next_class: class,
    })
}

/// The class of NUL: the end of the text.
const END: u8 = 0x40;
const COLON: u8 = 0x41;
const DOT: u8 = 0x42;
const OTHER: u8 = 0x43;

/// Each byte's class: its value as a hex digit (0..=15), `COLON`, `DOT`, `END` (NUL) or `OTHER`.
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
            0 => END,
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
