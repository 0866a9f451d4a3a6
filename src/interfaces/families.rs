//! What glibc's `__check_pf` learns from one address dump: which families have a non-loopback address
//! (AI_ADDRCONFIG) and, per address, the facts the destination-sorting rules need.

use super::rtnl::{self, Address};
use crate::sys::netlink::{Dump, RouteSocket, RTM_GETADDR, RTM_NEWADDR};

const IFA_F_OPTIMISTIC: u8 = 0x04;
const IFA_F_HOMEADDRESS: u8 = 0x10;
const IFA_F_DEPRECATED: u8 = 0x20;

/// Which address families are configured, as AI_ADDRCONFIG sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfiguredFamilies {
    /// Some IPv4 address other than exactly 127.0.0.1 exists (127.0.0.2 counts).
    pub ipv4: bool,
    /// Some IPv6 address other than ::1 exists.
    pub ipv6: bool,
}

/// One local address as the sorting rules see it (glibc's `struct in6addrinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalAddress {
    /// The address; IPv4 ones as `::ffff:a.b.c.d`.
    pub address: [u8; 16],
    /// Deprecated or optimistic (RFC 6724 rule 3).
    pub deprecated: bool,
    /// A Mobile IPv6 home address (rule 4).
    pub home: bool,
    pub prefix_len: u8,
    pub index: u32,
}

/// The result of one address dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressTable {
    pub families: ConfiguredFamilies,
    /// Sorted by address. glibc keeps it only when an IPv6 address was seen, and so do we: without one
    /// the table is empty and sources get no flags, prefix length or interface.
    pub addresses: Vec<LocalAddress>,
}

impl AddressTable {
    /// Reads the table from the kernel; `None` when netlink fails (glibc then assumes both families).
    pub fn read() -> Option<AddressTable> {
        let mut socket = RouteSocket::open().ok()?;
        Some(AddressTable::from_dump(&socket.dump(RTM_GETADDR).ok()?))
    }

    /// Builds the table from an address dump.
    pub fn from_dump(dump: &Dump) -> AddressTable {
        let mut families = ConfiguredFamilies {
            ipv4: false,
            ipv6: false,
        };
        let mut addresses = Vec::new();
        for message in dump.messages().filter(|m| m.kind == RTM_NEWADDR) {
            let Some(header) = Address::parse(message.payload) else {
                continue;
            };
            let Some(local) = local_address(&header, &mut families) else {
                continue;
            };
            addresses.push(local);
        }
        if !families.ipv6 {
            addresses.clear();
        }
        // glibc's qsort is a stable merge sort; equal addresses keep the kernel's order.
        addresses.sort_by_key(|a| a.address);
        AddressTable {
            families,
            addresses,
        }
    }

    /// glibc's `bsearch` over the sorted table: the same probe sequence, so among equal addresses the
    /// same one is found.
    pub fn find(&self, address: &[u8; 16]) -> Option<&LocalAddress> {
        let (mut low, mut high) = (0, self.addresses.len());
        while low < high {
            let middle = (low + high) / 2;
            let candidate = &self.addresses[middle];
            match address.cmp(&candidate.address) {
                core::cmp::Ordering::Less => high = middle,
                core::cmp::Ordering::Greater => low = middle + 1,
                core::cmp::Ordering::Equal => return Some(candidate),
            }
        }
        None
    }
}

/// The address of one message: `IFA_ADDRESS` if present (it ends the search, as in glibc), else
/// `IFA_LOCAL`. Marks its family as configured unless it is exactly a loopback address.
fn local_address(header: &Address, families: &mut ConfiguredFamilies) -> Option<LocalAddress> {
    let family = i32::from(header.family);
    if family != libc::AF_INET && family != libc::AF_INET6 {
        return None;
    }
    let mut local = None;
    let mut address = None;
    for attribute in header.attributes() {
        match attribute.kind {
            rtnl::IFA_LOCAL => local = Some(attribute.data),
            rtnl::IFA_ADDRESS => {
                address = Some(attribute.data);
                break;
            }
            _ => {}
        }
    }
    let data = address.or(local)?;
    let mut mapped = [0u8; 16];
    if family == libc::AF_INET {
        let v4: [u8; 4] = data.get(..4)?.try_into().ok()?;
        families.ipv4 |= v4 != [127, 0, 0, 1];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&v4);
    } else {
        mapped = data.get(..16)?.try_into().ok()?;
        families.ipv6 |= mapped != std::net::Ipv6Addr::LOCALHOST.octets();
    }
    Some(LocalAddress {
        address: mapped,
        deprecated: header.flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC) != 0,
        home: header.flags & IFA_F_HOMEADDRESS != 0,
        prefix_len: header.prefix_len,
        index: header.index,
    })
}

/// Which address families AI_ADDRCONFIG considers configured. If the kernel cannot be asked, both
/// are, as in glibc.
pub fn configured_families() -> ConfiguredFamilies {
    AddressTable::read().map_or(
        ConfiguredFamilies {
            ipv4: true,
            ipv6: true,
        },
        |t| t.families,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::netlink::tests_support::dump_of;

    fn message(family: u8, flags: u8, index: u32, kind: u16, data: &[u8]) -> (u16, Vec<u8>) {
        let mut payload = vec![family, 24, flags, 0];
        payload.extend_from_slice(&index.to_ne_bytes());
        payload.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        payload.extend_from_slice(&kind.to_ne_bytes());
        payload.extend_from_slice(data);
        (RTM_NEWADDR, payload)
    }

    #[test]
    fn exactly_the_loopback_addresses_are_ignored() {
        let only_loopback = dump_of(&[
            message(2, 0, 1, rtnl::IFA_ADDRESS, &[127, 0, 0, 1]),
            message(
                10,
                0,
                1,
                rtnl::IFA_ADDRESS,
                &std::net::Ipv6Addr::LOCALHOST.octets(),
            ),
        ]);
        let table = AddressTable::from_dump(&only_loopback);
        assert_eq!(
            table.families,
            ConfiguredFamilies {
                ipv4: false,
                ipv6: false
            }
        );
        assert!(table.addresses.is_empty());
        let other_loopback = dump_of(&[message(2, 0, 1, rtnl::IFA_LOCAL, &[127, 0, 0, 2])]);
        assert!(AddressTable::from_dump(&other_loopback).families.ipv4);
    }

    #[test]
    fn table_is_kept_only_with_ipv6_and_sorted() {
        let mut global = [0u8; 16];
        global[0] = 0x20;
        global[15] = 1;
        let dump = dump_of(&[
            message(2, 0, 2, rtnl::IFA_ADDRESS, &[192, 0, 2, 1]),
            message(10, IFA_F_DEPRECATED, 2, rtnl::IFA_ADDRESS, &global),
        ]);
        let table = AddressTable::from_dump(&dump);
        assert_eq!(
            table.families,
            ConfiguredFamilies {
                ipv4: true,
                ipv6: true
            }
        );
        assert_eq!(table.addresses.len(), 2);
        assert_eq!(table.addresses[0].address[10..], [0xff, 0xff, 192, 0, 2, 1]);
        assert!(table.find(&global).unwrap().deprecated);
        assert!(table.find(&[0; 16]).is_none());
        let v4_only = dump_of(&[message(2, 0, 2, rtnl::IFA_ADDRESS, &[192, 0, 2, 1])]);
        assert!(AddressTable::from_dump(&v4_only).addresses.is_empty());
    }
}
