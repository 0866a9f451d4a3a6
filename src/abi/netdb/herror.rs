//! `herror` and `hstrerror`: h_errno as text, with glibc's strings.

use core::ffi::{c_char, c_int, CStr};

use crate::sys::errno::get_h_errno;
use crate::sys::syscall::syscall6;

/// glibc's message for an h_errno value (`resolv/herror.c`).
pub fn h_errno_message(value: c_int) -> &'static CStr {
    match value {
        i32::MIN..=-1 => c"Resolver internal error",
        0 => c"Resolver Error 0 (no error)",
        1 => c"Unknown host",
        2 => c"Host name lookup failure",
        3 => c"Unknown server error",
        4 => c"No address associated with name",
        _ => c"Unknown resolver error",
    }
}

/// `hstrerror(err)` — the message for an h_errno value.
///
/// Differences from glibc: none (the strings are not translated; glibc's are in the C locale too
/// unless a catalogue is installed).
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/hstrerror.3.html)
#[no_mangle]
pub extern "C" fn hstrerror(err: c_int) -> *const c_char {
    h_errno_message(err).as_ptr()
}

/// `herror(s)` — prints `s: ` (when `s` is neither NULL nor empty) and h_errno's message to standard
/// error, in one `writev`.
///
/// Differences from glibc: none.
///
/// # Safety
/// A non-null `s` is a C string.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/herror.3.html)
#[no_mangle]
pub unsafe extern "C" fn herror(s: *const c_char) {
    let message = h_errno_message(get_h_errno()).to_bytes();
    let iovec = |bytes: &[u8]| libc::iovec {
        iov_base: bytes.as_ptr() as *mut _,
        iov_len: bytes.len(),
    };
    let mut parts = Vec::with_capacity(4);
    if !s.is_null() {
        // SAFETY: non-null C string per the caller.
        let prefix = unsafe { CStr::from_ptr(s) }.to_bytes();
        if !prefix.is_empty() {
            parts.push(iovec(prefix));
            parts.push(iovec(b": "));
        }
    }
    parts.push(iovec(message));
    parts.push(iovec(b"\n"));
    // SAFETY: every iovec points to live memory of its length for the duration of the call.
    unsafe {
        syscall6(
            libc::SYS_writev as usize,
            2,
            parts.as_ptr() as usize,
            parts.len(),
            0,
            0,
            0,
        )
    };
}
