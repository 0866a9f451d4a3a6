//! What getaddrinfo and getnameinfo need from the rest of the library, as one trait: the hosts
//! sources in nsswitch order (files, DNS) with NSS-style statuses, the services database, the
//! interfaces, and destination sorting. The logic is written against this trait so that it is
//! unit-tested with doubles; `system::SystemSources` is the real one.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where host names come from, as the `hosts:` line of nsswitch.conf lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostSource {
    Files,
    Dns,
}

/// The status an NSS module returns (`NSS_STATUS_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NssStatus {
    Success,
    NotFound,
    Unavail,
    TryAgain,
}

/// One entry of the `hosts:` line: the source, and for which statuses the lookup stops there
/// (`[NOTFOUND=return]`…). The default stops only on success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NssEntry {
    pub source: HostSource,
    /// Indexed by status: Success, NotFound, Unavail, TryAgain.
    pub return_on: [bool; 4],
}

impl NssEntry {
    /// An entry with nsswitch's default actions.
    pub const fn new(source: HostSource) -> NssEntry {
        NssEntry {
            source,
            return_on: [true, false, false, false],
        }
    }

    /// Whether the lookup ends after this source returned `status`.
    pub fn returns_on(&self, status: NssStatus) -> bool {
        self.return_on[status as usize]
    }
}

/// Which addresses a forward lookup asks a source for: `gethostbyname4_r` (both), or
/// `gethostbyname3_r` for one family. For `V4`, the files source maps `::1` lines to 127.0.0.1 as
/// glibc does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupFamily {
    Any,
    V4,
    V6,
}

/// A successful forward lookup: the canonical name and the addresses in the source's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAnswer {
    pub canonical_name: Canonical,
    pub addresses: Addresses,
}

/// A source's canonical name for a name it was asked: most often that name itself, spelled as
/// asked, which then is not copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Canonical {
    /// The name that was asked.
    Asked,
    Name(Vec<u8>),
}

impl Canonical {
    /// The canonical name of an answer to `asked`.
    pub fn into_name(self, asked: &[u8]) -> Vec<u8> {
        match self {
            Canonical::Asked => asked.to_vec(),
            Canonical::Name(name) => name,
        }
    }
}

/// How many addresses an answer holds without an allocation (a name with an A and an AAAA record,
/// "localhost" with its two lines, fit).
const INLINE_ADDRESSES: usize = 4;

/// A source's addresses, in its order: inline up to `INLINE_ADDRESSES`, on the heap beyond.
#[derive(Clone, Debug)]
pub struct Addresses {
    heap: Vec<IpAddr>,
    inline_len: usize,
    slots: [IpAddr; INLINE_ADDRESSES],
}

impl Addresses {
    pub const fn new() -> Addresses {
        Addresses {
            heap: Vec::new(),
            inline_len: 0,
            slots: [IpAddr::V4(Ipv4Addr::UNSPECIFIED); INLINE_ADDRESSES],
        }
    }

    pub fn push(&mut self, address: IpAddr) {
        if self.heap.is_empty() {
            if let Some(slot) = self.slots.get_mut(self.inline_len) {
                *slot = address;
                self.inline_len += 1;
                return;
            }
            self.heap.extend_from_slice(&self.slots);
        }
        self.heap.push(address);
    }
}

impl Default for Addresses {
    fn default() -> Addresses {
        Addresses::new()
    }
}

impl std::ops::Deref for Addresses {
    type Target = [IpAddr];

    fn deref(&self) -> &[IpAddr] {
        if self.heap.is_empty() {
            &self.slots[..self.inline_len]
        } else {
            &self.heap
        }
    }
}

impl PartialEq for Addresses {
    fn eq(&self, other: &Addresses) -> bool {
        **self == **other
    }
}

impl Eq for Addresses {}

impl FromIterator<IpAddr> for Addresses {
    fn from_iter<I: IntoIterator<Item = IpAddr>>(items: I) -> Addresses {
        let mut addresses = Addresses::new();
        items.into_iter().for_each(|a| addresses.push(a));
        addresses
    }
}

/// A failed lookup, as an NSS module reports it: the status, h_errno and errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceFailure {
    pub status: NssStatus,
    pub h_errno: i32,
    pub errno: i32,
}

impl SourceFailure {
    /// Not found: `HOST_NOT_FOUND`, or `NO_DATA` when the name exists without such addresses.
    pub const fn not_found(h_errno: i32) -> SourceFailure {
        SourceFailure {
            status: NssStatus::NotFound,
            h_errno,
            errno: 0,
        }
    }
}

