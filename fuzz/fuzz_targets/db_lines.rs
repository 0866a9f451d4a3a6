//! Fuzz target: any bytes as the hosts, services, protocols and networks files. Parsing and every
//! lookup by a name or number taken from the input must never panic, whatever the lines say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netlibc::db::hosts::{HostsFile, View};
use netlibc::db::networks::NetworksFile;
use netlibc::db::protocols::ProtocolsFile;
use netlibc::db::services::ServicesFile;

fuzz_target!(|data: &[u8]| {
    // The first line's first word is the key looked up in each file.
    let key = data
        .split(|&b| b == b'\n' || b == b' ' || b == b'\t')
        .next()
        .unwrap_or_default();
    let number = key
        .iter()
        .fold(0u32, |n, &b| n.wrapping_mul(31).wrapping_add(b.into()));

    let hosts = HostsFile::parse(data);
    for view in [
        View::of(libc::AF_INET, false),
        View::of(libc::AF_INET6, false),
        View::of(libc::AF_INET6, true),
        View::of(libc::AF_UNSPEC, false),
    ] {
        let found: Vec<usize> = hosts.by_name(key, view).collect();
        for index in found {
            assert!(hosts.valid(index, view));
        }
        let _ = hosts.by_address(&key[..key.len().min(16)], view);
    }

    let services = ServicesFile::parse(data);
    for protocol in [None, Some(&b"tcp"[..]), Some(key)] {
        if let Some(index) = services.by_name(key, protocol) {
            let _ = index;
        }
        let _ = services.by_port(number as u16 as i32, protocol);
        let _ = services.by_port(number as i32, protocol);
    }

    let protocols = ProtocolsFile::parse(data);
    let _ = protocols.by_name(key);
    let _ = protocols.by_number(number as i32);

    let networks = NetworksFile::parse(data);
    let _ = networks.by_name(key);
    let _ = networks.by_number(number);
});
