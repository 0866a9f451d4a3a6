//! A test double of [`NameSources`]: hosts per source as a table, a few services, two interfaces,
//! configurable families, and a sort that records that it ran.

use std::cell::Cell;
use std::net::IpAddr;

use super::constants::*;
use super::sources::{
    Destination, HostAnswer, HostSource, LookupFamily, NameSources, NssEntry, NssStatus,
    SourceFailure,
};

/// What one source answers for one name.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Canonical name and addresses (IPv4 and IPv6 mixed, in order).
    Found(&'static str, Vec<&'static str>),
    Fail(SourceFailure),
}

pub struct TestSources {
    pub chain: Vec<NssEntry>,
    /// (source, name, answer)
    pub hosts: Vec<(HostSource, &'static str, Answer)>,
    pub reverse: Vec<(
        HostSource,
        &'static str,
        Result<&'static str, SourceFailure>,
    )>,
    pub families: (bool, bool),
    pub sorted: Cell<usize>,
    pub reverse_sort: bool,
    pub domain: Option<&'static str>,
    pub utf8: bool,
}

impl Default for TestSources {
    fn default() -> TestSources {
        TestSources {
            chain: vec![
                NssEntry::new(HostSource::Files),
                NssEntry::new(HostSource::Dns),
            ],
            hosts: vec![
                (
                    HostSource::Files,
                    "localhost",
                    Answer::Found("localhost", vec!["127.0.0.1", "::1"]),
                ),
                (
                    HostSource::Files,
                    "v4only",
                    Answer::Found("v4only.example", vec!["192.0.2.1"]),
                ),
                (
                    HostSource::Dns,
                    "both.test",
                    Answer::Found("canon.test", vec!["2001:db8::1", "192.0.2.7"]),
                ),
                (
                    HostSource::Dns,
                    "nodata.test",
                    Answer::Fail(SourceFailure::not_found(NO_DATA)),
                ),
            ],
            reverse: vec![
                (HostSource::Files, "127.0.0.1", Ok("localhost")),
                (HostSource::Dns, "192.0.2.7", Ok("host.corp.test")),
            ],
            families: (true, true),
            sorted: Cell::new(0),
            reverse_sort: false,
            domain: Some("corp.test"),
            utf8: true,
        }
    }
}

/// A failure with the given status and h_errno.
pub fn failure(status: NssStatus, h_errno: i32, errno: i32) -> SourceFailure {
    SourceFailure {
        status,
        h_errno,
        errno,
    }
}

impl NameSources for TestSources {
    fn host_sources(&self) -> &[NssEntry] {
        &self.chain
    }

    fn lookup_host(
        &self,
        source: HostSource,
        name: &[u8],
        family: LookupFamily,
    ) -> Result<HostAnswer, SourceFailure> {
        let entry = self
            .hosts
            .iter()
            .find(|(s, n, _)| *s == source && n.as_bytes().eq_ignore_ascii_case(name));
        match entry.map(|(_, _, answer)| answer) {
            None => Err(SourceFailure::not_found(HOST_NOT_FOUND)),
            Some(Answer::Fail(failure)) => Err(*failure),
            Some(Answer::Found(canonical, addresses)) => {
                let addresses: super::sources::Addresses = addresses
                    .iter()
                    .map(|a| a.parse::<IpAddr>().unwrap())
                    .filter(|a| match family {
                        LookupFamily::Any => true,
                        LookupFamily::V4 => a.is_ipv4(),
                        LookupFamily::V6 => a.is_ipv6(),
                    })
                    .collect();
                if addresses.is_empty() {
                    return Err(SourceFailure::not_found(NO_DATA));
                }
                Ok(HostAnswer {
                    canonical_name: super::sources::Canonical::Name(canonical.as_bytes().to_vec()),
                    addresses,
                })
            }
        }
    }

    fn lookup_address(
        &self,
        source: HostSource,
        address: IpAddr,
    ) -> Result<Vec<u8>, SourceFailure> {
        let entry = self
            .reverse
            .iter()
            .find(|(s, a, _)| *s == source && a.parse::<IpAddr>().unwrap() == address);
        match entry {
            Some((_, _, answer)) => answer.map(|name| name.as_bytes().to_vec()),
            None => Err(SourceFailure::not_found(HOST_NOT_FOUND)),
        }
    }

    fn service_port(&self, name: &[u8], protocol: &str) -> Option<u16> {
        match (name, protocol) {
            (b"http", "tcp") => Some(80),
            (b"domain", "tcp" | "udp") => Some(53),
            _ => None,
        }
    }

    fn service_name(&self, port: u16, protocol: &str) -> Option<Vec<u8>> {
        match (port, protocol) {
            (80, "tcp") => Some(b"http".to_vec()),
            (514, "tcp") => Some(b"shell".to_vec()),
            (514, "udp") => Some(b"syslog".to_vec()),
            _ => None,
        }
    }

    fn configured_families(&self) -> (bool, bool) {
        self.families
    }

    fn interface_index(&self, name: &[u8]) -> Option<u32> {
        match name {
            b"lo" => Some(1),
            b"eth0" => Some(2),
            _ => None,
        }
    }

    fn interface_name(&self, index: u32) -> Option<Vec<u8>> {
        match index {
            1 => Some(b"lo".to_vec()),
            2 => Some(b"eth0".to_vec()),
            _ => None,
        }
    }

    fn sort_destinations(&self, destinations: &mut [Destination]) {
        self.sorted.set(self.sorted.get() + 1);
        if self.reverse_sort {
            destinations.reverse();
        }
    }

    fn local_domain(&self) -> Option<Vec<u8>> {
        self.domain.map(|d| d.as_bytes().to_vec())
    }

    fn utf8_locale(&self) -> bool {
        self.utf8
    }

    fn node_name(&self) -> Option<Vec<u8>> {
        Some(b"testnode".to_vec())
    }
}
