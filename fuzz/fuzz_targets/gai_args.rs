//! Fuzz target: any argument set for getaddrinfo and getnameinfo (node, service, hints, socket
//! address bytes and length, buffer sizes, flags), resolved against fixed in-memory sources so that
//! nothing leaves the process. Must never panic; results must fit what was asked for.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use netlibc::lookup::getaddrinfo::{getaddrinfo, Hints};
use netlibc::lookup::getnameinfo::{getnameinfo, parse_sockaddr, sockaddr_read_len};
use netlibc::lookup::sources::{
    Canonical, Destination, HostAnswer, HostSource, LookupFamily, NameSources, NssEntry,
    SourceFailure,
};

/// Two hosts in files, one in "DNS", one service; every other name is not found.
struct FixedSources {
    chain: [NssEntry; 2],
}

impl NameSources for FixedSources {
    fn host_sources(&self) -> &[NssEntry] {
        &self.chain
    }
    fn lookup_host(
        &self,
        source: HostSource,
        name: &[u8],
        family: LookupFamily,
    ) -> Result<HostAnswer, SourceFailure> {
        let addresses: Vec<IpAddr> = match (source, name) {
            (HostSource::Files, b"localhost") => {
                vec![[127, 0, 0, 1].into(), std::net::Ipv6Addr::LOCALHOST.into()]
            }
            (HostSource::Dns, b"both.test") => vec![
                [192, 0, 2, 7].into(),
                "2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap().into(),
            ],
            _ => return Err(SourceFailure::not_found(1)),
        };
        let addresses: Vec<IpAddr> = addresses
            .into_iter()
            .filter(|a| match family {
                LookupFamily::Any => true,
                LookupFamily::V4 => a.is_ipv4(),
                LookupFamily::V6 => a.is_ipv6(),
            })
            .collect();
        if addresses.is_empty() {
            return Err(SourceFailure::not_found(4));
        }
        Ok(HostAnswer {
            canonical_name: Canonical::Name(name.to_vec()),
            addresses: addresses.into_iter().collect(),
        })
    }
    fn lookup_address(&self, _: HostSource, address: IpAddr) -> Result<Vec<u8>, SourceFailure> {
        if address.is_loopback() {
            Ok(b"localhost".to_vec())
        } else {
            Err(SourceFailure::not_found(1))
        }
    }
    fn service_port(&self, name: &[u8], _: &str) -> Option<u16> {
        (name == b"http").then_some(80)
    }
    fn service_name(&self, port: u16, _: &str) -> Option<Vec<u8>> {
        (port == 80).then(|| b"http".to_vec())
    }
    fn configured_families(&self) -> (bool, bool) {
        (true, true)
    }
    fn interface_index(&self, name: &[u8]) -> Option<u32> {
        (name == b"lo").then_some(1)
    }
    fn interface_name(&self, index: u32) -> Option<Vec<u8>> {
        (index == 1).then(|| b"lo".to_vec())
    }
    fn sort_destinations(&self, _: &mut [Destination]) {}
    fn local_domain(&self) -> Option<Vec<u8>> {
        Some(b"test".to_vec())
    }
    fn utf8_locale(&self) -> bool {
        true
    }
    fn node_name(&self) -> Option<Vec<u8>> {
        Some(b"node".to_vec())
    }
}

fn int(bytes: &[u8], at: usize) -> i32 {
    let mut word = [0u8; 4];
    for (i, byte) in word.iter_mut().enumerate() {
        *byte = bytes.get(at + i).copied().unwrap_or(0);
    }
    // Small values are the interesting ones: keep them likely.
    let value = i32::from_le_bytes(word);
    if bytes.get(at).copied().unwrap_or(0) & 0x80 == 0 {
        value & 0xff
    } else {
        value
    }
}

fuzz_target!(|data: &[u8]| {
    let sources = FixedSources {
        chain: [
            NssEntry::new(HostSource::Files),
            NssEntry::new(HostSource::Dns),
        ],
    };
    // Layout: 16 bytes of hints/flags, then node \xff service \xff socket address bytes.
    let (head, rest) = data.split_at(data.len().min(20));
    let hints = Hints {
        flags: int(head, 0),
        family: int(head, 4),
        socktype: int(head, 8),
        protocol: int(head, 12),
    };
    let mut parts = rest.split(|&b| b == 0xff);
    let node = parts
        .next()
        .map(|n| n.split(|&b| b == 0).next().unwrap_or_default());
    let service = parts
        .next()
        .map(|s| s.split(|&b| b == 0).next().unwrap_or_default());
    let with_hints = head.get(16).copied().unwrap_or(0);
    let hints_arg = (with_hints & 1 != 0).then_some(&hints);
    let node_arg = node.filter(|_| with_hints & 2 == 0);
    let service_arg = service.filter(|_| with_hints & 4 == 0);
    if let Ok(resolution) = getaddrinfo(node_arg, service_arg, hints_arg, &sources) {
        let _ = resolution;
    }

    let address: Vec<u8> = parts.next().unwrap_or_default().to_vec();
    let mut buffer = [0u8; 128];
    buffer[..address.len().min(128)].copy_from_slice(&address[..address.len().min(128)]);
    let salen = (head.get(17).copied().unwrap_or(0) as usize) % 140;
    let family = i32::from(u16::from_ne_bytes([buffer[0], buffer[1]]));
    let read = sockaddr_read_len(family, salen);
    assert!(read <= 128);
    if let Ok(socket_address) = parse_sockaddr(&buffer[..read], salen) {
        let host_len = head.get(18).copied().unwrap_or(0) as usize;
        let serv_len = head.get(19).copied().unwrap_or(0) as usize % 40;
        let mut host = vec![0u8; host_len];
        let mut serv = vec![0u8; serv_len];
        let host_arg = (host_len > 0).then_some(&mut host[..]);
        let serv_arg = (serv_len > 0).then_some(&mut serv[..]);
        let _ = getnameinfo(&socket_address, host_arg, serv_arg, hints.flags, &sources);
    }
});
