//! errno and h_errno, written to glibc's own thread-local slots.
//!
//! errno goes through `__errno_location`; h_errno through glibc's `__h_errno_location`. netlibc must not
//! export either: a second h_errno splits the program's view from glibc's (see
//! shared/glibc-behaviour.md, A2).

use core::ffi::c_int;

/// An errno value (`EINVAL`, `ENOSPC`…), as the kernel and glibc number them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub c_int);

extern "C" {
    /// glibc's accessor of the calling thread's h_errno (`netdb.h` defines `h_errno` through it).
    fn __h_errno_location() -> *mut c_int;
}

/// Sets the calling thread's errno.
pub fn set_errno(errno: Errno) {
    // SAFETY: `__errno_location` returns a valid pointer to the calling thread's errno for the life of
    // the thread.
    unsafe { *libc::__errno_location() = errno.0 };
}

/// Reads the calling thread's errno.
pub fn get_errno() -> Errno {
    // SAFETY: as in `set_errno`.
    Errno(unsafe { *libc::__errno_location() })
}

/// Sets the calling thread's h_errno, in glibc's slot.
pub fn set_h_errno(value: c_int) {
    // SAFETY: glibc's `__h_errno_location` returns a valid pointer to the calling thread's h_errno.
    unsafe { *__h_errno_location() = value };
}

/// Reads the calling thread's h_errno, from glibc's slot.
pub fn get_h_errno() -> c_int {
    // SAFETY: as in `set_h_errno`.
    unsafe { *__h_errno_location() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_round_trips() {
        set_errno(Errno(libc::ENOSPC));
        assert_eq!(get_errno(), Errno(libc::ENOSPC));
        set_errno(Errno(0));
        assert_eq!(get_errno(), Errno(0));
    }

    #[test]
    fn h_errno_round_trips() {
        set_h_errno(3);
        assert_eq!(get_h_errno(), 3);
        set_h_errno(0);
        assert_eq!(get_h_errno(), 0);
    }
}
