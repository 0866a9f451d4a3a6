//! Network interfaces, as the kernel reports them over rtnetlink: getifaddrs' list in glibc's layout,
//! interface names and indexes, and what getaddrinfo needs (configured families for AI_ADDRCONFIG,
//! local address facts for destination sorting, the source address the kernel would pick).
//!
//! Safe code on Rust types; the C layout is described as an image ([`ifaddrs::Image`]) that
//! `abi::ifaddrs` copies into one malloc'ed block.

pub mod families;
pub mod ifaddrs;
pub mod names;
pub mod rtnl;
pub mod source;

pub use families::{configured_families, AddressTable, ConfiguredFamilies, LocalAddress};

use crate::sys::netlink::{RouteSocket, RTM_GETADDR, RTM_GETLINK};
use crate::sys::Errno;

/// How often a list is rebuilt when the interfaces keep changing under the dumps; glibc retries
/// forever, a bound keeps a flapping link from hanging the caller (then `EAGAIN`).
const REBUILD_ATTEMPTS: usize = 64;

/// getifaddrs' list as an image of glibc's block: a link dump and an address dump on one socket,
/// rebuilt when a dump was interrupted by a change.
pub fn interface_list() -> Result<ifaddrs::Image, Errno> {
    for _ in 0..REBUILD_ATTEMPTS {
        let mut socket = RouteSocket::open()?;
        let links = socket.dump(RTM_GETLINK)?;
        let addresses = socket.dump(RTM_GETADDR)?;
        if let Ok(image) = ifaddrs::build(&links, &addresses) {
            return Ok(image);
        }
    }
    Err(Errno(libc::EAGAIN))
}
