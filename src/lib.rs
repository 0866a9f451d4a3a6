//! netlibc — the networking half of a C library, written in Rust.
//!
//! The shared library exports, with glibc's C ABI on x86_64 Linux, the sockets and name-resolution API.
//! The crate is laid out so that a C programmer finds a function under its header, and a Rust reader
//! finds the logic in a safe module below it:
//!
//! - [`abi`] is the C ABI, one module per C header (`arpa/inet.h` → [`abi::arpa_inet`], `sys/socket.h`
//!   → [`abi::sys_socket`], …). It is the only place with `#[no_mangle]` functions and raw pointers: it
//!   turns C arguments into Rust values, calls the core, and writes results, errno and h_errno back.
//! - [`lookup`] holds the getaddrinfo / getnameinfo logic: source order, sorting, result packing.
//! - [`db`] parses the hosts, services, protocols and networks files and caches them, checking for
//!   changes on each call.
//! - [`dns`] is the stub resolver: resolv.conf, the wire codec, transport, and the TTL cache.
//! - [`inet`] converts addresses between text and binary (pure functions, no I/O).
//! - [`interfaces`] reads links and addresses over rtnetlink: getifaddrs' list in glibc's layout,
//!   interface names and indexes, and AI_ADDRCONFIG's view of the configured families.
//! - [`sys`] makes raw system calls and reaches glibc's errno and h_errno slots.
//! - [`trace`] writes `NETLIBC_TRACE` lines (one per lookup and socket call).
//!
//! Data flows one way: `abi` → `lookup` → `db` / `dns` → `sys`. Nothing below `abi` knows C exists.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod db;
pub mod dns;
pub mod inet;
/// Network interfaces over rtnetlink: getifaddrs' list, names and indexes, AI_ADDRCONFIG's families.
pub mod interfaces;
pub mod lookup;
pub mod sys;
pub mod trace;
