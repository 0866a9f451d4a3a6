//! `<arpa/inet.h>`: byte order and address text conversions.
//!
//! The parsing and formatting live in [`crate::inet`]; this module finds the NUL of C strings, writes
//! results and sets errno.

use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void, CStr};

use libc::{
    in_addr, in_addr_t, socklen_t, AF_INET, AF_INET6, EAFNOSUPPORT, EINVAL, ENOSPC, INADDR_NONE,
};

use crate::inet::format::{self, AddressText};
use crate::inet::{classful, ipv4, ipv6, ByteStream};
use crate::sys::{set_errno, Errno};

/// `htonl(hostlong)` — converts a 32-bit value from host to network byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/htonl.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/htonl.3.html)
#[no_mangle]
pub extern "C" fn htonl(hostlong: u32) -> u32 {
    hostlong.to_be()
}

/// `htons(hostshort)` — converts a 16-bit value from host to network byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/htons.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/htons.3.html)
#[no_mangle]
pub extern "C" fn htons(hostshort: u16) -> u16 {
    hostshort.to_be()
}

/// `ntohl(netlong)` — converts a 32-bit value from network to host byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ntohl.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/ntohl.3.html)
#[no_mangle]
pub extern "C" fn ntohl(netlong: u32) -> u32 {
    u32::from_be(netlong)
}

/// `ntohs(netshort)` — converts a 16-bit value from network to host byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ntohs.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/ntohs.3.html)
#[no_mangle]
pub extern "C" fn ntohs(netshort: u16) -> u16 {
    u16::from_be(netshort)
}

/// A C string read forward one byte at a time; it stops at its NUL and never reads past it.
struct CStringStream {
    next: *const u8,
    ended: bool,
}

impl CStringStream {
    /// # Safety
    /// `text` must point to a NUL-terminated string that outlives the value.
    unsafe fn new(text: *const c_char) -> CStringStream {
        CStringStream {
            next: text.cast(),
            ended: false,
        }
    }
}

impl ByteStream for CStringStream {
    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        if self.ended {
            return 0;
        }
        // SAFETY: no NUL has been read yet, so `next` points into the string or at its NUL.
        let byte = unsafe { *self.next };
        // The pointer moves on whatever the byte (no dependency on its value, so reads of the next
        // bytes can start early); after the NUL it is never read again.
        self.next = self.next.wrapping_add(1);
        self.ended = byte == 0;
        byte
    }
}

/// The bytes of the C string at `text` before its NUL, if the NUL is among the first `limit + 1`
/// bytes; `None` if the text is longer than `limit` (nothing past the NUL is read).
///
/// # Safety
/// `text` must point to a NUL-terminated string or to at least `limit + 1` readable bytes.
unsafe fn bounded_c_text<'a>(text: *const c_char, limit: usize) -> Option<&'a [u8]> {
    // glibc's strnlen (netlibc does not export it) reads no further than the NUL or `limit + 1` bytes.
    // SAFETY: `text` is readable up to its NUL or for `limit + 1` bytes (caller's promise).
    let len = unsafe { libc::strnlen(text, limit + 1) };
    // SAFETY: the `len` bytes before the NUL were readable.
    (len <= limit).then(|| unsafe { core::slice::from_raw_parts(text.cast::<u8>(), len) })
}

/// The bytes of the C string at `text` before its NUL, or `None` for a null pointer.
///
/// # Safety
/// `text` must be null or point to a NUL-terminated string that outlives `'a`.
unsafe fn c_text<'a>(text: *const c_char) -> Option<&'a [u8]> {
    if text.is_null() {
        return None;
    }
    // SAFETY: `text` is a non-null NUL-terminated string (caller's promise).
    Some(unsafe { CStr::from_ptr(text) }.to_bytes())
}

/// `inet_pton(af, src, dst)` — converts IPv4 or IPv6 address text to binary (network byte order).
///
/// Returns 1 and fills `dst` (4 bytes for `AF_INET`, 16 for `AF_INET6`) if `src` is an address of
/// that family; 0 (and leaves `dst` alone) if it is not; -1 with errno `EAFNOSUPPORT` for another
/// family. IPv4 must be a strict dotted quad without leading zeros; IPv6 may end in one.
///
/// Differences from glibc: a null `src`, or a null `dst` with a valid address, returns -1 with errno
/// `EINVAL` where glibc crashes (docs/deviations.md).
///
/// # Safety
/// `src` must be null or a NUL-terminated string; `dst` must be null or have room for the address.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_pton.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_pton.3.html)
#[no_mangle]
pub unsafe extern "C" fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int {
    if af != AF_INET && af != AF_INET6 {
        set_errno(Errno(EAFNOSUPPORT));
        return -1;
    }
    if src.is_null() {
        set_errno(Errno(EINVAL));
        return -1;
    }
    // Text longer than the longest valid address is not an address, so neither parser needs the
    // string's whole length: IPv4 text is read byte by byte up to the first byte that cannot belong
    // to a dotted quad (measured faster than finding the NUL first), IPv6 text is measured no further
    // than its longest form.
    if af == AF_INET {
        // SAFETY: `src` is a NUL-terminated string (caller's promise).
        let mut text = unsafe { CStringStream::new(src) };
        match ipv4::parse_ipv4_strict_stream(&mut text) {
            // SAFETY: `dst` has room for 4 bytes (caller's promise) or is null.
            Some(address) => unsafe { write_address(dst, &address) },
            None => 0,
        }
    } else {
        // SAFETY: `src` is a NUL-terminated string (caller's promise).
        let text = unsafe { bounded_c_text(src, ipv6::MAX_LEN) };
        match text.and_then(ipv6::parse_ipv6) {
            // SAFETY: `dst` has room for 16 bytes (caller's promise) or is null.
            Some(address) => unsafe { write_address(dst, &address) },
            None => 0,
        }
    }
}

