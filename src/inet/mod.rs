//! Address text to binary and back (pure functions, no I/O).
//!
//! Every parser takes the bytes of a C string up to (not including) its NUL and returns a Rust value;
//! every formatter returns the text without a NUL. The C shell in `abi::arpa_inet` finds the NUL,
//! writes results and sets errno.
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
