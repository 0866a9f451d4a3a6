//! getaddrinfo's logic, step for step as glibc 2.36's `getaddrinfo` and `gaih_inet` (in
//! `sysdeps/posix/getaddrinfo.c`): argument checks, `AI_ADDRCONFIG`, the service tuples, numeric
//! hosts, the NSS sources with their error mapping, then filtering, sorting and the canonical name.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::db::hosts::{numeric_name, Numeric};

use super::constants::*;
use super::destinations::Destinations;
use super::gai_error::GaiError;
use super::idna;
use super::literal::{
    ipv4_mapped, parse_ipv4_aton_exact, parse_ipv6_bits, parse_numeric_scope, scope_may_be_named,
};
use super::service::{parse_service, service_tuples, Service, ServiceTuples};
use super::sources::{
    Destination, HostSource, LookupFamily, NameSources, NssStatus, SourceFailure,
};

/// The fields of `struct addrinfo` a caller's hints carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
}

/// What glibc uses when the hints pointer is NULL.
const DEFAULT_HINTS: Hints = Hints {
    flags: AI_V4MAPPED | AI_ADDRCONFIG,
    family: 0,
    socktype: 0,
    protocol: 0,
};

/// A successful getaddrinfo: every destination combined with every service tuple, in that order,
/// each node carrying `flags`; the canonical name goes on the first node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub flags: i32,
    pub destinations: Destinations,
    pub services: ServiceTuples,
    pub canonical_name: Option<Vec<u8>>,
}

impl Default for Resolution {
    fn default() -> Resolution {
        Resolution::new()
    }
}

impl Resolution {
    /// Nothing resolved yet: what [`getaddrinfo_into`] starts from. (A function rather than a
    /// constant: a constant this size is copied in with a call to memcpy.)
    #[inline]
    pub const fn new() -> Resolution {
        Resolution {
            flags: 0,
            destinations: Destinations::new(),
            services: ServiceTuples::EMPTY,
            canonical_name: None,
        }
    }
}

/// Resolves `node` and `service` as glibc's getaddrinfo does. `None` stands for a NULL pointer.
pub fn getaddrinfo(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
    sources: &dyn NameSources,
) -> Result<Resolution, GaiError> {
    let mut resolution = Resolution::new();
    getaddrinfo_into(node, service, hints, sources, &mut resolution)?;
    Ok(resolution)
}

/// [`getaddrinfo`] into `resolution`, which starts as [`Resolution::new`].
///
/// The result is built where it will be read: the C shell packs it in place. Moving a result just
/// written field by field would read it back wider than it was written, which the processor cannot
/// serve from its store buffer and waits for.
#[inline]
pub fn getaddrinfo_into(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
    sources: &dyn NameSources,
    resolution: &mut Resolution,
) -> Result<(), GaiError> {
    let node = node.filter(|n| *n != b"*");
    let service = service.filter(|s| *s != b"*");
    if node.is_none() && service.is_none() {
        return Err(GaiError::NoName);
    }
    let mut hints = *hints.unwrap_or(&DEFAULT_HINTS);
    check_hints(&hints, node.is_some())?;
    if hints.flags & AI_ADDRCONFIG != 0 {
        hints.family = addrconfig_family(hints.family, sources.configured_families())?;
    }
    let service = parse_service(service, hints.flags & AI_NUMERICSERV != 0)?;
    let port_of = |name: &[u8], protocol: &str| sources.service_port(name, protocol);
    let services = &mut resolution.services;
    service_tuples(service, hints.socktype, hints.protocol, &port_of, services)?;
    resolution.flags = hints.flags;
    let found = match node {
        None => {
            wildcard_or_loopback(&hints, &mut resolution.destinations);
            Found::default()
        }
        Some(name) => resolve_name(name, &hints, sources, &mut resolution.destinations)?,
    };
    finish(node, &hints, found, resolution, sources)
}

/// The flags a literal call may carry and still be answered by [`literal_getaddrinfo`]. The others
/// need a source (`AI_ADDRCONFIG` the interfaces, `AI_IDN` the locale), add to the result
/// (`AI_CANONNAME`) or are errors.
const LITERAL_FLAGS: i32 = AI_PASSIVE
    | AI_NUMERICHOST
    | AI_V4MAPPED
    | AI_ALL
    | AI_NUMERICSERV
    | AI_IDN_ALLOW_UNASSIGNED
    | AI_IDN_USE_STD3_ASCII_RULES;

/// What [`literal_getaddrinfo`] answers: one destination with every service tuple, each node
/// carrying `flags`, no canonical name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiteralResolution {
    pub flags: i32,
    pub destination: Destination,
    pub services: ServiceTuples,
}