/// Copies a parsed address to `dst` and returns 1, or returns -1 with `EINVAL` if `dst` is null.
///
/// # Safety
/// `dst` must be null or have room for `address.len()` bytes.
unsafe fn write_address(dst: *mut c_void, address: &[u8]) -> c_int {
    if dst.is_null() {
        set_errno(Errno(EINVAL));
        return -1;
    }
    // SAFETY: `dst` has room for the address (caller's promise); a caller's buffer cannot overlap our
    // local copy.
    unsafe { core::ptr::copy_nonoverlapping(address.as_ptr(), dst.cast::<u8>(), address.len()) };
    1
}

/// `inet_ntop(af, src, dst, size)` — converts a binary IPv4 or IPv6 address to text.
///
/// Writes the text and its NUL to `dst` and returns `dst`; returns NULL with errno `ENOSPC`, leaving
/// `dst` alone, if `size` is too small, or with `EAFNOSUPPORT` for another family. IPv6 text follows
/// glibc's choices: the first longest run of two or more zero groups as "::", and a dotted-quad tail
/// only for "::a.b.c.d" (non-zero seventh group) and "::ffff:a.b.c.d".
///
/// Differences from glibc: a null `src`, or a null `dst` with a large enough `size`, returns NULL with
/// errno `EINVAL` where glibc crashes (docs/deviations.md).
///
/// # Safety
/// `src` must be null or point to the address (4 or 16 bytes); `dst` must be null or have room for
/// `size` bytes.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_ntop.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_ntop.3.html)
#[no_mangle]
pub unsafe extern "C" fn inet_ntop(
    af: c_int,
    src: *const c_void,
    dst: *mut c_char,
    size: socklen_t,
) -> *const c_char {
    // The text is formatted where it stays until copied out (see `format::format_ipv4_into`).
    let mut text = AddressText::new();
    match af {
        _ if af != AF_INET && af != AF_INET6 => {
            set_errno(Errno(EAFNOSUPPORT));
            return core::ptr::null();
        }
        _ if src.is_null() => {
            set_errno(Errno(EINVAL));
            return core::ptr::null();
        }
        AF_INET => {
            // SAFETY: `src` points to a 4-byte address (caller's promise); no alignment is required.
            let address = unsafe { src.cast::<[u8; 4]>().read_unaligned() };
            format::format_ipv4_into(&mut text, address);
        }
        _ => {
            // SAFETY: `src` points to a 16-byte address (caller's promise).
            let address = unsafe { src.cast::<[u8; 16]>().read_unaligned() };
            format::format_ipv6_into(&mut text, address);
        }
    }
    let text = text.as_bytes();
    if text.len() >= size as usize {
        set_errno(Errno(ENOSPC));
        return core::ptr::null();
    }
    if dst.is_null() {
        set_errno(Errno(EINVAL));
        return core::ptr::null();
    }
    // SAFETY: `dst` has room for `size` > text.len() bytes (caller's promise).
    unsafe { write_c_text(dst, text) };
    dst
}

/// Writes `text` and a NUL at `dst`.
///
/// # Safety
/// `dst` must have room for `text.len() + 1` bytes.
unsafe fn write_c_text(dst: *mut c_char, text: &[u8]) {
    let dst = dst.cast::<u8>();
    // SAFETY: `dst` has room for the text and its NUL (caller's promise).
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), dst, text.len());
        *dst.add(text.len()) = 0;
    }
}

