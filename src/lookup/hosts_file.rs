//! The hosts file as glibc's nss_files reads it, for getaddrinfo and getnameinfo until `crate::db`
//! provides the cached database: forward lookups with glibc's family rules and reverse lookups.

use std::net::{IpAddr, Ipv4Addr};

use super::constants::HOST_NOT_FOUND;
use super::literal::{parse_ipv4_aton_exact, parse_ipv6};
use super::sources::{HostAnswer, LookupFamily, SourceFailure};

/// `NETLIBC_HOSTS`, else /etc/hosts.
fn hosts_path() -> std::path::PathBuf {
    std::env::var_os("NETLIBC_HOSTS").map_or_else(|| "/etc/hosts".into(), Into::into)
}

/// One line: its address and names (the first is the official name).
fn parse_line(line: &[u8]) -> Option<(IpAddr, Vec<&[u8]>)> {
    let line = line.split(|&c| c == b'#').next()?;
    let mut fields = line
        .split(|c| c.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    let address = fields.next()?;
    let address = match parse_ipv4_aton_exact(address) {
        // nss_files reads IPv4 with inet_pton rules: four decimal parts.
        Some(v4) if address.split(|&c| c == b'.').count() == 4 => IpAddr::V4(v4),
        _ => IpAddr::V6(parse_ipv6(address)?),
    };
    let names: Vec<&[u8]> = fields.collect();
    (!names.is_empty()).then_some((address, names))
}

/// The address as a lookup of `family` sees it: for IPv4, `::1` lines read as 127.0.0.1 and
/// `::ffff:a.b.c.d` as a.b.c.d (glibc's files-hosts.c); IPv6 lookups see only IPv6 lines.
fn address_for(family: LookupFamily, address: IpAddr) -> Option<IpAddr> {
    match (family, address) {
        (LookupFamily::Any, _)
        | (LookupFamily::V4, IpAddr::V4(_))
        | (LookupFamily::V6, IpAddr::V6(_)) => Some(address),
        (LookupFamily::V4, IpAddr::V6(v6)) if v6.is_loopback() => {
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        }
        (LookupFamily::V4, IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(IpAddr::V4),
        (LookupFamily::V6, IpAddr::V4(_)) => None,
    }
}

/// Every line naming `name` (case-insensitively, official name or alias), as nss_files does with
/// `multi on`; the canonical name is the first matching line's official name.
pub fn lookup_name(name: &[u8], family: LookupFamily) -> Result<HostAnswer, SourceFailure> {
    let text = std::fs::read(hosts_path()).map_err(|_| SourceFailure::not_found(HOST_NOT_FOUND))?;
    let mut answer: Option<HostAnswer> = None;
    for (address, names) in text.split(|&c| c == b'\n').filter_map(parse_line) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let Some(address) = address_for(family, address) else {
            continue;
        };
        let entry = answer.get_or_insert_with(|| HostAnswer {
            canonical_name: names[0].to_vec(),
            addresses: Vec::new(),
        });
        entry.addresses.push(address);
    }
    answer.ok_or(SourceFailure::not_found(HOST_NOT_FOUND))
}

/// The official name of the first line with exactly this address.
pub fn lookup_address(address: IpAddr) -> Result<Vec<u8>, SourceFailure> {
    let text = std::fs::read(hosts_path()).map_err(|_| SourceFailure::not_found(HOST_NOT_FOUND))?;
    let found = text
        .split(|&c| c == b'\n')
        .filter_map(parse_line)
        .find(|(a, _)| *a == address);
    found
        .map(|(_, names)| names[0].to_vec())
        .ok_or(SourceFailure::not_found(HOST_NOT_FOUND))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_comments_and_aliases() {
        let (address, names) = parse_line(b"::1  localhost ip6-localhost # loopback").unwrap();
        assert_eq!(address, "::1".parse::<IpAddr>().unwrap());
        assert_eq!(names, vec![b"localhost".as_slice(), b"ip6-localhost"]);
        assert!(parse_line(b"# only a comment").is_none());
        assert!(parse_line(b"127.0.0.1").is_none());
        assert!(parse_line(b"127.1 short").is_none());
    }

    #[test]
    fn ipv4_lookups_see_loopback_and_mapped_ipv6_lines() {
        let v6 = |s: &str| IpAddr::V6(s.parse().unwrap());
        assert_eq!(
            address_for(LookupFamily::V4, v6("::1")),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert_eq!(
            address_for(LookupFamily::V4, v6("::ffff:1.2.3.4")),
            Some(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)))
        );
        assert_eq!(address_for(LookupFamily::V4, v6("fe80::1")), None);
        assert_eq!(
            address_for(LookupFamily::V6, IpAddr::V4(Ipv4Addr::LOCALHOST)),
            None
        );
        assert_eq!(address_for(LookupFamily::Any, v6("::1")), Some(v6("::1")));
    }
}
