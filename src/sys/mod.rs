//! Raw system calls, the errno / h_errno slots, and what one library call shares: the change check
//! (`changes`), the environment (`env`) and the per-call scope that makes each of them once (`call`).
//!
//! Everything here talks to the kernel directly or to glibc's thread-local error slots: nothing calls a
//! libc function that netlibc itself exports (under `LD_PRELOAD` that would be ourselves).

pub mod call;
pub mod changes;
pub mod env;
pub mod errno;
pub mod lock;
pub mod netlink;
pub mod socket;
pub mod syscall;

pub use errno::{get_errno, get_h_errno, set_errno, set_h_errno, Errno};