/// [`getaddrinfo`] for the calls programs make most with address literals ("127.0.0.1",
/// "::1"): a node that is an address literal, a numeric or no service, hints without the flags of
/// [`LITERAL_FLAGS`]'s complement. They consult no source, and this answers them with none of the
/// general path's bookkeeping (the result list, the NSS walk, sorting, the canonical name).
///
/// `Some` only when the answer is certainly [`getaddrinfo`]'s, with the same steps (the same
/// service and literal parsers); every other call, every error included, is `None` and takes the
/// general path, which stays the one reference for what glibc does.
#[inline(always)]
pub fn literal_getaddrinfo(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
) -> Option<LiteralResolution> {
    // NULL hints mean AI_ADDRCONFIG; "*" as the node means no node.
    let hints = hints?;
    let node = node.filter(|n| *n != b"*")?;
    if hints.flags & !LITERAL_FLAGS != 0 || !matches!(hints.family, AF_UNSPEC | AF_INET | AF_INET6)
    {
        return None;
    }
    let service = service.filter(|s| *s != b"*");
    let service = parse_service(service, hints.flags & AI_NUMERICSERV != 0).ok()?;
    if let Service::Name(_) = service {
        return None;
    }
    let mut services = ServiceTuples::EMPTY;
    let no_names = |_: &[u8], _: &str| None;
    service_tuples(
        service,
        hints.socktype,
        hints.protocol,
        &no_names,
        &mut services,
    )
    .ok()?;
    let destination = unscoped_literal(node, hints).ok()??;
    Some(LiteralResolution {
        flags: hints.flags,
        destination,
        services,
    })
}

#[inline]
fn check_hints(hints: &Hints, has_node: bool) -> Result<(), GaiError> {
    if hints.flags & !AI_KNOWN != 0 || (hints.flags & AI_CANONNAME != 0 && !has_node) {
        return Err(GaiError::BadFlags);
    }
    if !matches!(hints.family, AF_UNSPEC | AF_INET | AF_INET6) {
        return Err(GaiError::Family);
    }
    Ok(())
}

/// glibc's `AI_ADDRCONFIG` decision: with only one family configured AF_UNSPEC narrows to it; a
/// requested family that is not configured cannot succeed. With neither configured nothing changes.
fn addrconfig_family(family: i32, (seen_v4, seen_v6): (bool, bool)) -> Result<i32, GaiError> {
    match family {
        AF_UNSPEC if seen_v4 != seen_v6 => Ok(if seen_v4 { AF_INET } else { AF_INET6 }),
        AF_UNSPEC => Ok(family),
        AF_INET if !seen_v4 => Err(GaiError::NoName),
        AF_INET6 if !seen_v6 => Err(GaiError::NoName),
        _ => Ok(family),
    }
}

/// What the later steps need to know about the addresses found for the node.
#[derive(Debug, Default)]
struct Found {
    /// The canonical name a source gave (`None`: the node is its own canonical name).
    canonical_name: Option<Vec<u8>>,
    /// An IPv6 answer came back for an AF_INET6 request (mapped IPv4 ones are then dropped unless
    /// `AI_ALL`).
    got_ipv6: bool,
}

/// The addresses the NSS sources found for the node, with what [`Found`] tells about them.
#[derive(Debug, Default)]
struct Hosts {
    destinations: Destinations,
    canonical_name: Option<Vec<u8>>,
    /// An IPv6 answer came back for an AF_INET6 request (mapped IPv4 ones are then dropped unless
    /// `AI_ALL`).
    got_ipv6: bool,
}

/// A NULL node: `::` / `0.0.0.0` with `AI_PASSIVE`, else the loopback addresses; IPv6 first.
#[inline]
fn wildcard_or_loopback(hints: &Hints, destinations: &mut Destinations) {
    let passive = hints.flags & AI_PASSIVE != 0;
    if hints.family != AF_INET {
        let v6 = if passive {
            Ipv6Addr::UNSPECIFIED
        } else {
            Ipv6Addr::LOCALHOST
        };
        destinations.push(Destination::new(IpAddr::V6(v6)));
    }
    if hints.family != AF_INET6 {
        let v4 = if passive {
            Ipv4Addr::UNSPECIFIED
        } else {
            Ipv4Addr::LOCALHOST
        };
        destinations.push(Destination::new(IpAddr::V4(v4)));
    }
}

/// Resolves a node name into `destinations`: numerically when it is a literal, else through the
/// NSS sources.
#[inline(always)]
fn resolve_name(
    name: &[u8],
    hints: &Hints,
    sources: &dyn NameSources,
    destinations: &mut Destinations,
) -> Result<Found, GaiError> {
    let encoded;
    let name = if hints.flags & AI_IDN != 0 {
        encoded = idna::to_dns_encoding(name, sources.utf8_locale())?;
        encoded.as_slice()
    } else {
        name
    };
    if numeric_host(name, hints, sources, destinations)? {
        // A literal is its own canonical name, as the IDNA step spelled it.
        let canonical_name = (hints.flags & AI_CANONNAME != 0).then(|| name.to_vec());
        return Ok(Found {
            canonical_name,
            got_ipv6: false,
        });
    }
    if hints.flags & AI_NUMERICHOST != 0 {
        return Err(GaiError::NoName);
    }
    let hosts = lookup_name(name, hints, sources)?;
    *destinations = hosts.destinations;
    Ok(Found {
        canonical_name: hosts.canonical_name,
        got_ipv6: hosts.got_ipv6,
    })
}

