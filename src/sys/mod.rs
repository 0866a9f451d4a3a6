//! Raw system calls and the errno / h_errno slots.
//!
//! Everything here talks to the kernel directly or to glibc's thread-local error slots: nothing calls a
//! libc function that netlibc itself exports (under `LD_PRELOAD` that would be ourselves).

pub mod errno;
pub mod lock;
pub mod netlink;
pub mod socket;
pub mod syscall;

pub use errno::{get_errno, get_h_errno, set_errno, set_h_errno, Errno};
