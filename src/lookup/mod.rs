//! getaddrinfo / getnameinfo logic: hints checks, service and socket-type tuples, numeric hosts, the
//! name sources in nsswitch order with glibc's error mapping, destination sorting, reverse lookups.
//!
//! Everything here is safe Rust on Rust values. The lookups themselves (hosts file, DNS, services
//! file, interfaces, sorting) are reached through the [`sources::NameSources`] trait, so the logic is
//! unit-tested with test doubles; [`system::SystemSources`] is the real implementation the C ABI uses.
//! The result of a getaddrinfo is a [`getaddrinfo::Resolution`]: addresses × service tuples, which
//! `abi::netdb::addrinfo` packs into glibc's memory layout.

pub mod constants;
pub mod destinations;
pub mod errors;
pub mod gai_conf;
pub mod gai_error;
pub mod getaddrinfo;
pub mod getnameinfo;
mod hosts_file;
pub mod idna;
pub mod literal;
pub mod memo;
pub mod service;
mod services_file;
pub mod sort;
pub mod sources;
pub mod system;

#[cfg(test)]
pub(crate) mod test_sources;