/// Everything getaddrinfo and getnameinfo look up outside their arguments.
pub trait NameSources {
    /// The `hosts:` sources, in order.
    fn host_sources(&self) -> &[NssEntry];
    /// Forward lookup of `name` in one source.
    fn lookup_host(
        &self,
        source: HostSource,
        name: &[u8],
        family: LookupFamily,
    ) -> Result<HostAnswer, SourceFailure>;
    /// Reverse lookup of `address` in one source: its host name.
    fn lookup_address(&self, source: HostSource, address: IpAddr)
        -> Result<Vec<u8>, SourceFailure>;
    /// The port (host byte order) of service `name` for protocol `protocol` ("tcp", "udp"…).
    fn service_port(&self, name: &[u8], protocol: &str) -> Option<u16>;
    /// The name of the service on `port` (host byte order) for `protocol`.
    fn service_name(&self, port: u16, protocol: &str) -> Option<Vec<u8>>;
    /// Whether an IPv4 and an IPv6 address other than 127.0.0.1 / ::1 are configured (glibc's
    /// `__check_pf`, for `AI_ADDRCONFIG`).
    fn configured_families(&self) -> (bool, bool);
    /// The index of interface `name`, if it exists.
    fn interface_index(&self, name: &[u8]) -> Option<u32>;
    /// The name of interface `index`, if it exists.
    fn interface_name(&self, index: u32) -> Option<Vec<u8>>;
    /// Sorts destinations as glibc's `rfc3484_sort` does (stable: equal ones keep their order).
    fn sort_destinations(&self, destinations: &mut [Destination]);
    /// The local domain NI_NOFQDN strips (glibc's `nrl_domainname`).
    fn local_domain(&self) -> Option<Vec<u8>>;
    /// Whether the caller's locale encodes text as UTF-8 (IDNA conversions need it for non-ASCII).
    fn utf8_locale(&self) -> bool;
    /// This machine's node name (`uname`), which getnameinfo gives for AF_LOCAL addresses.
    fn node_name(&self) -> Option<Vec<u8>>;
}

/// One address getaddrinfo returns (with every service tuple).
///
/// The address is kept as 128 aligned bits rather than an `IpAddr` (a tag byte followed by unaligned
/// bytes): a destination is written once and read back field by field, each read the width of the
/// write, so the processor forwards the stores instead of stalling on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Destination {
    /// An IPv6 address's bits, or an IPv4 address's in the low 32 bits.
    bits: u128,
    ipv6: bool,
    /// The IPv6 scope id (0 for IPv4 and unscoped addresses).
    pub scope_id: u32,
}

impl Default for Destination {
    fn default() -> Destination {
        Destination::UNSPECIFIED
    }
}

impl Destination {
    /// 0.0.0.0.
    pub(crate) const UNSPECIFIED: Destination = Destination {
        bits: 0,
        ipv6: false,
        scope_id: 0,
    };

    /// Overwrites this destination with `value`, field by field: a copy of the whole value would
    /// read it back from memory wider than it was written when it was just built there (see
    /// `getaddrinfo_into`).
    #[inline]
    pub fn set(&mut self, value: Destination) {
        self.bits = value.bits;
        self.ipv6 = value.ipv6;
        self.scope_id = value.scope_id;
    }
    #[inline]
    pub fn new(address: IpAddr) -> Destination {
        match address {
            IpAddr::V4(v4) => Destination::v4(v4),
            IpAddr::V6(v6) => Destination::v6(v6, 0),
        }
    }

    #[inline]
    pub fn v4(address: Ipv4Addr) -> Destination {
        Destination {
            bits: u128::from(u32::from(address)),
            ipv6: false,
            scope_id: 0,
        }
    }

    #[inline]
    pub fn v6(address: Ipv6Addr, scope_id: u32) -> Destination {
        Destination {
            bits: u128::from(address),
            ipv6: true,
            scope_id,
        }
    }

    #[inline]
    pub fn address(&self) -> IpAddr {
        if self.ipv6 {
            IpAddr::V6(Ipv6Addr::from(self.bits))
        } else {
            IpAddr::V4(Ipv4Addr::from(self.bits as u32))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_actions_return_only_on_success() {
        let entry = NssEntry::new(HostSource::Files);
        assert!(entry.returns_on(NssStatus::Success));
        assert!(!entry.returns_on(NssStatus::NotFound));
        assert!(!entry.returns_on(NssStatus::Unavail));
        assert!(!entry.returns_on(NssStatus::TryAgain));
    }
}
