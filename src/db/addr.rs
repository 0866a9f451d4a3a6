//! The address parsers the files databases use, with glibc's exact rules: `inet_pton` for hosts
//! lines, `inet_aton` (exact) for numeric host names, `inet_network` for networks lines.
//!
//! They work on bytes (a line may hold any byte) and are private to the databases: the public
//! `inet_*` functions live in `crate::inet`.

use super::text::{is_space, strtoul};

/// `inet_pton(AF_INET)`: exactly four decimal parts, each at most 255, no leading zeros.
pub fn parse_ipv4_strict(text: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut octets = 0usize;
    let mut saw_digit = false;
    let mut current: u32 = 0;
    for &byte in text {
        match byte {
            b'0'..=b'9' => {
                if saw_digit && current == 0 {
                    return None;
                }
                current = current * 10 + u32::from(byte - b'0');
                if current > 255 {
                    return None;
                }
                if !saw_digit {
                    octets += 1;
                    if octets > 4 {
                        return None;
                    }
                    saw_digit = true;
                }
                out[octets - 1] = current as u8;
            }
            b'.' if saw_digit && octets < 4 => {
                saw_digit = false;
                current = 0;
            }
            _ => return None,
        }
    }
    (octets == 4).then_some(out)
}

fn hex_value(byte: u8) -> Option<u32> {
    (byte as char).to_digit(16)
}

/// `inet_pton(AF_INET6)`, glibc's version: at most four hex digits a group, one `::`, an optional
/// dotted IPv4 tail.
pub fn parse_ipv6(text: &[u8]) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut filled = 0usize;
    let mut gap: Option<usize> = None;
    let mut rest = text;
    if rest.first() == Some(&b':') {
        if rest.get(1) != Some(&b':') {
            return None;
        }
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return None;
    }
    let mut token_start = 0usize;
    let mut digits = 0usize;
    let mut value: u32 = 0;
    let mut i = 0usize;
    while i < rest.len() {
        let byte = rest[i];
        i += 1;
        if let Some(digit) = hex_value(byte) {
            if digits == 4 {
                return None;
            }
            value = (value << 4) | digit;
            digits += 1;
            continue;
        }
        if byte == b':' {
            token_start = i;
            if digits == 0 {
                if gap.is_some() {
                    return None;
                }
                gap = Some(filled);
                continue;
            } else if i == rest.len() || filled + 2 > 16 {
                return None;
            }
            out[filled] = (value >> 8) as u8;
            out[filled + 1] = value as u8;
            filled += 2;
            digits = 0;
            value = 0;
            continue;
        }
        if byte == b'.' && filled + 4 <= 16 {
            let tail = parse_ipv4_strict(&rest[token_start..])?;
            out[filled..filled + 4].copy_from_slice(&tail);
            filled += 4;
            digits = 0;
            break;
        }
        return None;
    }
    if digits > 0 {
        if filled + 2 > 16 {
            return None;
        }
        out[filled] = (value >> 8) as u8;
        out[filled + 1] = value as u8;
        filled += 2;
    }
    if let Some(at) = gap {
        if filled == 16 {
            return None;
        }
        let moved = filled - at;
        out.copy_within(at..filled, 16 - moved);
        out[at..16 - moved].fill(0);
        filled = 16;
    }
    (filled == 16).then_some(out)
}

/// glibc's `__inet_aton_exact`: `a.b.c.d`, `a.b.c`, `a.b` or `a`, each part decimal, octal or hex as
/// in C, the last part filling the remaining bytes; nothing may follow.
pub fn parse_ipv4_aton_exact(text: &[u8]) -> Option<[u8; 4]> {
    const MAX: [u64; 4] = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff];
    let mut bytes = text.to_vec();
    bytes.push(0);
    let mut parts: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let value = loop {
        if !bytes[pos].is_ascii_digit() {
            return None;
        }
        let (value, end) = strtoul(&bytes, pos, 0);
        if value > 0xffff_ffff {
            return None;
        }
        pos = end;
        if bytes[pos] != b'.' {
            break value;
        }
        if parts.len() > 2 || value > 0xff {
            return None;
        }
        parts.push(value as u8);
        pos += 1;
    };
    if bytes[pos] != 0 || value > MAX[parts.len()] {
        return None;
    }
    let word = parts
        .iter()
        .enumerate()
        .fold(value as u32, |word, (i, &part)| {
            word | u32::from(part) << (24 - 8 * i)
        });
    Some(word.to_be_bytes())
}

