//! The files databases: hosts, services, protocols and networks, parsed once and cached, with a cheap
//! change check on every lookup (the call's one inotify look, a `stat` once a second; `cache`).
//!
//! Each database module parses its file exactly as glibc's `nss_files` does (on bytes, with glibc's
//! quirks), keeps the entries in file order with hash indexes for the lookups, and remembers what
//! glibc's `_r` functions would need in the caller's buffer, so that the ABI layer can answer `ERANGE`
//! exactly when glibc does.

pub mod addr;
pub mod cache;
pub mod hash;
pub mod host_aliases;
pub mod host_conf;
pub mod hosts;
pub mod networks;
pub mod protocols;
pub mod record;
pub mod services;
pub mod text;
