//! The real [`NameSources`]: the hosts and services files, the interfaces, and sorting.
//!
//! Host names come from the `hosts:` line of nsswitch.conf (`crate::dns::nsswitch`): the files
//! databases (`crate::db`) and the DNS resolver (`crate::dns`). Interfaces, `AI_ADDRCONFIG` and
//! destination sorting come from `crate::interfaces` and `lookup::sort`.

use std::cell::OnceCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::db::hosts::with_hosts_file;
use crate::db::services::with_services_file;

use super::constants::HOST_NOT_FOUND;
use super::sources::{
    Canonical, Destination, HostAnswer, HostSource, LookupFamily, NameSources, NssEntry, NssStatus,
    SourceFailure,
};
use super::{hosts_file, services_file, sort};
use crate::dns::{Families, LookupError};

/// The sources of one call. `utf8_locale` comes from the caller's locale (the ABI layer reads it
/// only for IDN flags). Each lookup asks its database's cache, on the shared parsed file (the change
/// check is made once per call, `crate::sys::call`); the `hosts:` steps are fetched once per call.
#[derive(Default)]
pub struct SystemSources {
    utf8_locale: bool,
    chain: OnceCell<Chain>,
}

impl SystemSources {
    pub fn new(utf8_locale: bool) -> SystemSources {
        SystemSources {
            utf8_locale,
            ..SystemSources::default()
        }
    }
}

/// The lookup's entries of the `hosts:` line: inline when there are few (no allocation).
#[derive(Debug)]
struct Chain {
    inline: [NssEntry; CHAIN_INLINE],
    len: usize,
    /// Every entry, when there are more than `CHAIN_INLINE`.
    more: Vec<NssEntry>,
}

const CHAIN_INLINE: usize = 6;

impl std::ops::Deref for Chain {
    type Target = [NssEntry];

    fn deref(&self) -> &[NssEntry] {
        match self.inline.get(..self.len) {
            Some(entries) if self.more.is_empty() => entries,
            _ => &self.more,
        }
    }
}

impl FromIterator<NssEntry> for Chain {
    fn from_iter<I: IntoIterator<Item = NssEntry>>(entries: I) -> Chain {
        let mut chain = Chain {
            inline: [NssEntry::new(HostSource::Files); CHAIN_INLINE],
            len: 0,
            more: Vec::new(),
        };
        for entry in entries {
            match chain.inline.get_mut(chain.len) {
                Some(slot) if chain.more.is_empty() => {
                    *slot = entry;
                    chain.len += 1;
                }
                _ => {
                    if chain.more.is_empty() {
                        chain.more.extend_from_slice(&chain.inline[..chain.len]);
                    }
                    chain.more.push(entry);
                }
            }
        }
        chain
    }
}

/// The nsswitch `hosts:` steps as the lookup's entries. Like glibc, every lookup checks the file; it
/// is read again only when it changed (`crate::dns::nsswitch::hosts_steps`).
fn hosts_chain() -> Chain {
    use crate::dns::nsswitch::{hosts_steps, Source, Status};
    let statuses = [
        Status::Success,
        Status::NotFound,
        Status::Unavail,
        Status::TryAgain,
    ];
    let entry = |step: &crate::dns::nsswitch::Step| NssEntry {
        source: match step.source {
            Source::Files => HostSource::Files,
            Source::Dns => HostSource::Dns,
        },
        return_on: statuses.map(|status| step.returns_on(status)),
    };
    hosts_steps().iter().map(entry).collect()
}

/// Notes, for the trace line, that the hosts file answered.
fn note_files_answer<T>(answer: &Result<T, SourceFailure>) {
    if answer.is_ok() {
        crate::trace::note_source(crate::trace::Source::Files);
    }
}

/// How the resolver's failures read as an NSS module's status and h_errno.
fn dns_failure(error: LookupError) -> SourceFailure {
    let status = match error {
        LookupError::NotFound | LookupError::NoData => NssStatus::NotFound,
        LookupError::TryAgain => NssStatus::TryAgain,
        LookupError::NoRecovery => NssStatus::Unavail,
    };
    SourceFailure {
        status,
        h_errno: error.h_errno(),
        errno: 0,
    }
}

fn dns_lookup(name: &[u8], family: LookupFamily) -> Result<HostAnswer, SourceFailure> {
    let families = match family {
        LookupFamily::Any => Families::Both,
        LookupFamily::V4 => Families::V4,
        LookupFamily::V6 => Families::V6,
    };
    // The answer is read where the cache keeps it (no copy of it, no reference count touched).
    crate::dns::lookup_host_map(name, families, |answer| {
        let answer = answer.map_err(dns_failure)?;
        let v4 = answer.v4.iter().map(|&a| IpAddr::V4(Ipv4Addr::from(a)));
        let v6 = answer.v6.iter().map(|&a| IpAddr::V6(Ipv6Addr::from(a)));
        // glibc's canonical name is the name it asked for, spelled as asked, until a CNAME renames
        // it; the resolver's cache may hold the same name spelled as a query with other case asked.
        let canonical_name = if crate::db::hash::same_name(&answer.canonical_name, name) {
            Canonical::Asked
        } else {
            Canonical::Name(answer.canonical_name.clone())
        };
        Ok(HostAnswer {
            canonical_name,
            addresses: v4.chain(v6).collect(),
        })
    })
}