/// A numeric node: an IPv4 literal (inet_aton rules) or an IPv6 literal with an optional `%scope`,
/// whose address goes to `destinations`. `Ok(false)` when the text is not numeric.
#[inline(always)]
fn numeric_host(
    name: &[u8],
    hints: &Hints,
    sources: &dyn NameSources,
    destinations: &mut Destinations,
) -> Result<bool, GaiError> {
    if let Some(destination) = unscoped_literal(name, hints)? {
        destinations.push(destination);
        return Ok(true);
    }
    scoped_literal(name, hints, sources, destinations)
}

/// A node that is an address literal as a whole (no `%scope`): its destination as the hints' family
/// reads it, `Ok(None)` when the node is not such a literal.
#[inline(always)]
fn unscoped_literal(name: &[u8], hints: &Hints) -> Result<Option<Destination>, GaiError> {
    if let Some(v4) = parse_ipv4_aton_exact(name) {
        return match hints.family {
            AF_INET6 if hints.flags & AI_V4MAPPED != 0 => {
                Ok(Some(Destination::v6(v4.to_ipv6_mapped(), 0)))
            }
            AF_INET6 => Err(GaiError::AddrFamily),
            _ => Ok(Some(Destination::v4(v4))),
        };
    }
    // A '%' is not IPv6 text: a scoped literal fails here and is read by `scoped_literal`.
    let Some(bits) = parse_ipv6_bits(name) else {
        return Ok(None);
    };
    match (hints.family, ipv4_mapped(bits)) {
        (AF_INET, Some(v4)) => Ok(Some(Destination::v4(v4))),
        (AF_INET, None) => Err(GaiError::AddrFamily),
        _ => Ok(Some(Destination::v6(Ipv6Addr::from(bits), 0))),
    }
}

/// An IPv6 literal with a `%scope` (the text before the first '%' is the address), whose address
/// goes to `destinations`; `Ok(false)` when the node is not one.
#[cold]
fn scoped_literal(
    name: &[u8],
    hints: &Hints,
    sources: &dyn NameSources,
    destinations: &mut Destinations,
) -> Result<bool, GaiError> {
    let Some(at) = name.iter().position(|&c| c == b'%') else {
        return Ok(false);
    };
    let (text, scope) = (&name[..at], &name[at + 1..]);
    let Some(bits) = parse_ipv6_bits(text) else {
        return Ok(false);
    };
    let v6 = Ipv6Addr::from(bits);
    // The family is checked before the scope, as glibc does.
    let v4 = match (hints.family, ipv4_mapped(bits)) {
        (AF_INET, Some(v4)) => Some(v4),
        (AF_INET, None) => return Err(GaiError::AddrFamily),
        _ => None,
    };
    let scope_id = scope_id(&v6, scope, sources).ok_or(GaiError::NoName)?;
    destinations.push(match v4 {
        // An IPv4 socket address has no room for the scope (it is still checked).
        Some(v4) => Destination::v4(v4),
        None => Destination::v6(v6, scope_id),
    });
    Ok(true)
}

/// glibc's `__inet6_scopeid_pton`: an interface name for link-local and multicast local addresses,
/// a decimal id for any.
#[cold]
fn scope_id(address: &Ipv6Addr, scope: &[u8], sources: &dyn NameSources) -> Option<u32> {
    let by_name = scope_may_be_named(address)
        .then(|| sources.interface_index(scope))
        .flatten();
    by_name
        .filter(|&index| index != 0)
        .or_else(|| parse_numeric_scope(scope))
}

/// The NSS part of `gaih_inet`: the sources in nsswitch order with glibc's choice of entry points.
/// Kept out of line: the numeric path it is the alternative to stays small.
#[cold]
#[inline(never)]
fn lookup_name(name: &[u8], hints: &Hints, sources: &dyn NameSources) -> Result<Hosts, GaiError> {
    if hints.family == AF_INET && hints.flags & AI_CANONNAME == 0 {
        return gethostbyname2_ipv4(name, sources);
    }
    let mut walk = SourceWalk {
        name,
        hints,
        sources,
        hosts: Hosts::default(),
        status: NssStatus::Unavail,
        no_data: 0,
        no_inet6_data: 0,
        last_failure: None,
    };
    for entry in sources.host_sources() {
        let status = if hints.family == AF_UNSPEC {
            walk.both_families(entry.source)
        } else {
            walk.per_family(entry.source)?
        };
        if entry.returns_on(status) {
            break;
        }
    }
    walk.outcome()
}

