//! The fixed headers of rtnetlink link and address messages (`struct ifinfomsg`, `struct ifaddrmsg`),
//! read from checked byte slices.

use crate::sys::netlink::{attributes, Attributes};

/// `IFLA_ADDRESS`: the link-layer address.
pub(crate) const IFLA_ADDRESS: u16 = 1;
/// `IFLA_BROADCAST`: the link-layer broadcast address.
pub(crate) const IFLA_BROADCAST: u16 = 2;
/// `IFLA_IFNAME`: the interface name, NUL included.
pub(crate) const IFLA_IFNAME: u16 = 3;
/// `IFLA_STATS`: `struct rtnl_link_stats`.
pub(crate) const IFLA_STATS: u16 = 7;
/// `IFA_ADDRESS`: the address (the peer's, on point-to-point links).
pub(crate) const IFA_ADDRESS: u16 = 1;
/// `IFA_LOCAL`: the local address.
pub(crate) const IFA_LOCAL: u16 = 2;
/// `IFA_LABEL`: the address label (an alias name such as `eth0:1`).
pub(crate) const IFA_LABEL: u16 = 3;
/// `IFA_BROADCAST`: the broadcast address.
pub(crate) const IFA_BROADCAST: u16 = 4;

const IFINFOMSG_LEN: usize = 16;
const IFADDRMSG_LEN: usize = 8;

/// One `RTM_NEWLINK` message: `struct ifinfomsg` and its attributes.
#[derive(Clone, Copy, Debug)]
pub struct Link<'a> {
    pub index: i32,
    pub hardware_type: u16,
    pub flags: u32,
    attributes: &'a [u8],
}

impl<'a> Link<'a> {
    /// Reads a link message's payload; `None` if it is shorter than `struct ifinfomsg`.
    pub fn parse(payload: &'a [u8]) -> Option<Link<'a>> {
        let header = payload.get(..IFINFOMSG_LEN)?;
        Some(Link {
            hardware_type: u16::from_ne_bytes([header[2], header[3]]),
            index: i32::from_ne_bytes([header[4], header[5], header[6], header[7]]),
            flags: u32::from_ne_bytes([header[8], header[9], header[10], header[11]]),
            attributes: payload.get(IFINFOMSG_LEN..).unwrap_or(&[]),
        })
    }

    pub fn attributes(&self) -> Attributes<'a> {
        attributes(self.attributes)
    }

    /// The interface name (`IFLA_IFNAME`), without its NUL.
    pub fn name(&self) -> Option<&'a [u8]> {
        let raw = self.attributes().find(|a| a.kind == IFLA_IFNAME)?.data;
        Some(raw.split(|&b| b == 0).next().unwrap_or(raw))
    }
}

/// One `RTM_NEWADDR` message: `struct ifaddrmsg` and its attributes.
#[derive(Clone, Copy, Debug)]
pub struct Address<'a> {
    pub family: u8,
    pub prefix_len: u8,
    pub flags: u8,
    pub index: u32,
    attributes: &'a [u8],
}

impl<'a> Address<'a> {
    /// Reads an address message's payload; `None` if it is shorter than `struct ifaddrmsg`.
    pub fn parse(payload: &'a [u8]) -> Option<Address<'a>> {
        let header = payload.get(..IFADDRMSG_LEN)?;
        Some(Address {
            family: header[0],
            prefix_len: header[1],
            flags: header[2],
            index: u32::from_ne_bytes([header[4], header[5], header[6], header[7]]),
            attributes: payload.get(IFADDRMSG_LEN..).unwrap_or(&[]),
        })
    }

    pub fn attributes(&self) -> Attributes<'a> {
        attributes(self.attributes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_headers_are_rejected() {
        assert!(Link::parse(&[0; 15]).is_none());
        assert!(Address::parse(&[0; 7]).is_none());
    }

    #[test]
    fn link_header_and_name() {
        let mut payload = vec![0u8, 0, 1, 0, 7, 0, 0, 0, 0x49, 0x10, 0, 0, 0, 0, 0, 0];
        payload.extend_from_slice(&[8, 0, 3, 0, b'e', b't', b'h', 0]);
        let link = Link::parse(&payload).unwrap();
        assert_eq!((link.index, link.hardware_type, link.flags), (7, 1, 0x1049));
        assert_eq!(link.name(), Some(&b"eth"[..]));
    }

    #[test]
    fn address_header() {
        let address = Address::parse(&[10, 64, 0x80, 0, 3, 0, 0, 0]).unwrap();
        assert_eq!(
            (
                address.family,
                address.prefix_len,
                address.flags,
                address.index
            ),
            (10, 64, 0x80, 3)
        );
        assert_eq!(address.attributes().count(), 0);
    }
}
