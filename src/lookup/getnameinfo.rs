//! getnameinfo's logic, as glibc 2.36's `inet/getnameinfo.c`: flag and address checks, host names
//! from the reverse lookup sources (or the numeric form), service names from the services database
//! (or the number), written into the caller's buffers with glibc's overflow behaviour.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::constants::*;
use super::gai_error::GaiError;
use super::idna;
use crate::inet::format;

use super::literal::scope_printed_as_name;
use super::sources::NameSources;

/// The socket address getnameinfo translates. Ports are in host byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketAddress<'a> {
    V4 {
        address: Ipv4Addr,
        port: u16,
    },
    V6 {
        address: Ipv6Addr,
        port: u16,
        scope_id: u32,
    },
    /// `sun_path` up to its NUL (or the end of the address).
    Local {
        path: &'a [u8],
    },
}

/// `sizeof (struct sockaddr_in)`, `sizeof (struct sockaddr_in6)`, `offsetof (struct sockaddr_un,
/// sun_path)` and `sizeof (struct sockaddr_un)`.
pub(crate) const SOCKADDR_IN_LEN: usize = 16;
pub(crate) const SOCKADDR_IN6_LEN: usize = 28;
pub(crate) const SUN_PATH_OFFSET: usize = 2;
pub(crate) const SOCKADDR_UN_LEN: usize = 110;

/// How many bytes of a socket address of `family` getnameinfo reads, given the caller's length: the
/// ABI layer views exactly that much of the caller's memory (for AF_LOCAL, the whole `sockaddr_un`,
/// as glibc reads it).
pub fn sockaddr_read_len(family: i32, salen: usize) -> usize {
    let size = match family {
        AF_INET => SOCKADDR_IN_LEN,
        AF_INET6 => SOCKADDR_IN6_LEN,
        // glibc reads `sun_path` up to its NUL whatever `salen` says.
        AF_LOCAL => return SOCKADDR_UN_LEN,
        _ => 2,
    };
    salen.min(size)
}

/// Decodes the caller's socket address (`bytes` as long as `salen`, but at most what the family
/// needs), with glibc's `EAI_FAMILY` checks.
pub fn parse_sockaddr(bytes: &[u8], salen: usize) -> Result<SocketAddress<'_>, GaiError> {
    let [f0, f1, ..] = *bytes else {
        return Err(GaiError::Family);
    };
    let port = |b: &[u8]| u16::from_be_bytes([b[2], b[3]]);
    match i32::from(u16::from_ne_bytes([f0, f1])) {
        AF_INET if salen >= SOCKADDR_IN_LEN && bytes.len() >= SOCKADDR_IN_LEN => {
            let address = Ipv4Addr::new(bytes[4], bytes[5], bytes[6], bytes[7]);
            Ok(SocketAddress::V4 {
                address,
                port: port(bytes),
            })
        }
        AF_INET6 if salen >= SOCKADDR_IN6_LEN && bytes.len() >= SOCKADDR_IN6_LEN => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&bytes[8..24]);
            let scope_id = u32::from_ne_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
            Ok(SocketAddress::V6 {
                address: Ipv6Addr::from(octets),
                port: port(bytes),
                scope_id,
            })
        }
        AF_LOCAL => {
            let path = &bytes[SUN_PATH_OFFSET..];
            let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            Ok(SocketAddress::Local { path: &path[..end] })
        }
        _ => Err(GaiError::Family),
    }
}

/// The argument checks that come before the address is looked at: unknown flags, then a missing
/// or too short address, then `NI_NAMEREQD` with neither buffer.
pub fn check_arguments(
    flags: i32,
    salen: Option<usize>,
    wants_host: bool,
    wants_serv: bool,
) -> Result<(), GaiError> {
    if flags & !NI_KNOWN != 0 {
        return Err(GaiError::BadFlags);
    }
    if salen.is_none_or(|len| len < 2) {
        return Err(GaiError::Family);
    }
    if flags & NI_NAMEREQD != 0 && !wants_host && !wants_serv {
        return Err(GaiError::NoName);
    }
    Ok(())
}

/// What a translation leaves in errno besides its result (glibc's lookups set it as a side effect).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Outcome {
    pub errno: Option<i32>,
}