/// The state `gaih_inet` keeps while it walks the sources.
struct SourceWalk<'a> {
    name: &'a [u8],
    hints: &'a Hints,
    sources: &'a dyn NameSources,
    hosts: Hosts,
    status: NssStatus,
    /// 0, 1 (the name exists without such addresses) or `EAGAIN_MARK`, per glibc's `no_data`.
    no_data: i32,
    no_inet6_data: i32,
    last_failure: Option<SourceFailure>,
}

/// glibc stores `EAI_AGAIN` in `no_data` to remember a temporary failure.
const EAGAIN_MARK: i32 = -3;

impl SourceWalk<'_> {
    /// `gethostbyname4_r`: both families at once (AF_UNSPEC).
    fn both_families(&mut self, source: HostSource) -> NssStatus {
        self.no_data = 0;
        match self
            .sources
            .lookup_host(source, self.name, LookupFamily::Any)
        {
            Ok(answer) => {
                self.status = NssStatus::Success;
                if self.hints.flags & AI_CANONNAME != 0 && self.hosts.canonical_name.is_none() {
                    self.hosts.canonical_name = Some(answer.canonical_name.into_name(self.name));
                }
                self.no_data = answer.addresses.is_empty() as i32;
                self.hosts
                    .destinations
                    .extend(answer.addresses.iter().copied().map(Destination::new));
            }
            Err(failure) => {
                self.fail(failure);
            }
        }
        self.no_inet6_data = self.no_data;
        self.status
    }

    /// `gethostbyname3_r` once per family: IPv6 for AF_INET6, then IPv4 for AF_INET or for mapped
    /// addresses (`AI_V4MAPPED`, unless IPv6 ones were found and `AI_ALL` is not set).
    fn per_family(&mut self, source: HostSource) -> Result<NssStatus, GaiError> {
        let flags = self.hints.flags;
        let mut inet6_status = NssStatus::Unavail;
        if self.hints.family == AF_INET6 {
            self.gethosts(source, LookupFamily::V6)?;
            self.no_inet6_data = self.no_data;
            inet6_status = self.status;
        }
        let want_mapped = flags & AI_V4MAPPED != 0 && (flags & AI_ALL != 0 || !self.hosts.got_ipv6);
        if self.hints.family == AF_INET || want_mapped {
            self.gethosts(source, LookupFamily::V4)?;
            if self.hints.family == AF_INET {
                self.no_inet6_data = self.no_data;
                inet6_status = self.status;
            }
        }
        self.status = if inet6_status == NssStatus::Success || self.status == NssStatus::Success {
            NssStatus::Success
        } else if inet6_status == NssStatus::TryAgain {
            NssStatus::TryAgain
        } else if self.status == NssStatus::Unavail && inet6_status != NssStatus::Unavail {
            inet6_status
        } else {
            self.status
        };
        Ok(self.status)
    }

    /// glibc's `gethosts` macro: one family from one source; an internal error ends the lookup.
    fn gethosts(&mut self, source: HostSource, family: LookupFamily) -> Result<(), GaiError> {
        self.no_data = 0;
        match self.sources.lookup_host(source, self.name, family) {
            Ok(answer) => {
                self.status = NssStatus::Success;
                let mapped = family == LookupFamily::V4 && self.hints.family == AF_INET6;
                let before = self.hosts.destinations.len();
                let addresses = answer
                    .addresses
                    .iter()
                    .copied()
                    .filter(|a| a.is_ipv4() == (family == LookupFamily::V4));
                self.hosts
                    .destinations
                    .extend(addresses.map(|address| match address {
                        IpAddr::V4(v4) if mapped => {
                            Destination::new(IpAddr::V6(v4.to_ipv6_mapped()))
                        }
                        _ => Destination::new(address),
                    }));
                let added = self.hosts.destinations.len() > before;
                if self.hints.flags & AI_CANONNAME != 0 && self.hosts.canonical_name.is_none() {
                    self.hosts.canonical_name = Some(answer.canonical_name.into_name(self.name));
                }
                if family == LookupFamily::V6 && added {
                    self.hosts.got_ipv6 = true;
                }
            }
            Err(failure)
                if failure.h_errno == NETDB_INTERNAL && failure.status != NssStatus::Success =>
            {
                return Err(GaiError::System(failure.errno));
            }
            Err(failure) => self.fail(failure),
        }
        Ok(())
    }

    fn fail(&mut self, failure: SourceFailure) {
        self.status = failure.status;
        self.no_data = match failure.h_errno {
            TRY_AGAIN => EAGAIN_MARK,
            h_errno => (h_errno == NO_DATA) as i32,
        };
        self.last_failure = Some(failure);
    }

    /// The end of glibc's NSS loop: internal errors, then "known name without data", then success.
    fn outcome(self) -> Result<Hosts, GaiError> {
        if let Some(failure) = self.last_failure {
            let temporary = matches!(self.status, NssStatus::TryAgain | NssStatus::Unavail);
            if temporary && failure.h_errno == NETDB_INTERNAL {
                return Err(GaiError::System(failure.errno));
            }
        }
        if self.no_data != 0 && self.no_inet6_data != 0 {
            let both_again = self.no_data == EAGAIN_MARK && self.no_inet6_data == EAGAIN_MARK;
            return Err(if both_again {
                GaiError::Again
            } else {
                GaiError::NoData
            });
        }
        if self.hosts.destinations.is_empty() {
            return Err(GaiError::NoName);
        }
        Ok(self.hosts)
    }
}

