//! Address text to binary and back (pure functions, no I/O).
//!
//! Every parser takes the bytes of a C string up to (not including) its NUL and returns a Rust value;
//! every formatter returns the text without a NUL. The C shell in `abi::arpa_inet` finds the NUL,
//! writes results and sets errno. The strict IPv4 parser also takes a [`ByteStream`], so that the C
//! shell need not measure the string first.
//!
//! - [`ipv4`]: the strict dotted quad of `inet_pton` and the legacy numbers-and-dots forms of
//!   `inet_aton` / `inet_addr` and `inet_network`.
//! - [`ipv6`]: the IPv6 text of `inet_pton`, with an embedded IPv4 tail.
//! - [`format`]: the text `inet_ntop` and `inet_ntoa` print, without printf.
//! - [`classful`]: the class A/B/C arithmetic of `inet_makeaddr`, `inet_lnaof` and `inet_netof`.

pub mod classful;
pub mod format;
pub mod ipv4;
pub mod ipv6;

/// C's `isspace` in the C locale: space, `\t`, `\n`, `\v`, `\f`, `\r` (Rust's `is_ascii_whitespace`
/// leaves out `\v`).
pub(crate) fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Address text read forward, one byte at a time: 0 once the text has ended (a NUL ends it).
/// `inet_pton(AF_INET)` reads its text this way, in one pass that stops at the first byte that cannot
/// belong to an address, so the C shell reads a C string without measuring it first, and never past
/// its NUL.
pub trait ByteStream {
    /// The next byte of the text, or 0 at (and after) its end.
    fn next_byte(&mut self) -> u8;
}

impl ByteStream for core::slice::Iter<'_, u8> {
    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        self.next().copied().unwrap_or(0)
    }
}