/// A failed translation: the `EAI_*` code and the errno glibc leaves (ENOSPC when inet_ntop ran out
/// of room).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    pub error: GaiError,
    pub errno: Option<i32>,
}

impl From<GaiError> for Failure {
    fn from(error: GaiError) -> Failure {
        Failure { error, errno: None }
    }
}

/// Fills `host` and `serv` (each absent when the caller passed NULL or a zero length) as glibc's
/// getnameinfo does.
pub fn getnameinfo(
    address: &SocketAddress<'_>,
    host: Option<&mut [u8]>,
    serv: Option<&mut [u8]>,
    flags: i32,
    sources: &dyn NameSources,
) -> Result<Outcome, Failure> {
    let mut outcome = Outcome::default();
    if let Some(host) = host {
        outcome = match address {
            SocketAddress::Local { .. } => local_host(host, flags, sources)?,
            _ => inet_host(address, host, flags, sources)?,
        };
    }
    if let Some(serv) = serv {
        match address {
            SocketAddress::Local { path } => copy_checked(serv, path)?,
            SocketAddress::V4 { port, .. } | SocketAddress::V6 { port, .. } => {
                let looked_up = flags & NI_NUMERICSERV == 0;
                // getservbyport_r leaves errno at its return value: 0, found or not.
                let errno = if looked_up { Some(0) } else { outcome.errno };
                inet_service(*port, serv, flags, sources)
                    .map_err(|error| Failure { error, errno })?;
                outcome.errno = errno;
            }
        }
    }
    Ok(outcome)
}

/// `checked_copy`: the text and its NUL, or `EAI_OVERFLOW` without writing anything.
fn copy_checked(buffer: &mut [u8], text: &[u8]) -> Result<(), GaiError> {
    let destination = buffer.get_mut(..text.len() + 1).ok_or(GaiError::Overflow)?;
    destination[..text.len()].copy_from_slice(text);
    destination[text.len()] = 0;
    Ok(())
}

/// `snprintf` into the buffer: as much as fits plus a NUL, and `EAI_OVERFLOW` when it did not all
/// fit (the truncated text stays written, as in glibc).
fn copy_truncating(buffer: &mut [u8], text: &[u8]) -> Result<(), GaiError> {
    let room = buffer.len().saturating_sub(1);
    let written = text.len().min(room);
    buffer[..written].copy_from_slice(&text[..written]);
    if let Some(nul) = buffer.get_mut(written) {
        *nul = 0;
    }
    if text.len() + 1 > buffer.len() {
        return Err(GaiError::Overflow);
    }
    Ok(())
}

/// AF_LOCAL: the node name (`uname`), or "localhost" with `NI_NUMERICHOST`.
fn local_host(host: &mut [u8], flags: i32, sources: &dyn NameSources) -> Result<Outcome, GaiError> {
    if flags & NI_NUMERICHOST == 0 {
        if let Some(node) = sources.node_name() {
            return copy_checked(host, &node).map(|()| Outcome::default());
        }
    }
    if flags & NI_NAMEREQD != 0 {
        return Err(GaiError::NoName);
    }
    copy_checked(host, b"localhost").map(|()| Outcome::default())
}

fn inet_host(
    address: &SocketAddress<'_>,
    host: &mut [u8],
    flags: i32,
    sources: &dyn NameSources,
) -> Result<Outcome, Failure> {
    let mut lookup_errno = None;
    if flags & NI_NUMERICHOST == 0 {
        // gethostbyaddr_r leaves errno at its return value: 0 when found or not found; it refuses
        // :: before that without touching errno.
        let unspecified =
            matches!(address, SocketAddress::V6 { address, .. } if address.is_unspecified());
        let errno = (!unspecified).then_some(0);
        match host_name(address, host, flags, sources) {
            Err(GaiError::NoName) => lookup_errno = errno,
            Err(error @ GaiError::Again) => {
                return Err(Failure {
                    error,
                    errno: Some(libc::EAGAIN),
                })
            }
            Err(error @ GaiError::System(code)) => {
                return Err(Failure {
                    error,
                    errno: Some(code),
                })
            }
            result => {
                return result
                    .map(|()| Outcome { errno })
                    .map_err(|error| Failure { error, errno })
            }
        }
    }
    if flags & NI_NAMEREQD != 0 {
        return Err(Failure {
            error: GaiError::NoName,
            errno: lookup_errno,
        });
    }
    numeric_host(address, host, sources)
        .map(|o| Outcome {
            errno: o.errno.or(lookup_errno),
        })
        .map_err(|f| Failure {
            errno: f.errno.or(lookup_errno),
            ..f
        })
}

