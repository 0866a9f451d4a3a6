//! The real [`NameSources`]: the hosts and services files, the interfaces, and sorting.
//!
//! Until the databases, DNS and interfaces modules land, the sources are this module's own small
//! readers (`hosts_file`, `services_file`, `interfaces`) and the `hosts:` chain is `files` alone, so
//! nothing here ever sends a DNS query; destinations keep the order the sources gave.

use std::cell::OnceCell;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use crate::db::hosts::{hosts_file, HostsFile};
use crate::db::services::{services_file, ServicesFile};

use super::constants::HOST_NOT_FOUND;
use super::sources::{
    Destination, HostAnswer, HostSource, LookupFamily, NameSources, NssEntry, SourceFailure,
};
use super::{hosts_file, interfaces, services_file};

/// The sources of one call. `utf8_locale` comes from the caller's locale (the ABI layer reads it
/// only for IDN flags). The databases are fetched (and their change checks made) at most once per
/// call: a named service is looked up once per protocol.
#[derive(Default)]
pub struct SystemSources {
    utf8_locale: bool,
    hosts: OnceCell<Option<Arc<HostsFile>>>,
    services: OnceCell<Option<Arc<ServicesFile>>>,
}

impl SystemSources {
    pub fn new(utf8_locale: bool) -> SystemSources {
        SystemSources {
            utf8_locale,
            ..SystemSources::default()
        }
    }

    fn hosts(&self) -> Option<&HostsFile> {
        self.hosts.get_or_init(hosts_file).as_deref()
    }

    fn services(&self) -> Option<&ServicesFile> {
        self.services.get_or_init(services_file).as_deref()
    }
}

const HOSTS_CHAIN: [NssEntry; 1] = [NssEntry::new(HostSource::Files)];

impl NameSources for SystemSources {
    fn host_sources(&self) -> &[NssEntry] {
        &HOSTS_CHAIN
    }

    fn lookup_host(
        &self,
        source: HostSource,
        name: &[u8],
        family: LookupFamily,
    ) -> Result<HostAnswer, SourceFailure> {
        match source {
            HostSource::Files => hosts_file::lookup_name(self.hosts(), name, family),
            HostSource::Dns => Err(SourceFailure::not_found(HOST_NOT_FOUND)),
        }
    }

    fn lookup_address(
        &self,
        source: HostSource,
        address: IpAddr,
    ) -> Result<Vec<u8>, SourceFailure> {
        match source {
            HostSource::Files => hosts_file::lookup_address(self.hosts(), address),
            HostSource::Dns => Err(SourceFailure::not_found(HOST_NOT_FOUND)),
        }
    }

    fn service_port(&self, name: &[u8], protocol: &str) -> Option<u16> {
        services_file::port_of(self.services(), name, protocol)
    }

    fn service_name(&self, port: u16, protocol: &str) -> Option<Vec<u8>> {
        services_file::name_of(self.services(), port, protocol)
    }

    fn configured_families(&self) -> (bool, bool) {
        interfaces::configured_families()
    }

    fn interface_index(&self, name: &[u8]) -> Option<u32> {
        interfaces::index_of(name)
    }

    fn interface_name(&self, index: u32) -> Option<Vec<u8>> {
        interfaces::name_of(index)
    }

    fn sort_destinations(&self, _destinations: &mut [Destination]) {}

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
    let forward = |name: &[u8]| first_answer(sources, name).map(|answer| answer.canonical_name);
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
