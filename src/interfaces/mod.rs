//! Network interfaces, as the kernel reports them over rtnetlink: getifaddrs' list in glibc's layout,
//! interface names and indexes, and what getaddrinfo needs (configured families for AI_ADDRCONFIG,
//! local address facts for destination sorting, the source address the kernel would pick).
//!
//! Safe code on Rust types; the C layout is described as an image ([`crate::interfaces::ifaddrs::Image`]) that
//! `abi::ifaddrs` copies into one malloc'ed block.

pub mod facts;
pub mod families;
pub mod ifaddrs;
pub mod names;
pub mod rtnl;
pub mod source;
pub mod watch;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::netlink::tests_support::{bytes_of, dump_from_bytes};

    /// Real dumps with bytes flipped, cut and lengths rewritten: parsing must never panic, and every
    /// pointer of the image must stay inside the block.
    #[test]
    fn mutated_dumps_never_break_the_image() {
        let mut socket = RouteSocket::open().unwrap();
        let links = bytes_of(&socket.dump(RTM_GETLINK).unwrap());
        let addresses = bytes_of(&socket.dump(RTM_GETADDR).unwrap());
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let (mut l, mut a) = (links.clone(), addresses.clone());
            for bytes in [&mut l, &mut a] {
                for _ in 0..(next() % 6) {
                    if bytes.is_empty() {
                        break;
                    }
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
                if next() % 4 == 0 {
                    let len = bytes.len();
                    bytes.truncate((next() as usize) % (len + 1));
                }
            }
            let image = match ifaddrs::build(&dump_from_bytes(l), &dump_from_bytes(a.clone())) {
                Ok(image) => image,
                Err(ifaddrs::Interrupted) => continue,
            };
            let size = image.entries.len() * ifaddrs::ENTRY_SIZE;
            for entry in &image.entries {
                for (_, target) in entry.pointers() {
                    match target {
                        ifaddrs::Target::Entry { entry, offset } => {
                            assert!(entry < image.entries.len() && offset < ifaddrs::ENTRY_SIZE)
                        }
                        ifaddrs::Target::Statistics { offset } => {
                            assert!(offset <= image.statistics.len(), "{offset} after {size}")
                        }
                    }
                }
            }
            let _ = AddressTable::from_dump(&dump_from_bytes(a));
        }
    }
}