/// The reverse lookup through the sources, as `gethostbyaddr_r`; `EAI_NONAME` lets the caller fall
/// back to the numeric form.
fn host_name(
    address: &SocketAddress<'_>,
    host: &mut [u8],
    flags: i32,
    sources: &dyn NameSources,
) -> Result<(), GaiError> {
    let ip = match *address {
        SocketAddress::V4 { address, .. } => IpAddr::V4(address),
        SocketAddress::V6 { address, .. } => IpAddr::V6(address),
        SocketAddress::Local { .. } => return Err(GaiError::NoName),
    };
    let mut name = reverse_lookup(ip, sources)?;
    if flags & NI_NOFQDN != 0 {
        strip_local_domain(&mut name, sources);
    }
    if flags & NI_IDN != 0 {
        name = idna::from_dns_encoding(&name, sources.utf8_locale())?;
    }
    copy_checked(host, &name)
}

fn reverse_lookup(ip: IpAddr, sources: &dyn NameSources) -> Result<Vec<u8>, GaiError> {
    // gethostbyaddr_r answers HOST_NOT_FOUND for :: without asking any source.
    if ip == IpAddr::V6(Ipv6Addr::UNSPECIFIED) {
        return Err(GaiError::NoName);
    }
    let mut last = None;
    for entry in sources.host_sources() {
        match sources.lookup_address(entry.source, ip) {
            Ok(name) => return Ok(name),
            Err(failure) => {
                last = Some(failure);
                if entry.returns_on(failure.status) {
                    break;
                }
            }
        }
    }
    match last.map(|failure| (failure.h_errno, failure.errno)) {
        Some((NETDB_INTERNAL, errno)) => Err(GaiError::System(errno)),
        Some((TRY_AGAIN, _)) => Err(GaiError::Again),
        _ => Err(GaiError::NoName),
    }
}

/// NI_NOFQDN: cuts the name at ".<local domain>" when that occurs after its first character.
fn strip_local_domain(name: &mut Vec<u8>, sources: &dyn NameSources) {
    let Some(domain) = sources.local_domain().filter(|d| !d.is_empty()) else {
        return;
    };
    let found = name
        .windows(domain.len())
        .position(|w| w == domain.as_slice());
    if let Some(at) = found.filter(|&at| at > 0 && name[at - 1] == b'.') {
        name.truncate(at - 1);
    }
}

/// The numeric form; an IPv6 scope id follows as "%name" for link-local addresses whose interface
/// exists (glibc asks `if_indextoname`, which leaves ENXIO when there is none), else "%number". The
/// scope is written as `snprintf` would: truncated, with `EAI_OVERFLOW`, when it does not fit.
fn numeric_host(
    address: &SocketAddress<'_>,
    host: &mut [u8],
    sources: &dyn NameSources,
) -> Result<Outcome, Failure> {
    let (text, v6, scope) = match *address {
        SocketAddress::V4 { address, .. } => (format::format_ipv4(address.octets()), None, 0),
        SocketAddress::V6 {
            address, scope_id, ..
        } => (
            format::format_ipv6(address.octets()),
            Some(address),
            scope_id,
        ),
        SocketAddress::Local { .. } => return Err(GaiError::Family.into()),
    };
    let text = text.as_bytes();
    copy_checked(host, text).map_err(|error| Failure {
        error,
        errno: Some(libc::ENOSPC),
    })?;
    let Some(v6) = v6.filter(|_| scope != 0) else {
        return Ok(Outcome::default());
    };
    let by_name = scope_printed_as_name(&v6);
    let name = by_name.then(|| sources.interface_name(scope)).flatten();
    let errno = (by_name && name.is_none()).then_some(libc::ENXIO);
    let mut scope_text = vec![b'%'];
    scope_text.extend(name.unwrap_or_else(|| decimal(scope).as_bytes().to_vec()));
    let rest = host.get_mut(text.len()..).unwrap_or_default();
    copy_truncating(rest, &scope_text).map_err(|error| Failure { error, errno })?;
    Ok(Outcome { errno })
}

