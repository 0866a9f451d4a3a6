//! `<arpa/inet.h>`: byte order and address text conversions.

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
