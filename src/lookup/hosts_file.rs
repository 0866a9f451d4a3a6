//! The files source of host names: forward and reverse lookups in the hosts database
//! (`crate::db::hosts`), with glibc's family views and host.conf's `multi`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::db::hosts::{Address, HostsFile, View};

use super::constants::HOST_NOT_FOUND;
use super::sources::{Canonical, HostAnswer, LookupFamily, SourceFailure};

fn view(family: LookupFamily) -> View {
    match family {
        LookupFamily::Any => View::Unspec,
        LookupFamily::V4 => View::Inet,
        LookupFamily::V6 => View::Inet6,
    }
}

fn ip(address: Address) -> IpAddr {
    match address {
        Address::V4(v4) => IpAddr::V4(Ipv4Addr::from(v4)),
        Address::V6(v6) => IpAddr::V6(Ipv6Addr::from(v6)),
    }
}

/// The lines naming `name` (every one with `multi`, host.conf's `multi on`, else the first); the
/// canonical name is the first line's official name.
pub fn lookup_name(
    file: Option<&HostsFile>,
    name: &[u8],
    family: LookupFamily,
    multi: bool,
) -> Result<HostAnswer, SourceFailure> {
    let not_found = SourceFailure::not_found(HOST_NOT_FOUND);
    let file = file.ok_or(not_found)?;
    let view = view(family);
    let mut indexes = file.by_name(name, view);
    let first = indexes
        .next()
        .and_then(|index| file.hosts.get(index))
        .ok_or(not_found)?;
    let others = if multi { usize::MAX } else { 0 };
    let lines = indexes
        .take(others)
        .filter_map(|index| file.hosts.get(index));
    let canonical_name = if first.name() == name {
        Canonical::Asked
    } else {
        Canonical::Name(first.name().to_vec())
    };
    let addresses = std::iter::once(first)
        .chain(lines)
        .filter_map(|host| host.address.in_view(view))
        .map(ip)
        .collect();
    Ok(HostAnswer {
        canonical_name,
        addresses,
    })
}

/// The official name of the first line with this address (`gethostbyaddr`: an IPv6 address does
/// not match IPv4 lines).
pub fn lookup_address(file: Option<&HostsFile>, address: IpAddr) -> Result<Vec<u8>, SourceFailure> {
    let not_found = SourceFailure::not_found(HOST_NOT_FOUND);
    let file = file.ok_or(not_found)?;
    let found = match address {
        IpAddr::V4(v4) => file.by_address(&v4.octets(), View::Inet),
        IpAddr::V6(v6) => file.by_address(&v6.octets(), View::Inet6),
    };
    found
        .and_then(|index| file.hosts.get(index))
        .map(|host| host.name().to_vec())
        .ok_or(not_found)
}