/// Decimal digits of `value`, without allocating.
struct Decimal {
    digits: [u8; 10],
    start: usize,
}

impl Decimal {
    fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or_default()
    }
}

fn decimal(mut value: u32) -> Decimal {
    let mut out = Decimal {
        digits: [0; 10],
        start: 10,
    };
    loop {
        out.start -= 1;
        out.digits[out.start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return out;
        }
    }
}

/// The service: its name from the services database for "tcp" (or "udp" with NI_DGRAM), else the
/// port number.
fn inet_service(
    port: u16,
    serv: &mut [u8],
    flags: i32,
    sources: &dyn NameSources,
) -> Result<(), GaiError> {
    if flags & NI_NUMERICSERV == 0 {
        let protocol = if flags & NI_DGRAM != 0 { "udp" } else { "tcp" };
        if let Some(name) = sources.service_name(port, protocol) {
            return copy_checked(serv, &name);
        }
    }
    copy_truncating(serv, decimal(u32::from(port)).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::sources::{HostSource, NssStatus};
    use crate::lookup::test_sources::{failure, TestSources};

    fn v4(text: &str, port: u16) -> SocketAddress<'static> {
        SocketAddress::V4 {
            address: text.parse().unwrap(),
            port,
        }
    }

    fn v6(text: &str, port: u16, scope_id: u32) -> SocketAddress<'static> {
        SocketAddress::V6 {
            address: text.parse().unwrap(),
            port,
            scope_id,
        }
    }

    /// Runs getnameinfo with buffers of the given sizes; returns the result and the buffers' texts.
    fn run(
        address: SocketAddress,
        hostlen: usize,
        servlen: usize,
        flags: i32,
        s: &TestSources,
    ) -> (Result<Outcome, GaiError>, String, String) {
        let mut host = vec![b'#'; hostlen];
        let mut serv = vec![b'#'; servlen];
        let h = (hostlen > 0).then_some(host.as_mut_slice());
        let v = (servlen > 0).then_some(serv.as_mut_slice());
        let result = getnameinfo(&address, h, v, flags, s).map_err(|f| f.error);
        let text =
            |b: &[u8]| String::from_utf8_lossy(b.split(|&c| c == 0).next().unwrap()).into_owned();
        (result, text(&host), text(&serv))
    }

    #[test]
    fn argument_checks() {
        assert_eq!(
            check_arguments(0x100, Some(16), true, true),
            Err(GaiError::BadFlags)
        );
        assert_eq!(
            check_arguments(
                NI_IDN_ALLOW_UNASSIGNED | NI_IDN_USE_STD3_ASCII_RULES,
                Some(16),
                true,
                true
            ),
            Ok(())
        );
        assert_eq!(check_arguments(0, None, true, true), Err(GaiError::Family));
        assert_eq!(
            check_arguments(0, Some(1), true, true),
            Err(GaiError::Family)
        );
        assert_eq!(
            check_arguments(NI_NAMEREQD, Some(16), false, false),
            Err(GaiError::NoName)
        );
        assert_eq!(check_arguments(0, Some(16), false, false), Ok(()));
        let mut sin = [0u8; 16];
        sin[0] = AF_INET as u8;
        assert_eq!(parse_sockaddr(&sin[..15], 15), Err(GaiError::Family));
        assert_eq!(parse_sockaddr(&sin, 16), Ok(v4("0.0.0.0", 0)));
        sin[0] = 3;
        assert_eq!(parse_sockaddr(&sin, 16), Err(GaiError::Family));
    }

    #[test]
    fn names_and_services_from_the_sources() {
        let s = TestSources::default();
        assert_eq!(
            run(v4("127.0.0.1", 80), 64, 32, 0, &s),
            (
                Ok(Outcome { errno: Some(0) }),
                "localhost".into(),
                "http".into()
            )
        );
        assert_eq!(run(v4("127.0.0.1", 514), 64, 32, NI_DGRAM, &s).2, "syslog");
        assert_eq!(run(v4("127.0.0.1", 514), 64, 32, 0, &s).2, "shell");
        assert_eq!(run(v4("127.0.0.1", 81), 64, 32, 0, &s).2, "81");
        assert_eq!(
            run(
                v4("127.0.0.1", 80),
                64,
                32,
                NI_NUMERICSERV | NI_NUMERICHOST,
                &s
            )
            .1,
            "127.0.0.1"
        );
        assert_eq!(run(v4("192.0.2.7", 80), 64, 32, NI_NOFQDN, &s).1, "host");
        assert_eq!(run(v4("192.0.2.7", 80), 64, 32, 0, &s).1, "host.corp.test");
        assert_eq!(
            run(v4("192.0.2.8", 80), 64, 32, NI_NAMEREQD, &s).0,
            Err(GaiError::NoName)
        );
        assert_eq!(run(v4("192.0.2.8", 80), 64, 32, 0, &s).1, "192.0.2.8");
    }

    #[test]
    fn temporary_failures_do_not_fall_back_to_numeric() {
        let s = TestSources {
            reverse: vec![(
                HostSource::Dns,
                "192.0.2.99",
                Err(failure(NssStatus::TryAgain, TRY_AGAIN, 0)),
            )],
            ..TestSources::default()
        };
        assert_eq!(
            run(v4("192.0.2.99", 80), 64, 32, 0, &s).0,
            Err(GaiError::Again)
        );
        assert_eq!(
            run(
                v4("192.0.2.99", 80),
                64,
                32,
                NI_NUMERICHOST | NI_NAMEREQD,
                &s
            )
            .0,
            Err(GaiError::NoName)
        );
    }

    #[test]
    fn scopes_print_as_names_or_numbers() {
        let s = TestSources::default();
        assert_eq!(
            run(v6("fe80::1", 0, 1), 64, 0, NI_NUMERICHOST, &s).1,
            "fe80::1%lo"
        );
        assert_eq!(
            run(v6("fe80::1", 0, 99), 64, 0, NI_NUMERICHOST, &s).1,
            "fe80::1%99"
        );
        assert_eq!(
            run(v6("2001:db8::1", 0, 1), 64, 0, NI_NUMERICHOST, &s).1,
            "2001:db8::1%1"
        );
        // The scope does not fit: written truncated, EAI_OVERFLOW.
        let (result, host, _) = run(v6("fe80::1", 0, 1), 9, 0, NI_NUMERICHOST, &s);
        assert_eq!(
            (result, host.as_str()),
            (Err(GaiError::Overflow), "fe80::1%")
        );
        // A link-local scope without an interface: printed as a number, errno ENXIO.
        let unknown = run(v6("fe80::1", 0, 99), 64, 0, NI_NUMERICHOST, &s).0;
        assert_eq!(
            unknown,
            Ok(Outcome {
                errno: Some(libc::ENXIO)
            })
        );
    }

    #[test]
    fn overflow_rules() {
        let s = TestSources::default();
        assert_eq!(
            run(v4("10.0.0.1", 80), 8, 0, NI_NUMERICHOST, &s).0,
            Err(GaiError::Overflow)
        );
        assert_eq!(
            run(v4("10.0.0.1", 80), 9, 0, NI_NUMERICHOST, &s).1,
            "10.0.0.1"
        );
        let (result, _, serv) = run(v4("10.0.0.1", 80), 0, 2, NI_NUMERICSERV, &s);
        assert_eq!((result, serv.as_str()), (Err(GaiError::Overflow), "8"));
        let (result, _, serv) = run(v4("10.0.0.1", 80), 0, 4, 0, &s);
        assert_eq!((result, serv.as_str()), (Err(GaiError::Overflow), "####"));
        assert_eq!(
            run(v4("127.0.0.1", 80), 9, 0, 0, &s).0,
            Err(GaiError::Overflow)
        );
        assert_eq!(run(v4("127.0.0.1", 80), 10, 0, 0, &s).1, "localhost");
    }

    #[test]
    fn local_addresses() {
        let s = TestSources::default();
        let local = SocketAddress::Local { path: b"/tmp/sock" };
        assert_eq!(
            run(local, 64, 64, 0, &s),
            (
                Ok(Outcome::default()),
                "testnode".into(),
                "/tmp/sock".into()
            )
        );
        assert_eq!(run(local, 64, 0, NI_NUMERICHOST, &s).1, "localhost");
        assert_eq!(
            run(local, 64, 0, NI_NUMERICHOST | NI_NAMEREQD, &s).0,
            Err(GaiError::NoName)
        );
        assert_eq!(run(local, 0, 9, 0, &s).0, Err(GaiError::Overflow));
    }
}