/// The AF_INET shortcut (`try_simple_gethostbyname`'s successor in 2.36): `gethostbyname2_r` over the
/// whole source chain, with its return code mapped as glibc maps it.
fn gethostbyname2_ipv4(name: &[u8], sources: &dyn NameSources) -> Result<Hosts, GaiError> {
    // gethostbyname2_r first reads digits-and-dots names itself (`__nss_hostname_digits_dots`);
    // one that does not parse is "not found" without asking any source.
    if let Numeric::Invalid = numeric_name(name, AF_INET) {
        return Err(GaiError::NoName);
    }
    let mut last = SourceFailure::not_found(HOST_NOT_FOUND);
    for entry in sources.host_sources() {
        match sources.lookup_host(entry.source, name, LookupFamily::V4) {
            Ok(answer) => {
                let v4 = answer
                    .addresses
                    .iter()
                    .copied()
                    .filter(IpAddr::is_ipv4)
                    .map(Destination::new);
                let hosts = Hosts {
                    destinations: v4.collect(),
                    ..Hosts::default()
                };
                return if hosts.destinations.is_empty() {
                    Err(GaiError::NoName)
                } else {
                    Ok(hosts)
                };
            }
            Err(failure) => last = failure,
        }
        if entry.returns_on(last.status) {
            break;
        }
    }
    Err(gethostbyname2_error(last))
}

/// How getaddrinfo reads a failed `gethostbyname2_r`: its return value (0 for "not found", errno or
/// EAGAIN otherwise) together with h_errno.
fn gethostbyname2_error(failure: SourceFailure) -> GaiError {
    let returned = match failure.status {
        NssStatus::NotFound | NssStatus::Success => 0,
        NssStatus::TryAgain if failure.h_errno != NETDB_INTERNAL => 11,
        _ => failure.errno,
    };
    match (returned, failure.h_errno) {
        (0, NO_DATA) => GaiError::NoData,
        (0, _) => GaiError::NoName,
        (_, NETDB_INTERNAL) => GaiError::System(failure.errno),
        (_, TRY_AGAIN) => GaiError::Again,
        _ => GaiError::NoData,
    }
}

/// The last steps: drop mapped IPv4 addresses when IPv6 ones were found (`AI_V4MAPPED` without
/// `AI_ALL`), settle the canonical name, and sort when there is more than one address.
#[inline(always)]
fn finish(
    node: Option<&[u8]>,
    hints: &Hints,
    found: Found,
    resolution: &mut Resolution,
    sources: &dyn NameSources,
) -> Result<(), GaiError> {
    if found.got_ipv6 && hints.flags & (AI_V4MAPPED | AI_ALL) == AI_V4MAPPED {
        resolution
            .destinations
            .retain(|d| !matches!(d.address(), IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()));
    }
    if let (true, Some(node)) = (hints.flags & AI_CANONNAME != 0, node) {
        let name = found.canonical_name.unwrap_or_else(|| node.to_vec());
        resolution.canonical_name = Some(canonical_name(name, hints.flags, sources.utf8_locale())?);
    }
    if resolution.destinations.len() > 1 {
        sources.sort_destinations(&mut resolution.destinations);
    }
    if resolution.destinations.is_empty() {
        return Err(GaiError::NoName);
    }
    Ok(())
}