fn dns_reverse(address: IpAddr) -> Result<Vec<u8>, SourceFailure> {
    let answer = crate::dns::lookup_ptr(crate::dns::ptr_address(address)).map_err(dns_failure)?;
    answer
        .names
        .first()
        .cloned()
        .ok_or(SourceFailure::not_found(HOST_NOT_FOUND))
}

impl NameSources for SystemSources {
    fn host_sources(&self) -> &[NssEntry] {
        self.chain.get_or_init(hosts_chain)
    }

    fn lookup_host(
        &self,
        source: HostSource,
        name: &[u8],
        family: LookupFamily,
    ) -> Result<HostAnswer, SourceFailure> {
        match source {
            HostSource::Files => {
                // host.conf first: the hosts file is looked at under its cache's lock.
                let multi = crate::db::host_conf::host_conf().multi;
                let answer =
                    with_hosts_file(|file| hosts_file::lookup_name(file, name, family, multi));
                note_files_answer(&answer);
                answer
            }
            HostSource::Dns => dns_lookup(name, family),
        }
    }

    fn lookup_address(
        &self,
        source: HostSource,
        address: IpAddr,
    ) -> Result<Vec<u8>, SourceFailure> {
        match source {
            HostSource::Files => {
                let answer = with_hosts_file(|file| hosts_file::lookup_address(file, address));
                note_files_answer(&answer);
                answer
            }
            HostSource::Dns => dns_reverse(address),
        }
    }

    fn service_port(&self, name: &[u8], protocol: &str) -> Option<u16> {
        with_services_file(|file| services_file::port_of(file, name, protocol))
    }

    fn service_name(&self, port: u16, protocol: &str) -> Option<Vec<u8>> {
        with_services_file(|file| services_file::name_of(file, port, protocol))
    }

    fn configured_families(&self) -> (bool, bool) {
        let families = crate::interfaces::configured_families();
        (families.ipv4, families.ipv6)
    }

    fn interface_index(&self, name: &[u8]) -> Option<u32> {
        crate::interfaces::names::name_to_index(name).ok()
    }

    fn interface_name(&self, index: u32) -> Option<Vec<u8>> {
        let name = crate::interfaces::names::index_to_name(index).ok()?;
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        Some(name[..end].to_vec())
    }

    fn sort_destinations(&self, destinations: &mut [Destination]) {
        let socket_address = |d: &Destination| match d.address() {
            IpAddr::V4(v4) => SocketAddr::V4(SocketAddrV4::new(v4, 0)),
            IpAddr::V6(v6) => SocketAddr::V6(SocketAddrV6::new(v6, 0, 0, d.scope_id)),
        };
        // A few destinations (the usual case) are sorted on the stack.
        const SMALL: usize = 8;
        if destinations.len() <= SMALL {
            let count = destinations.len();
            let unspecified = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
            let mut addresses = [unspecified; SMALL];
            let mut original = [Destination::default(); SMALL];
            for (i, destination) in destinations.iter().enumerate() {
                addresses[i] = socket_address(destination);
                original[i] = *destination;
            }
            let mut order = [0usize; SMALL];
            sort::sort_destinations_into(&addresses[..count], &mut order[..count]);
            for (slot, &index) in destinations.iter_mut().zip(&order[..count]) {
                if let Some(&destination) = original.get(index) {
                    *slot = destination;
                }
            }
            return;
        }
        let addresses: Vec<SocketAddr> = destinations.iter().map(socket_address).collect();
        let order = sort::sort_destinations(&addresses);
        let original: Vec<Destination> = destinations.to_vec();
        for (slot, &index) in destinations.iter_mut().zip(&order) {
            if let Some(&destination) = original.get(index) {
                *slot = destination;
            }
        }
    }

    fn local_domain(&self) -> Option<Vec<u8>> {
        local_domain(self)
    }

    fn utf8_locale(&self) -> bool {
        self.utf8_locale
    }

    fn node_name(&self) -> Option<Vec<u8>> {
        let name = std::fs::read("/proc/sys/kernel/hostname").ok()?;
        Some(name.strip_suffix(b"\n").unwrap_or(&name).to_vec())
    }
}

/// glibc's `nrl_domainname`: the part after the first dot of the first of these names that has one —
/// the official name of "localhost", the node name, the official name of the node name, the name
/// of 127.0.0.1.
fn local_domain(sources: &SystemSources) -> Option<Vec<u8>> {
    let forward = |name: &[u8]| {
        first_answer(sources, name).map(|answer| answer.canonical_name.into_name(name))
    };
    let node = sources.node_name();
    let candidates = [
        forward(b"localhost"),
        node.clone(),
        node.as_deref().and_then(forward),
        reverse(sources, IpAddr::V4(Ipv4Addr::LOCALHOST)),
    ];
    candidates.into_iter().flatten().find_map(|name| {
        let dot = name.iter().position(|&c| c == b'.')?;
        Some(name[dot + 1..].to_vec())
    })
}

fn first_answer(sources: &SystemSources, name: &[u8]) -> Option<HostAnswer> {
    sources.host_sources().iter().find_map(|entry| {
        sources
            .lookup_host(entry.source, name, LookupFamily::V4)
            .ok()
    })
}

fn reverse(sources: &SystemSources, address: IpAddr) -> Option<Vec<u8>> {
    sources
        .host_sources()
        .iter()
        .find_map(|entry| sources.lookup_address(entry.source, address).ok())
}
