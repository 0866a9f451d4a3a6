//! `<netdb.h>`: `gai_strerror` (kept apart from the rest of the header until the lead merges it in).

use core::ffi::{c_char, c_int};

use crate::lookup::errors::gai_error_message;

/// `gai_strerror(errcode)` — the message for a getaddrinfo / getnameinfo error code.
///
/// Differences from glibc: the messages are glibc 2.36's English ones whatever the locale (glibc
/// translates them through gettext when a translation is installed); see docs/deviations.md.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/gai_strerror.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/gai_strerror.3.html)
#[no_mangle]
pub extern "C" fn gai_strerror(errcode: c_int) -> *const c_char {
    gai_error_message(errcode).as_ptr()
}
