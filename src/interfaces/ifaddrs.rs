//! getifaddrs' result, laid out byte for byte as glibc 2.36 lays it out, without a raw pointer.
//!
//! glibc allocates one zeroed block: `newlink + newaddr` entries of `struct ifaddrs_storage` (a
//! `struct ifaddrs`, three 36-byte sockaddr unions for address, netmask and broadcast/peer, and a
//! 17-byte name), followed by the links' `struct rtnl_link_stats`. Links come first, in the kernel's
//! order, then addresses in the kernel's order (IPv4, then IPv6). `freeifaddrs` is a single `free`, so a
//! list built here in the same layout can be freed by either library.
//!
//! [`build`] replays glibc's construction on an image of that block: the bytes of each entry, plus for
//! every pointer field the place it points to. The ABI layer turns the image into C memory.

use super::rtnl::{self, Address, Link};
use crate::sys::netlink::{Dump, NLM_F_DUMP_INTR, RTM_NEWADDR, RTM_NEWLINK};

/// `sizeof (struct ifaddrs_storage)` in glibc 2.36 on x86_64.
pub(crate) const ENTRY_SIZE: usize = 184;
/// Byte offsets of the pointer fields of `struct ifaddrs`.
pub(crate) const NEXT: usize = 0;
pub(crate) const NAME: usize = 8;
pub(crate) const FLAGS: usize = 16;
pub(crate) const ADDR: usize = 24;
pub(crate) const NETMASK: usize = 32;
pub(crate) const BROADADDR: usize = 40;
pub(crate) const DATA: usize = 48;
/// Byte offsets of the storage behind them.
pub(crate) const ADDR_STORAGE: usize = 56;
pub(crate) const NETMASK_STORAGE: usize = 92;
pub(crate) const BROADADDR_STORAGE: usize = 128;
pub(crate) const NAME_STORAGE: usize = 164;
const SOCKADDR_STORAGE_SIZE: usize = 36;
const NAME_STORAGE_SIZE: usize = 17;
/// `sockaddr_ll`'s `sll_addr` offset, where glibc copies a hardware address.
const SLL_ADDR: usize = 12;

const AF_INET: u16 = libc::AF_INET as u16;
const AF_INET6: u16 = libc::AF_INET6 as u16;
const AF_PACKET: u16 = libc::AF_PACKET as u16;

/// Where a pointer field points: a byte of some entry, or a byte of the statistics area after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Entry { entry: usize, offset: usize },
    Statistics { offset: usize },
}

/// One `struct ifaddrs_storage`: its bytes (pointer fields left zero) and its pointer fields.
#[derive(Clone, Debug)]
pub struct Entry {
    pub bytes: [u8; ENTRY_SIZE],
    /// The pointer fields' targets, indexed by the field's offset / 8; absent fields are NULL.
    targets: [Option<Target>; 7],
}

impl Entry {
    fn new() -> Entry {
        Entry {
            bytes: [0; ENTRY_SIZE],
            targets: [None; 7],
        }
    }

    /// The non-NULL pointer fields, as `(offset of the field, target)`.
    pub fn pointers(&self) -> impl Iterator<Item = (usize, Target)> + '_ {
        let fields = self.targets.iter().enumerate();
        fields.filter_map(|(slot, target)| target.map(|t| (slot * 8, t)))
    }

    fn pointer(&self, field: usize) -> Option<Target> {
        self.targets[field / 8]
    }

    fn set_pointer(&mut self, field: usize, target: Target) {
        self.targets[field / 8] = Some(target);
    }

    /// Copies `bytes` at `offset`; glibc's bounds checks keep every copy inside the entry.
    fn put(&mut self, offset: usize, bytes: &[u8]) {
        if let Some(place) = self.bytes.get_mut(offset..offset + bytes.len()) {
            place.copy_from_slice(bytes);
        }
    }

    fn u16_at(&self, offset: usize) -> u16 {
        u16::from_ne_bytes([self.bytes[offset], self.bytes[offset + 1]])
    }

    fn flags(&self) -> u32 {
        let b = &self.bytes;
        u32::from_ne_bytes([b[FLAGS], b[FLAGS + 1], b[FLAGS + 2], b[FLAGS + 3]])
    }

    fn zero(&mut self, offset: usize, len: usize) {
        self.bytes[offset..offset + len].fill(0);
    }
}