/// `inet_aton(cp, inp)` — converts IPv4 text in any of the numbers-and-dots forms to binary.
///
/// Accepts one to four parts in decimal, octal (leading 0) or hex (leading 0x), the last part filling
/// the remaining bytes ("127.1", "0x7f.1", "4294967295"); text after a whitespace byte is ignored.
/// Returns 1 and stores the address in `*inp` (if `inp` is not null), or 0. errno is left alone.
///
/// Differences from glibc: a null `cp` returns 0 where glibc crashes (docs/deviations.md).
///
/// # Safety
/// `cp` must be null or a NUL-terminated string; `inp` null or writable.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_aton.3.html)
#[no_mangle]
pub unsafe extern "C" fn inet_aton(cp: *const c_char, inp: *mut in_addr) -> c_int {
    // SAFETY: `cp` is null or a NUL-terminated string (caller's promise).
    let Some(address) = unsafe { c_text(cp) }.and_then(ipv4::parse_ipv4_legacy) else {
        return 0;
    };
    if !inp.is_null() {
        // SAFETY: `inp` is writable (caller's promise); in_addr may be unaligned in packed structs.
        unsafe {
            inp.write_unaligned(in_addr {
                s_addr: address.to_be(),
            })
        };
    }
    1
}

/// `inet_addr(cp)` — converts IPv4 text (as `inet_aton` reads it) to binary in network byte order.
///
/// Returns `INADDR_NONE` (all ones) for invalid text, which is also 255.255.255.255's value.
///
/// Differences from glibc: a null `cp` returns `INADDR_NONE` where glibc crashes
/// (docs/deviations.md).
///
/// # Safety
/// `cp` must be null or a NUL-terminated string.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_addr.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_addr.3.html)
#[no_mangle]
pub unsafe extern "C" fn inet_addr(cp: *const c_char) -> in_addr_t {
    // SAFETY: `cp` is null or a NUL-terminated string (caller's promise).
    match unsafe { c_text(cp) }.and_then(ipv4::parse_ipv4_legacy) {
        Some(address) => address.to_be(),
        None => INADDR_NONE,
    }
}

/// `inet_network(cp)` — converts a network number in numbers-and-dots text to a host-order value.
///
/// Up to four parts of 0..=255 (decimal, octal, "0x"/"x" hex) are packed without shifting ("10" is
/// 0x0a, "1.2" is 0x0102); trailing whitespace is allowed. Returns `INADDR_NONE` for invalid text.
///
/// Differences from glibc: a null `cp` returns `INADDR_NONE` where glibc crashes
/// (docs/deviations.md).
///
/// # Safety
/// `cp` must be null or a NUL-terminated string.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_network.3.html)
#[no_mangle]
pub unsafe extern "C" fn inet_network(cp: *const c_char) -> in_addr_t {
    // SAFETY: `cp` is null or a NUL-terminated string (caller's promise).
    unsafe { c_text(cp) }
        .and_then(ipv4::parse_network_number)
        .unwrap_or(INADDR_NONE)
}

/// The size of `inet_ntoa`'s buffer: the longest dotted quad and its NUL, as in glibc.
const NTOA_BUFFER_SIZE: usize = 18;

thread_local! {
    /// `inet_ntoa`'s result, one per thread.
    static NTOA_BUFFER: Cell<[u8; NTOA_BUFFER_SIZE]> = const { Cell::new([0; NTOA_BUFFER_SIZE]) };
}

/// `inet_ntoa(in)` — converts a binary IPv4 address to dotted-quad text in a per-thread buffer.
///
/// The returned string is overwritten by the thread's next call.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/inet_ntoa.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_ntoa.3.html)
#[no_mangle]
pub extern "C" fn inet_ntoa(r#in: in_addr) -> *mut c_char {
    // Formatted where it stays until copied out (see `format::format_ipv4_into`).
    let mut text = AddressText::new();
    format::format_ipv4_into(&mut text, r#in.s_addr.to_ne_bytes());
    NTOA_BUFFER.with(|buffer| {
        let buffer = buffer.as_ptr().cast::<c_char>();
        // SAFETY: the buffer holds 18 bytes, more than the longest dotted quad (15) and its NUL; it is
        // this thread's own.
        unsafe { write_c_text(buffer, text.as_bytes()) };
        buffer
    })
}

/// `inet_makeaddr(net, host)` — joins a class A, B or C network number and a host number.
///
/// Both are in host byte order; the result is in network byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_makeaddr.3.html)
#[no_mangle]
pub extern "C" fn inet_makeaddr(net: in_addr_t, host: in_addr_t) -> in_addr {
    in_addr {
        s_addr: classful::make_address(net, host).to_be(),
    }
}

/// `inet_lnaof(in)` — the host part of an address under its class (A, B or C), in host byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_lnaof.3.html)
#[no_mangle]
pub extern "C" fn inet_lnaof(r#in: in_addr) -> in_addr_t {
    classful::host_part(u32::from_be(r#in.s_addr))
}

/// `inet_netof(in)` — the network part of an address under its class (A, B or C), in host byte order.
///
/// Differences from glibc: none.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/inet_netof.3.html)
#[no_mangle]
pub extern "C" fn inet_netof(r#in: in_addr) -> in_addr_t {
    classful::network_part(u32::from_be(r#in.s_addr))
}
