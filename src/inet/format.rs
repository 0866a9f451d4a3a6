//! Address text as `inet_ntop` and `inet_ntoa` print it, built byte by byte (no printf, no
//! allocation).

/// Room for the longest IPv6 text ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45 bytes), plus
/// slack so that a decimal octet can always be written as a whole 4-byte chunk.
const CAPACITY: usize = 48;

/// Address text on the stack, without a NUL.
#[derive(Clone, Copy)]
pub struct AddressText {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl AddressText {
    /// No text yet.
    pub fn new() -> AddressText {
        AddressText {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// The text, without a NUL.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn push_decimal_octet(&mut self, octet: u8) {
        let [a, b, c, len] = DECIMAL_OCTETS[usize::from(octet)];
        if let Some(chunk) = self.bytes.get_mut(self.len..self.len + 4) {
            chunk.copy_from_slice(&[a, b, c, 0]);
            self.len += usize::from(len);
        }
    }

    /// A group in lowercase hex without leading zeros, like printf's "%x".
    fn push_hex_group(&mut self, group: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let significant_bits = 16 - (group | 1).leading_zeros() as usize;
        let digits = significant_bits.div_ceil(4);
        for shift in (0..digits).rev() {
            self.push(HEX[usize::from((group >> (4 * shift)) & 0xf)]);
        }
    }

    fn push_ipv4(&mut self, [a, b, c, d]: [u8; 4]) {
        self.push_decimal_octet(a);
        self.push(b'.');
        self.push_decimal_octet(b);
        self.push(b'.');
        self.push_decimal_octet(c);
        self.push(b'.');
        self.push_decimal_octet(d);
    }
}

/// Each octet's decimal digits, left-aligned, with their count in the last byte.
const DECIMAL_OCTETS: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut n = 0;
    while n < 256 {
        let (hundreds, tens, ones) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = if n >= 100 {
            [b'0' + hundreds, b'0' + tens, b'0' + ones, 3]
        } else if n >= 10 {
            [b'0' + tens, b'0' + ones, 0, 2]
        } else {
            [b'0' + ones, 0, 0, 1]
        };
        n += 1;
    }
    table
};

impl Default for AddressText {
    fn default() -> AddressText {
        AddressText::new()
    }
}

/// Dotted-quad text ("192.168.1.1").
#[inline]
pub fn format_ipv4(address: [u8; 4]) -> AddressText {
    let mut text = AddressText::new();
    format_ipv4_into(&mut text, address);
    text
}

/// [`format_ipv4`] into `text` (new), which stays where the caller keeps it. The C shell formats
/// this way: the text is written a few bytes at a time, and a copy of the returned value (which
/// the compiler may or may not make) would read it back in wider pieces than it was written,
/// which stalls the processor until the writes are done.
#[inline]
pub fn format_ipv4_into(text: &mut AddressText, address: [u8; 4]) {
    text.push_ipv4(address);
}

/// IPv6 text, with glibc's choices: lowercase hex without leading zeros; the longest run of two or
/// more zero groups (the first of equal runs) written as "::"; and a dotted-quad tail only for the
/// IPv4-compatible form (six zero groups then a non-zero seventh, "::1.2.3.4") and the IPv4-mapped
/// form ("::ffff:1.2.3.4"). So ::0.0.1.2 prints as "::102".
#[inline]
pub fn format_ipv6(address: [u8; 16]) -> AddressText {
    let mut text = AddressText::new();
    format_ipv6_into(&mut text, address);
    text
}

/// [`format_ipv6`] into `text` (new), which stays where the caller keeps it (see
/// [`format_ipv4_into`]).
#[inline]
pub fn format_ipv6_into(text: &mut AddressText, address: [u8; 16]) {
    let mut groups = [0u16; 8];
    for (group, pair) in groups.iter_mut().zip(address.chunks_exact(2)) {
        *group = u16::from_be_bytes([pair[0], pair[1]]);
    }
    let (run_start, run_len) = longest_zero_run(&groups);
    let run_end = run_start + run_len;
    let dotted_tail = run_start == 0 && (run_len == 6 || (run_len == 5 && groups[5] == 0xffff));

    let mut index = 0;
    while index < 8 {
        if index == run_start && run_len > 0 {
            text.push(b':');
            index = run_end;
            continue;
        }
        if index != 0 {
            text.push(b':');
        }
        if index == 6 && dotted_tail {
            text.push_ipv4([address[12], address[13], address[14], address[15]]);
            return;
        }
        text.push_hex_group(groups[index]);
        index += 1;
    }
    if run_len > 0 && run_end == 8 {
        text.push(b':');
    }
}

/// The start and length of the first longest run of zero groups, or length 0 if no run is two or more
/// groups long (a single zero group is written as "0").
fn longest_zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let (mut best_start, mut best_len) = (0, 0);
    let mut run_len = 0;
    for (index, &group) in groups.iter().enumerate() {
        if group == 0 {
            run_len += 1;
            if run_len > best_len {
                best_start = index + 1 - run_len;
                best_len = run_len;
            }
        } else {
            run_len = 0;
        }
    }
    if best_len < 2 {
        (0, 0)
    } else {
        (best_start, best_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(groups: [u16; 8]) -> String {
        let mut address = [0u8; 16];
        for (pair, group) in address.chunks_exact_mut(2).zip(groups) {
            pair.copy_from_slice(&group.to_be_bytes());
        }
        String::from_utf8(format_ipv6(address).as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn ipv4_is_plain_decimal() {
        assert_eq!(format_ipv4([192, 168, 1, 1]).as_bytes(), b"192.168.1.1");
        assert_eq!(format_ipv4([0, 0, 0, 0]).as_bytes(), b"0.0.0.0");
        assert_eq!(
            format_ipv4([255, 255, 255, 255]).as_bytes(),
            b"255.255.255.255"
        );
        assert_eq!(format_ipv4([10, 99, 100, 9]).as_bytes(), b"10.99.100.9");
    }

    #[test]
    fn ipv6_compresses_the_first_longest_zero_run() {
        assert_eq!(v6([0; 8]), "::");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
        assert_eq!(v6([1, 0, 0, 0, 0, 0, 0, 0]), "1::");
        assert_eq!(
            v6([0x2001, 0xdb8, 0, 0, 0, 0x8a2e, 0x370, 0x7334]),
            "2001:db8::8a2e:370:7334"
        );
        assert_eq!(v6([1, 2, 3, 4, 5, 6, 7, 0]), "1:2:3:4:5:6:7:0");
        assert_eq!(v6([1, 0, 0, 1, 0, 0, 0, 1]), "1:0:0:1::1");
        assert_eq!(v6([1, 0, 0, 1, 0, 0, 1, 1]), "1::1:0:0:1:1");
        assert_eq!(v6([0xffff; 8]), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert_eq!(
            v6([0xabc, 0xf, 0x10, 0x100, 0x1000, 1, 2, 3]),
            "abc:f:10:100:1000:1:2:3"
        );
    }

    #[test]
    fn ipv6_prints_a_dotted_tail_only_for_compatible_and_mapped_forms() {
        assert_eq!(
            v6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]),
            "::ffff:1.2.3.4"
        );
        assert_eq!(v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), "::ffff:0.0.0.0");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]), "::1.2.3.4");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0, 0x0102]), "::102");
        assert_eq!(
            v6([0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304]),
            "::fffe:102:304"
        );
        assert_eq!(
            v6([0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304]),
            "::1:ffff:102:304"
        );
        assert_eq!(v6([1, 0, 0, 0, 0, 0, 0x0102, 0x0304]), "1::102:304");
        assert_eq!(
            v6([0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff]),
            "::ffff:255.255.255.255"
        );
    }
}