/// The whole block: entries, then the statistics area. The list starts at entry 0.
#[derive(Clone, Debug, Default)]
pub struct Image {
    pub entries: Vec<Entry>,
    pub statistics: Vec<u8>,
}

/// The link or address dump changed while it was read: glibc starts over.
#[derive(Debug, PartialEq, Eq)]
pub struct Interrupted;

/// Builds glibc's list from a link dump and an address dump; an empty image means no entry at all.
pub fn build(links: &Dump, addresses: &Dump) -> Result<Image, Interrupted> {
    let messages = || links.messages().chain(addresses.messages());
    if messages().any(|m| m.flags & NLM_F_DUMP_INTR != 0) {
        return Err(Interrupted);
    }
    let link_count = messages().filter(|m| m.kind == RTM_NEWLINK).count();
    let address_count = messages().filter(|m| m.kind == RTM_NEWADDR).count();
    let mut builder = Builder {
        image: Image {
            entries: vec![Entry::new(); link_count + address_count],
            statistics: Vec::new(),
        },
        link_slots: vec![None; link_count],
        addresses_done: 0,
    };
    for message in messages() {
        match message.kind {
            RTM_NEWLINK => builder.add_link(message.payload)?,
            RTM_NEWADDR => builder.add_address(message.payload)?,
            _ => {}
        }
    }
    builder.link_holes_to_addresses();
    Ok(builder.image)
}

struct Builder {
    image: Image,
    /// Which kernel interface (index − 1, as glibc keys it) each of the first entries holds.
    link_slots: Vec<Option<u32>>,
    addresses_done: usize,
}

impl Builder {
    /// glibc's `map_newlink`: the entry of an interface, given one in order of first sight.
    fn slot_of(&mut self, key: u32) -> Result<usize, Interrupted> {
        for i in 0..self.link_slots.len() {
            match self.link_slots[i] {
                None => {
                    self.link_slots[i] = Some(key);
                    if i > 0 {
                        self.link_to(i - 1, i);
                    }
                    return Ok(i);
                }
                Some(k) if k == key => return Ok(i),
                Some(_) => {}
            }
        }
        Err(Interrupted)
    }

    fn link_to(&mut self, from: usize, to: usize) {
        if let Some(entry) = self.image.entries.get_mut(from) {
            entry.set_pointer(
                NEXT,
                Target::Entry {
                    entry: to,
                    offset: 0,
                },
            );
        }
    }

    fn add_link(&mut self, payload: &[u8]) -> Result<(), Interrupted> {
        let Some(link) = Link::parse(payload) else {
            return Ok(());
        };
        let slot = self.slot_of((link.index as u32).wrapping_sub(1))?;
        let statistics_offset = self.image.statistics.len();
        let mut new_statistics = Vec::new();
        let entry = &mut self.image.entries[slot];
        entry.put(FLAGS, &link.flags.to_ne_bytes());
        for attribute in link.attributes() {
            let data = attribute.data;
            match attribute.kind {
                rtnl::IFLA_ADDRESS | rtnl::IFLA_BROADCAST
                    if data.len() <= SOCKADDR_STORAGE_SIZE =>
                {
                    let (field, storage) = if attribute.kind == rtnl::IFLA_ADDRESS {
                        (ADDR, ADDR_STORAGE)
                    } else {
                        (BROADADDR, BROADADDR_STORAGE)
                    };
                    entry.put(storage, &AF_PACKET.to_ne_bytes());
                    entry.put(storage + SLL_ADDR, data);
                    entry.put(storage + 11, &[data.len() as u8]);
                    entry.put(storage + 4, &link.index.to_ne_bytes());
                    entry.put(storage + 8, &link.hardware_type.to_ne_bytes());
                    entry.set_pointer(
                        field,
                        Target::Entry {
                            entry: slot,
                            offset: storage,
                        },
                    );
                }
                rtnl::IFLA_IFNAME if data.len() < NAME_STORAGE_SIZE => {
                    entry.put(NAME_STORAGE, data);
                    entry.put(NAME_STORAGE + data.len(), &[0]);
                    entry.set_pointer(
                        NAME,
                        Target::Entry {
                            entry: slot,
                            offset: NAME_STORAGE,
                        },
                    );
                }
                rtnl::IFLA_STATS => {
                    let offset = statistics_offset + new_statistics.len();
                    entry.set_pointer(DATA, Target::Statistics { offset });
                    new_statistics.extend_from_slice(data);
                }
                _ => {}
            }
        }
        self.image.statistics.extend_from_slice(&new_statistics);
        Ok(())
    }