/// glibc's `inet_network`: up to four parts, each decimal, octal (`0`) or hex (`0x`) and at most 255,
/// trailing blanks allowed; the value is not shifted ("1.2" is 0x102). `0xffffffff` on error.
pub fn inet_network(text: &[u8]) -> u32 {
    const NONE: u32 = 0xffff_ffff;
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut parts: Vec<u32> = Vec::new();
    let mut pos = 0usize;
    loop {
        let (mut value, mut base, mut digit) = (0u32, 10u32, false);
        if at(pos) == b'0' {
            (digit, base) = (true, 8);
            pos += 1;
        }
        if at(pos) == b'x' || at(pos) == b'X' {
            (digit, base) = (false, 16);
            pos += 1;
        }
        loop {
            let byte = at(pos);
            if byte.is_ascii_digit() {
                if base == 8 && (byte == b'8' || byte == b'9') {
                    return NONE;
                }
                value = value
                    .wrapping_mul(base)
                    .wrapping_add(u32::from(byte - b'0'));
            } else if base == 16 && byte.is_ascii_hexdigit() {
                value = (value << 4).wrapping_add(u32::from(byte.to_ascii_lowercase() - b'a') + 10);
            } else {
                break;
            }
            pos += 1;
            digit = true;
        }
        if !digit || parts.len() >= 4 || value > 0xff {
            return NONE;
        }
        if at(pos) == b'.' {
            parts.push(value);
            pos += 1;
            continue;
        }
        while is_space(at(pos)) {
            pos += 1;
        }
        if at(pos) != 0 {
            return NONE;
        }
        parts.push(value);
        return parts
            .iter()
            .fold(0u32, |word, &part| (word << 8) | (part & 0xff));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_ipv4() {
        assert_eq!(parse_ipv4_strict(b"127.0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_ipv4_strict(b"0.0.0.0"), Some([0, 0, 0, 0]));
        for bad in [
            &b"01.2.3.4"[..],
            b"1.2.3",
            b"1.2.3.4.",
            b"1.2.3.256",
            b"1..2.3",
            b"",
            b"1.2.3.4 ",
        ] {
            assert_eq!(parse_ipv4_strict(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ipv6() {
        let mut loopback = [0u8; 16];
        loopback[15] = 1;
        assert_eq!(parse_ipv6(b"::1"), Some(loopback));
        assert_eq!(parse_ipv6(b"::"), Some([0; 16]));
        let mapped = parse_ipv6(b"::ffff:1.2.3.4").unwrap();
        assert_eq!(&mapped[10..], &[0xff, 0xff, 1, 2, 3, 4]);
        assert!(parse_ipv6(b"1:2:3:4:5:6:7:8").is_some());
        for bad in [
            &b"00001::"[..],
            b":1::",
            b"1::2::3",
            b"1:2:3:4:5:6:7:8:9",
            b"1:",
            b":",
            b"",
            b"fe80::1%lo",
            b"1:2:3:4:5:6:7::8",
        ] {
            assert_eq!(parse_ipv6(bad), None, "{bad:?}");
        }
        assert!(parse_ipv6(b"1:2:3:4:5:6:7::").is_some());
    }

    #[test]
    fn aton_exact() {
        assert_eq!(parse_ipv4_aton_exact(b"1.2.3"), Some([1, 2, 0, 3]));
        assert_eq!(parse_ipv4_aton_exact(b"127.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_ipv4_aton_exact(b"0x7f.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_ipv4_aton_exact(b"4294967295"), Some([255; 4]));
        assert_eq!(parse_ipv4_aton_exact(b"1.2.3.4.5"), None);
        assert_eq!(parse_ipv4_aton_exact(b"1.2.3.4 "), None);
        assert_eq!(parse_ipv4_aton_exact(b"08.1.1.1"), None);
        assert_eq!(parse_ipv4_aton_exact(b"1.2.3.256"), None);
    }

    #[test]
    fn network() {
        assert_eq!(inet_network(b"0x7f.1"), 0x7f01);
        assert_eq!(inet_network(b"01.02.03.04"), 0x0102_0304);
        assert_eq!(inet_network(b"1.2.3.4 junk"), 0xffff_ffff);
        assert_eq!(inet_network(b"127.0.0.0"), 0x7f00_0000);
        assert_eq!(inet_network(b"1.2.3.4.5"), 0xffff_ffff);
        assert_eq!(inet_network(b"1.2.3.4 "), 0x0102_0304);
    }
}