/// With `AI_CANONIDN` the canonical name is decoded from punycode; a name that does not decode is
/// kept as it is, as glibc does.
fn canonical_name(name: Vec<u8>, flags: i32, utf8_locale: bool) -> Result<Vec<u8>, GaiError> {
    if flags & AI_CANONIDN == 0 {
        return Ok(name);
    }
    match idna::from_dns_encoding(&name, utf8_locale) {
        Ok(decoded) => Ok(decoded),
        Err(GaiError::IdnEncode) => Ok(name),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::sources::{HostSource, NssEntry};
    use crate::lookup::test_sources::{failure, Answer, TestSources};

    fn hints(flags: i32, family: i32, socktype: i32, protocol: i32) -> Hints {
        Hints {
            flags,
            family,
            socktype,
            protocol,
        }
    }

    /// (address text, scope) of each destination.
    fn addresses(result: &Resolution) -> Vec<String> {
        result
            .destinations
            .iter()
            .map(|d| d.address().to_string())
            .collect()
    }

    fn resolve(
        node: Option<&str>,
        service: Option<&str>,
        h: Option<Hints>,
        sources: &TestSources,
    ) -> Result<Resolution, GaiError> {
        getaddrinfo(
            node.map(str::as_bytes),
            service.map(str::as_bytes),
            h.as_ref(),
            sources,
        )
    }

    #[test]
    fn argument_checks_come_in_glibcs_order() {
        let s = TestSources::default();
        assert_eq!(resolve(None, None, None, &s), Err(GaiError::NoName));
        assert_eq!(
            resolve(Some("*"), Some("*"), None, &s),
            Err(GaiError::NoName)
        );
        assert_eq!(
            resolve(Some("::1"), None, Some(hints(0x800, 0, 0, 0)), &s),
            Err(GaiError::BadFlags)
        );
        assert_eq!(
            resolve(None, Some("80"), Some(hints(AI_CANONNAME, 0, 0, 0)), &s),
            Err(GaiError::BadFlags)
        );
        assert_eq!(
            resolve(Some("::1"), None, Some(hints(0, 1, 0, 0)), &s),
            Err(GaiError::Family)
        );
        assert_eq!(
            resolve(Some("::1"), None, Some(hints(0, 0, 9, 0)), &s),
            Err(GaiError::SockType)
        );
        assert_eq!(
            resolve(
                Some("::1"),
                Some("http"),
                Some(hints(AI_NUMERICSERV, 0, 0, 0)),
                &s
            ),
            Err(GaiError::NoName)
        );
        assert_eq!(
            resolve(Some("::1"), Some("80"), Some(hints(0, 0, SOCK_RAW, 0)), &s),
            Err(GaiError::Service)
        );
        // The service is checked before the host.
        assert_eq!(
            resolve(Some("nosuch"), Some("nosuch"), None, &s),
            Err(GaiError::Service)
        );
    }

    #[test]
    fn null_hints_mean_v4mapped_and_addrconfig() {
        let s = TestSources {
            families: (true, false),
            ..TestSources::default()
        };
        let result = resolve(Some("localhost"), None, None, &s).unwrap();
        assert_eq!(result.flags, AI_V4MAPPED | AI_ADDRCONFIG);
        assert_eq!(addresses(&result), vec!["127.0.0.1"]);
        assert_eq!(result.services.len(), 3);
    }

    #[test]
    fn addrconfig_narrows_or_refuses() {
        let only_v6 = TestSources {
            families: (false, true),
            ..TestSources::default()
        };
        let h = hints(AI_ADDRCONFIG, AF_INET, 0, 0);
        assert_eq!(
            resolve(Some("127.0.0.1"), None, Some(h), &only_v6),
            Err(GaiError::NoName)
        );
        let none = TestSources {
            families: (false, false),
            ..TestSources::default()
        };
        let result = resolve(
            Some("localhost"),
            None,
            Some(hints(AI_ADDRCONFIG, 0, 0, 0)),
            &none,
        )
        .unwrap();
        assert_eq!(addresses(&result), vec!["127.0.0.1", "::1"]);
        assert_eq!(
            resolve(
                Some("::1"),
                None,
                Some(hints(AI_ADDRCONFIG, AF_INET6, 0, 0)),
                &none
            ),
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn numeric_hosts_follow_the_family() {
        let s = TestSources::default();
        let v6 = |flags| hints(flags, AF_INET6, SOCK_STREAM, 0);
        assert_eq!(
            resolve(Some("127.1"), None, Some(v6(0)), &s),
            Err(GaiError::AddrFamily)
        );
        let mapped = resolve(Some("127.1"), None, Some(v6(AI_V4MAPPED)), &s).unwrap();
        assert_eq!(addresses(&mapped), vec!["::ffff:127.0.0.1"]);
        let unmapped = resolve(
            Some("::ffff:10.0.0.1"),
            None,
            Some(hints(0, AF_INET, 0, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(addresses(&unmapped), vec!["10.0.0.1"]);
        assert_eq!(
            resolve(Some("::1"), None, Some(hints(0, AF_INET, 0, 0)), &s),
            Err(GaiError::AddrFamily)
        );
        let canon = resolve(Some("0x7f.1"), None, Some(hints(AI_CANONNAME, 0, 0, 0)), &s).unwrap();
        assert_eq!(canon.canonical_name.as_deref(), Some(b"0x7f.1".as_slice()));
        assert_eq!(
            resolve(
                Some("1.2.3.4.5"),
                None,
                Some(hints(AI_NUMERICHOST, 0, 0, 0)),
                &s
            ),
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn scopes_take_names_only_on_link_local() {
        let s = TestSources::default();
        let scope =
            |node: &str| resolve(Some(node), None, None, &s).map(|r| r.destinations[0].scope_id);
        assert_eq!(scope("fe80::1%eth0"), Ok(2));
        assert_eq!(scope("fe80::1%99"), Ok(99));
        assert_eq!(scope("ff02::1%lo"), Ok(1));
        assert_eq!(scope("fe80::1%nosuch"), Err(GaiError::NoName));
        assert_eq!(scope("::1%lo"), Err(GaiError::NoName));
        assert_eq!(scope("::1%7"), Ok(7));
        assert_eq!(scope("fe80::1%"), Err(GaiError::NoName));
        // Not numeric at all: goes to the sources, which know no such name.
        assert_eq!(scope("127.0.0.1%lo"), Err(GaiError::NoName));
    }

    #[test]
    fn null_node_gives_wildcard_or_loopback_then_sorts() {
        let s = TestSources::default();
        let passive = resolve(
            None,
            Some("80"),
            Some(hints(AI_PASSIVE, 0, SOCK_STREAM, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(addresses(&passive), vec!["::", "0.0.0.0"]);
        assert_eq!(s.sorted.get(), 1);
        let active = resolve(
            None,
            Some("80"),
            Some(hints(0, AF_INET, SOCK_STREAM, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(addresses(&active), vec!["127.0.0.1"]);
        assert_eq!(s.sorted.get(), 1, "one address is not sorted");
    }

    #[test]
    fn names_come_from_the_first_source_that_has_them() {
        let s = TestSources::default();
        let result = resolve(
            Some("both.test"),
            None,
            Some(hints(AI_CANONNAME, 0, SOCK_STREAM, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(addresses(&result), vec!["2001:db8::1", "192.0.2.7"]);
        assert_eq!(
            result.canonical_name.as_deref(),
            Some(b"canon.test".as_slice())
        );
        let v4 = resolve(
            Some("both.test"),
            None,
            Some(hints(0, AF_INET, SOCK_STREAM, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(addresses(&v4), vec!["192.0.2.7"]);
        assert_eq!(
            resolve(Some("nosuch.test"), None, None, &s),
            Err(GaiError::NoName)
        );
        assert_eq!(
            resolve(Some("nodata.test"), None, Some(hints(0, 0, 0, 0)), &s),
            Err(GaiError::NoData)
        );
        assert_eq!(
            resolve(Some("nodata.test"), None, Some(hints(0, AF_INET, 0, 0)), &s),
            Err(GaiError::NoData)
        );
        assert_eq!(
            resolve(
                Some("v4only"),
                None,
                Some(hints(AI_NUMERICHOST, 0, 0, 0)),
                &s
            ),
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn v4mapped_and_all_with_inet6() {
        let s = TestSources::default();
        let v6 = |flags| hints(flags, AF_INET6, SOCK_STREAM, 0);
        let mapped = resolve(Some("v4only"), None, Some(v6(AI_V4MAPPED)), &s).unwrap();
        assert_eq!(addresses(&mapped), vec!["::ffff:192.0.2.1"]);
        let both = resolve(Some("both.test"), None, Some(v6(AI_V4MAPPED)), &s).unwrap();
        assert_eq!(addresses(&both), vec!["2001:db8::1"]);
        let all = resolve(Some("both.test"), None, Some(v6(AI_V4MAPPED | AI_ALL)), &s).unwrap();
        assert_eq!(addresses(&all), vec!["2001:db8::1", "::ffff:192.0.2.7"]);
        // v4only has no IPv6 line in files: files says "no data", DNS does not know it.
        assert_eq!(
            resolve(Some("v4only"), None, Some(v6(AI_ALL)), &s),
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn temporary_and_internal_failures_map_like_glibc() {
        let again = failure(NssStatus::TryAgain, TRY_AGAIN, 0);
        let internal = failure(NssStatus::Unavail, NETDB_INTERNAL, 24);
        let with = |answer: Answer| TestSources {
            hosts: vec![(HostSource::Dns, "x.test", answer)],
            ..TestSources::default()
        };
        for family in [AF_UNSPEC, AF_INET, AF_INET6] {
            let h = Some(hints(0, family, 0, 0));
            assert_eq!(
                resolve(Some("x.test"), None, h, &with(Answer::Fail(again))),
                Err(GaiError::Again),
                "{family}"
            );
            assert_eq!(
                resolve(Some("x.test"), None, h, &with(Answer::Fail(internal))),
                Err(GaiError::System(24)),
                "{family}"
            );
        }
    }

    #[test]
    fn notfound_return_action_stops_the_chain() {
        let mut files = NssEntry::new(HostSource::Files);
        files.return_on[NssStatus::NotFound as usize] = true;
        let s = TestSources {
            chain: vec![files, NssEntry::new(HostSource::Dns)],
            ..TestSources::default()
        };
        assert_eq!(
            resolve(Some("both.test"), None, None, &s),
            Err(GaiError::NoName)
        );
        assert_eq!(
            resolve(Some("both.test"), None, Some(hints(0, AF_INET, 0, 0)), &s),
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn canonical_name_defaults_to_the_node_and_decodes_with_canonidn() {
        let s = TestSources {
            hosts: vec![(
                HostSource::Dns,
                "xn--bcher-kva.test",
                Answer::Found("xn--bcher-kva.test", vec!["192.0.2.9"]),
            )],
            ..TestSources::default()
        };
        let idn = resolve(
            Some("Bücher.test"),
            None,
            Some(hints(AI_IDN | AI_CANONNAME | AI_CANONIDN, 0, 1, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(
            idn.canonical_name.as_deref(),
            Some("bücher.test".as_bytes())
        );
        let ace = resolve(
            Some("Bücher.test"),
            None,
            Some(hints(AI_IDN | AI_CANONNAME, 0, 1, 0)),
            &s,
        )
        .unwrap();
        assert_eq!(
            ace.canonical_name.as_deref(),
            Some(b"xn--bcher-kva.test".as_slice())
        );
        assert_eq!(
            resolve(Some("Bücher.test"), None, Some(hints(0, 0, 1, 0)), &s),
            Err(GaiError::NoName)
        );
        let c_locale = TestSources {
            utf8: false,
            ..TestSources::default()
        };
        assert_eq!(
            resolve(
                Some("Bücher.test"),
                None,
                Some(hints(AI_IDN, 0, 1, 0)),
                &c_locale
            ),
            Err(GaiError::IdnEncode)
        );
    }

    /// Every call the literal lane answers gets the general path's answer; the lane declines the
    /// rest (errors included). Exhaustive over literals, services, flag subsets, families, socket
    /// types and protocols.
    #[test]
    fn literal_lane_answers_as_the_general_path() {
        let s = TestSources::default();
        let nodes = [
            None,
            Some("*"),
            Some("127.0.0.1"),
            Some("127.1"),
            Some("0x7f.1"),
            Some("010.0.0.1"),
            Some("08.1.1.1"),
            Some("1.2.3.4 "),
            Some("::1"),
            Some("::"),
            Some("::ffff:10.0.0.1"),
            Some("2001:db8::1"),
            Some("fe80::1%eth0"),
            Some("fe80::1%7"),
            Some("::1%lo"),
            Some("localhost"),
            Some(""),
        ];
        let services = [
            None,
            Some("*"),
            Some(""),
            Some("80"),
            Some(" 80"),
            Some("-1"),
            Some("99999"),
            Some("http"),
        ];
        let flag_bits = [
            AI_PASSIVE,
            AI_CANONNAME,
            AI_NUMERICHOST,
            AI_V4MAPPED,
            AI_ALL,
            AI_ADDRCONFIG,
            AI_IDN,
            AI_IDN_ALLOW_UNASSIGNED,
            AI_NUMERICSERV,
            0x800,
        ];
        let (mut answered, mut total) = (0, 0);
        for subset in 0..1 << flag_bits.len() {
            let flags = (0..flag_bits.len())
                .filter(|bit| subset & (1 << bit) != 0)
                .fold(0, |acc, bit| acc | flag_bits[bit]);
            for family in [AF_UNSPEC, AF_INET, AF_INET6, 1] {
                for (socktype, protocol) in
                    [(0, 0), (SOCK_STREAM, 0), (SOCK_RAW, 0), (0, 17), (9, 0)]
                {
                    let h = hints(flags, family, socktype, protocol);
                    for node in nodes {
                        for service in services {
                            let node = node.map(str::as_bytes);
                            let service = service.map(str::as_bytes);
                            total += 1;
                            let Some(literal) = literal_getaddrinfo(node, service, Some(&h)) else {
                                continue;
                            };
                            answered += 1;
                            let general = getaddrinfo(node, service, Some(&h), &s).unwrap();
                            assert_eq!(general.flags, literal.flags);
                            assert_eq!(&*general.destinations, &[literal.destination]);
                            assert_eq!(general.services, literal.services);
                            assert_eq!(general.canonical_name, None);
                        }
                    }
                }
            }
        }
        // The lane must be taken by the calls it is for, and declined by the others.
        assert!(
            answered > 1000 && answered < total / 4,
            "{answered} of {total}"
        );
        assert!(literal_getaddrinfo(Some(b"::1"), None, None).is_none());
    }
}