    fn add_address(&mut self, payload: &[u8]) -> Result<(), Interrupted> {
        let Some(address) = Address::parse(payload) else {
            return Ok(());
        };
        let key = address.index.wrapping_sub(1);
        let slot = self.link_slots.len() + self.addresses_done;
        let link_slot = self.slot_of(key)?;
        let link_flags = self.image.entries[link_slot].flags();
        self.image.entries[slot].put(FLAGS, &link_flags.to_ne_bytes());
        if slot > 0 {
            self.link_to(slot - 1, slot);
        }
        self.addresses_done += 1;

        let entry = &mut self.image.entries[slot];
        for attribute in address.attributes() {
            apply_address_attribute(entry, slot, &address, attribute.kind, attribute.data);
        }
        if entry.pointer(NAME).is_none() {
            let link_slot = self.slot_of(key)?;
            if let Some(name) = self.image.entries[link_slot].pointer(NAME) {
                self.image.entries[slot].set_pointer(NAME, name);
            }
        }
        set_netmask(&mut self.image.entries[slot], slot, address.prefix_len);
        Ok(())
    }

    /// glibc points the entry before each never-filled link entry at the first address entry.
    fn link_holes_to_addresses(&mut self) {
        if self.addresses_done == 0 {
            return;
        }
        let first_address = self.link_slots.len();
        for i in 1..self.link_slots.len() {
            if self.link_slots[i].is_none() {
                self.link_to(i - 1, first_address);
            }
        }
    }
}

/// One attribute of an address message, applied as glibc does (including its point-to-point dance:
/// a second address moves the first into the broadcast/peer slot).
fn apply_address_attribute(
    entry: &mut Entry,
    slot: usize,
    address: &Address,
    kind: u16,
    data: &[u8],
) {
    let here = |offset| Target::Entry {
        entry: slot,
        offset,
    };
    match kind {
        rtnl::IFA_ADDRESS => {
            let storage = if entry.pointer(ADDR).is_some() {
                entry.set_pointer(BROADADDR, here(BROADADDR_STORAGE));
                BROADADDR_STORAGE
            } else {
                entry.set_pointer(ADDR, here(ADDR_STORAGE));
                ADDR_STORAGE
            };
            write_sockaddr(entry, storage, address, data);
        }
        rtnl::IFA_LOCAL => {
            if entry.pointer(ADDR).is_some() {
                let mut saved = [0u8; SOCKADDR_STORAGE_SIZE];
                saved.copy_from_slice(
                    &entry.bytes[ADDR_STORAGE..ADDR_STORAGE + SOCKADDR_STORAGE_SIZE],
                );
                entry.put(BROADADDR_STORAGE, &saved);
                entry.set_pointer(BROADADDR, here(BROADADDR_STORAGE));
                entry.zero(ADDR_STORAGE, SOCKADDR_STORAGE_SIZE);
            }
            entry.set_pointer(ADDR, here(ADDR_STORAGE));
            write_sockaddr(entry, ADDR_STORAGE, address, data);
        }
        rtnl::IFA_BROADCAST => {
            if entry.pointer(BROADADDR).is_some() {
                entry.zero(BROADADDR_STORAGE, SOCKADDR_STORAGE_SIZE);
            }
            entry.set_pointer(BROADADDR, here(BROADADDR_STORAGE));
            write_sockaddr(entry, BROADADDR_STORAGE, address, data);
        }
        // glibc aborts on a label longer than a name; the kernel never sends one, so it is ignored.
        rtnl::IFA_LABEL if data.len() < NAME_STORAGE_SIZE => {
            entry.put(NAME_STORAGE, data);
            entry.put(NAME_STORAGE + data.len(), &[0]);
            entry.set_pointer(NAME, here(NAME_STORAGE));
        }
        _ => {}
    }
}

/// Fills a sockaddr of the message's family; IPv6 link-local (and link-local multicast) addresses get
/// the interface as their scope id. Payloads of the wrong size leave the address zero, as in glibc.
fn write_sockaddr(entry: &mut Entry, storage: usize, address: &Address, data: &[u8]) {
    let family = u16::from(address.family);
    entry.put(storage, &family.to_ne_bytes());
    match family {
        AF_INET if data.len() == 4 => entry.put(storage + 4, data),
        AF_INET6 if data.len() == 16 => {
            entry.put(storage + 8, data);
            let link_local = data[0] == 0xfe && data[1] & 0xc0 == 0x80;
            let multicast_link_local = data[0] == 0xff && data[1] & 0x0f == 0x2;
            if link_local || multicast_link_local {
                entry.put(storage + 24, &address.index.to_ne_bytes());
            }
        }
        AF_INET | AF_INET6 => {}
        _ if data.len() <= SOCKADDR_STORAGE_SIZE => entry.put(storage + 2, data),
        _ => {}
    }
}

/// The netmask of an address entry, from the prefix length (capped at the family's address size).
fn set_netmask(entry: &mut Entry, slot: usize, prefix_len: u8) {
    if entry.pointer(ADDR).is_none() {
        return;
    }
    let family = entry.u16_at(ADDR_STORAGE);
    if family == 0 || family == AF_PACKET {
        return;
    }
    entry.set_pointer(
        NETMASK,
        Target::Entry {
            entry: slot,
            offset: NETMASK_STORAGE,
        },
    );
    entry.put(NETMASK_STORAGE, &family.to_ne_bytes());
    let (start, max_bits) = match family {
        AF_INET => (NETMASK_STORAGE + 4, 32),
        AF_INET6 => (NETMASK_STORAGE + 8, 128),
        _ => return,
    };
    let bits = usize::from(prefix_len).min(max_bits);
    entry.bytes[start..start + bits / 8].fill(0xff);
    if bits % 8 != 0 {
        entry.bytes[start + bits / 8] = 0xffu8 << (8 - bits % 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::netlink::tests_support::dump_of;

    fn attribute(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = ((4 + data.len()) as u16).to_ne_bytes().to_vec();
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(data);
        bytes.resize((bytes.len() + 3) & !3, 0);
        bytes
    }

    fn link(index: i32, flags: u32, attributes: &[Vec<u8>]) -> Vec<u8> {
        let mut payload = vec![0u8, 0, 1, 0];
        payload.extend_from_slice(&index.to_ne_bytes());
        payload.extend_from_slice(&flags.to_ne_bytes());
        payload.extend_from_slice(&[0; 4]);
        attributes.iter().for_each(|a| payload.extend_from_slice(a));
        payload
    }

    fn address(family: u8, prefix: u8, index: u32, attributes: &[Vec<u8>]) -> Vec<u8> {
        let mut payload = vec![family, prefix, 0, 0];
        payload.extend_from_slice(&index.to_ne_bytes());
        attributes.iter().for_each(|a| payload.extend_from_slice(a));
        payload
    }

    fn sockaddr_bytes(entry: &Entry, storage: usize) -> &[u8] {
        &entry.bytes[storage..storage + SOCKADDR_STORAGE_SIZE]
    }

    #[test]
    fn links_then_addresses_with_netmask_and_peer() {
        let links = dump_of(&[(
            RTM_NEWLINK,
            link(
                1,
                0x49,
                &[
                    attribute(rtnl::IFLA_IFNAME, b"lo\0"),
                    attribute(rtnl::IFLA_ADDRESS, &[0; 6]),
                    attribute(7, &[9; 8]),
                ],
            ),
        )]);
        let addresses = dump_of(&[(
            RTM_NEWADDR,
            address(
                2,
                8,
                1,
                &[
                    attribute(rtnl::IFA_ADDRESS, &[127, 0, 0, 9]),
                    attribute(rtnl::IFA_LOCAL, &[127, 0, 0, 1]),
                ],
            ),
        )]);
        let image = build(&links, &addresses).unwrap();
        assert_eq!(image.entries.len(), 2);
        assert_eq!(image.statistics, vec![9; 8]);
        let (lo, v4) = (&image.entries[0], &image.entries[1]);
        assert_eq!(
            lo.pointer(NEXT),
            Some(Target::Entry {
                entry: 1,
                offset: 0
            })
        );
        assert_eq!(lo.pointer(DATA), Some(Target::Statistics { offset: 0 }));
        assert_eq!(&lo.bytes[NAME_STORAGE..NAME_STORAGE + 3], b"lo\0");
        assert_eq!(lo.u16_at(ADDR_STORAGE), AF_PACKET);
        assert_eq!(lo.bytes[ADDR_STORAGE + 11], 6, "sll_halen");
        assert_eq!(v4.flags(), 0x49, "an address entry takes its link's flags");
        assert_eq!(
            v4.pointer(NAME),
            Some(Target::Entry {
                entry: 0,
                offset: NAME_STORAGE
            })
        );
        assert_eq!(
            &sockaddr_bytes(v4, ADDR_STORAGE)[..8],
            &[2, 0, 0, 0, 127, 0, 0, 1]
        );
        assert_eq!(
            &sockaddr_bytes(v4, BROADADDR_STORAGE)[..8],
            &[2, 0, 0, 0, 127, 0, 0, 9],
            "peer moved"
        );
        assert_eq!(
            &sockaddr_bytes(v4, NETMASK_STORAGE)[..8],
            &[2, 0, 0, 0, 255, 0, 0, 0]
        );
        assert_eq!(v4.pointer(NEXT), None);
    }

    #[test]
    fn ipv6_link_local_gets_scope_and_odd_prefix() {
        let links = dump_of(&[(
            RTM_NEWLINK,
            link(3, 0, &[attribute(rtnl::IFLA_IFNAME, b"eth0\0")]),
        )]);
        let mut fe80 = [0u8; 16];
        fe80[0] = 0xfe;
        fe80[1] = 0x80;
        fe80[15] = 1;
        let addresses = dump_of(&[(
            RTM_NEWADDR,
            address(10, 61, 3, &[attribute(rtnl::IFA_ADDRESS, &fe80)]),
        )]);
        let image = build(&links, &addresses).unwrap();
        let v6 = &image.entries[1];
        assert_eq!(&v6.bytes[ADDR_STORAGE + 8..ADDR_STORAGE + 24], &fe80);
        assert_eq!(
            &v6.bytes[ADDR_STORAGE + 24..ADDR_STORAGE + 28],
            &3u32.to_ne_bytes()
        );
        let mask = &v6.bytes[NETMASK_STORAGE + 8..NETMASK_STORAGE + 24];
        assert_eq!(mask[..7], [0xff; 7]);
        assert_eq!(mask[7], 0xf8);
        assert_eq!(mask[8..], [0; 8]);
        assert_eq!(v6.pointer(BROADADDR), None);
    }

    #[test]
    fn address_of_unknown_interface_restarts_when_no_slot_is_free() {
        let links = dump_of(&[(RTM_NEWLINK, link(1, 0, &[]))]);
        let addresses = dump_of(&[(RTM_NEWADDR, address(2, 8, 5, &[]))]);
        assert_eq!(build(&links, &addresses).unwrap_err(), Interrupted);
    }

    #[test]
    fn interrupted_dump_restarts() {
        let links = crate::sys::netlink::tests_support::dump_with_flags(&[(
            RTM_NEWLINK,
            NLM_F_DUMP_INTR,
            link(1, 0, &[]),
        )]);
        assert_eq!(build(&links, &Dump::default()).unwrap_err(), Interrupted);
    }

    #[test]
    fn nothing_gives_an_empty_image() {
        let image = build(&Dump::default(), &Dump::default()).unwrap();
        assert!(image.entries.is_empty());
    }

    #[test]
    fn truncated_headers_are_skipped_but_still_counted() {
        let links = dump_of(&[(RTM_NEWLINK, vec![0; 4]), (RTM_NEWLINK, link(2, 1, &[]))]);
        let image = build(&links, &Dump::default()).unwrap();
        assert_eq!(image.entries.len(), 2);
        assert_eq!(image.entries[0].flags(), 1);
    }
}
