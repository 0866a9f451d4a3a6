//! The service half of getaddrinfo: parsing the service string as glibc does, and choosing the
//! (socket type, protocol, port) tuples from glibc's `gaih_inet_typeproto` table.

use super::constants::*;
use super::gai_error::GaiError;

/// One row of glibc's `gaih_inet_typeproto` table.
#[derive(Clone, Copy, Debug)]
struct TypeProto {
    socktype: i32,
    protocol: i32,
    /// The row takes whatever protocol the hints ask for (`GAI_PROTO_PROTOANY`).
    protocol_any: bool,
    /// A service with this row is `EAI_SERVICE` (`GAI_PROTO_NOSERVICE`).
    no_service: bool,
    /// Returned when the hints give neither socket type nor protocol.
    default: bool,
    /// The protocol name services are looked up under.
    name: &'static str,
}

const fn row(socktype: i32, protocol: i32, default: bool, name: &'static str) -> TypeProto {
    TypeProto {
        socktype,
        protocol,
        protocol_any: false,
        no_service: false,
        default,
        name,
    }
}

const TYPE_PROTOS: [TypeProto; 7] = [
    row(SOCK_STREAM, IPPROTO_TCP, true, "tcp"),
    row(SOCK_DGRAM, IPPROTO_UDP, true, "udp"),
    row(SOCK_DCCP, IPPROTO_DCCP, false, "dccp"),
    row(SOCK_DGRAM, IPPROTO_UDPLITE, false, "udplite"),
    row(SOCK_STREAM, IPPROTO_SCTP, false, "sctp"),
    row(SOCK_SEQPACKET, IPPROTO_SCTP, false, "sctp"),
    TypeProto {
        protocol_any: true,
        no_service: true,
        ..row(SOCK_RAW, 0, true, "raw")
    },
];

impl TypeProto {
    #[inline]
    fn matches(&self, socktype: i32, protocol: i32) -> bool {
        (socktype == 0 || socktype == self.socktype)
            && (protocol == 0 || self.protocol_any || protocol == self.protocol)
    }

    #[inline]
    fn tuple(&self, requested_protocol: i32, port: u16) -> ServiceTuple {
        let protocol = if self.protocol_any {
            requested_protocol
        } else {
            self.protocol
        };
        ServiceTuple {
            socktype: self.socktype,
            protocol,
            port,
        }
    }
}

/// The service argument after parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service<'a> {
    /// No service (NULL, "*" or ""): port 0.
    None,
    /// A number, already truncated to 16 bits as glibc does (`htons` of an `int`).
    Number(u16),
    /// Anything else: looked up in the services database per protocol.
    Name(&'a [u8]),
}

/// Parses the service as glibc's getaddrinfo does with `strtoul(service, &end, 10)`: leading white
/// space and a sign are accepted, the value is truncated to `int` (a negative one is treated as a
/// name) and then to 16 bits, and anything left after the digits makes the whole string a name —
/// which `AI_NUMERICSERV` refuses with `EAI_NONAME`.
#[inline(always)]
pub fn parse_service(service: Option<&[u8]>, numeric_only: bool) -> Result<Service<'_>, GaiError> {
    let text = match service {
        None | Some(b"") => return Ok(Service::None),
        Some(text) => text,
    };
    match strtoul_whole(text) {
        Some(value) if (value as i32) >= 0 => Ok(Service::Number(value as i32 as u16)),
        Some(_) => Ok(Service::Name(text)),
        None if numeric_only => Err(GaiError::NoName),
        None => Ok(Service::Name(text)),
    }
}

/// `strtoul(text, &end, 10)` when `*end == '\0'`, else `None`. Overflow saturates to `ULONG_MAX`
/// as strtoul does; a minus sign negates in unsigned arithmetic.
#[inline]
fn strtoul_whole(text: &[u8]) -> Option<u64> {
    // Almost every numeric service is plain digits: one pass, without the space and sign steps.
    if text.first().is_some_and(u8::is_ascii_digit) {
        return decimal_digits(text);
    }
    let start = text
        .iter()
        .position(|&c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let (negative, digits) = match &text[start..] {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() {
        return None;
    }
    let value = decimal_digits(digits)?;
    Some(if negative && value != u64::MAX {
        value.wrapping_neg()
    } else {
        value
    })
}

/// The value of text made only of decimal digits (saturated at `u64::MAX`), `None` if any byte is
/// not a digit.
#[inline]
fn decimal_digits(digits: &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    let mut overflow = false;
    for &c in digits {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
        {
            Some(next) => value = next,
            None => overflow = true,
        }
    }
    Some(if overflow { u64::MAX } else { value })
}

/// A (socket type, protocol, port) combination each address is returned with. The port is in host
/// byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ServiceTuple {
    pub socktype: i32,
    pub protocol: i32,
    pub port: u16,
}

/// The rows returned when the hints give neither socket type nor protocol, one bit each.
const DEFAULT_ROWS: u32 = {
    let mut rows = 0;
    let mut index = 0;
    while index < TYPE_PROTOS.len() {
        if TYPE_PROTOS[index].default {
            rows |= 1 << index;
        }
        index += 1;
    }
    rows
};

/// The tuples of one getaddrinfo call. There is at most one per table row and they come in table
/// order, so they are kept as a set of rows (one bit each) with each row's port.
#[derive(Clone, Copy, Debug, Eq)]
pub struct ServiceTuples {
    /// Bit `i` set: `TYPE_PROTOS[i]` is one of the tuples. (A whole `u32`: the fields have no
    /// padding between them, which a load could be widened into.)
    rows: u32,
    /// Each row's port. Every row has the same one unless the service is a name (found per
    /// protocol); the array has a slot more than the table so that it is written whole.
    ports: [u16; 8],
    /// The protocol the hints asked for, which `protocol_any` rows return.
    requested_protocol: i32,
}

impl ServiceTuples {
    /// No tuple.
    pub(crate) const EMPTY: ServiceTuples = ServiceTuples {
        rows: 0,
        ports: [0; 8],
        requested_protocol: 0,
    };

    /// The given rows, all with `port`.
    #[inline]
    fn same_port(rows: u32, port: u16, requested_protocol: i32) -> ServiceTuples {
        ServiceTuples {
            rows,
            ports: [port; 8],
            requested_protocol,
        }
    }

    fn push(&mut self, row: usize, port: u16) {
        if let Some(slot) = self.ports.get_mut(row) {
            *slot = port;
            self.rows |= 1 << row;
        }
    }

    pub fn len(&self) -> usize {
        self.rows.count_ones() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The tuples in order.
    #[inline]
    pub fn iter(&self) -> ServiceTupleIter<'_> {
        ServiceTupleIter {
            tuples: self,
            rows: self.rows,
        }
    }
}

impl Default for ServiceTuples {
    fn default() -> ServiceTuples {
        ServiceTuples::EMPTY
    }
}

/// Equal when they hold the same tuples (the ports of rows not in the set do not matter).
impl PartialEq for ServiceTuples {
    fn eq(&self, other: &ServiceTuples) -> bool {
        self.iter().eq(other.iter())
    }
}

/// The tuples of a [`ServiceTuples`], in table order.
#[derive(Clone)]
pub struct ServiceTupleIter<'a> {
    tuples: &'a ServiceTuples,
    /// The rows not yet returned.
    rows: u32,
}

impl Iterator for ServiceTupleIter<'_> {
    type Item = ServiceTuple;

    #[inline]
    fn next(&mut self) -> Option<ServiceTuple> {
        let row = self.rows.trailing_zeros() as usize;
        self.rows &= self.rows.wrapping_sub(1);
        let port = *self.tuples.ports.get(row)?;
        Some(
            TYPE_PROTOS
                .get(row)?
                .tuple(self.tuples.requested_protocol, port),
        )
    }
}

/// Chooses the tuples as glibc's `gaih_inet` does. With a socket type or protocol in the hints only
/// the first matching row is used (none: `EAI_SOCKTYPE`, or `EAI_SERVICE` if only a protocol was
/// given); without them the default rows, or for a named service every row whose protocol lists it.
/// `port_of(name, protocol)` looks a service name up in the services database.
///
/// The tuples are written to `tuples`, where the caller keeps them (a returned value would be
/// copied there through memory, in pieces of other sizes than it was written in).
#[inline(always)]
pub fn service_tuples(
    service: Service<'_>,
    socktype: i32,
    protocol: i32,
    port_of: &dyn Fn(&[u8], &str) -> Option<u16>,
    tuples: &mut ServiceTuples,
) -> Result<(), GaiError> {
    if socktype != 0 || protocol != 0 {
        let chosen = TYPE_PROTOS
            .iter()
            .enumerate()
            .find(|(_, row)| row.matches(socktype, protocol));
        let (index, row) = chosen.ok_or(if socktype != 0 {
            GaiError::SockType
        } else {
            GaiError::Service
        })?;
        let port = match service {
            Service::None => 0,
            _ if row.no_service => return Err(GaiError::Service),
            Service::Number(port) => port,
            Service::Name(name) => port_of(name, row.name).ok_or(GaiError::Service)?,
        };
        *tuples = ServiceTuples::same_port(1 << index, port, protocol);
        return Ok(());
    }
    *tuples = match service {
        Service::None => ServiceTuples::same_port(DEFAULT_ROWS, 0, protocol),
        Service::Number(port) => ServiceTuples::same_port(DEFAULT_ROWS, port, protocol),
        Service::Name(name) => named_service_tuples(name, protocol, port_of)?,
    };
    Ok(())
}

/// A named service without socket type or protocol: every row whose protocol lists the name.
#[cold]
fn named_service_tuples(
    name: &[u8],
    protocol: i32,
    port_of: &dyn Fn(&[u8], &str) -> Option<u16>,
) -> Result<ServiceTuples, GaiError> {
    let mut tuples = ServiceTuples::same_port(0, 0, protocol);
    let rows = TYPE_PROTOS.iter().enumerate();
    for (index, row) in rows.filter(|(_, row)| !row.no_service) {
        if let Some(port) = port_of(name, row.name) {
            tuples.push(index, port);
        }
    }
    if tuples.is_empty() {
        return Err(GaiError::Service);
    }
    Ok(tuples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(name: &[u8], protocol: &str) -> Option<u16> {
        match (name, protocol) {
            (b"http", "tcp") => Some(80),
            (b"domain", "tcp" | "udp") => Some(53),
            (b"both", "tcp" | "udp" | "sctp" | "dccp") => Some(9),
            _ => None,
        }
    }

    fn tuples(
        service: Service,
        socktype: i32,
        protocol: i32,
    ) -> Result<Vec<(i32, i32, u16)>, GaiError> {
        let mut found = ServiceTuples::EMPTY;
        service_tuples(service, socktype, protocol, &services, &mut found)?;
        Ok(found
            .iter()
            .map(|t| (t.socktype, t.protocol, t.port))
            .collect())
    }

    #[test]
    fn service_strings_parse_like_strtoul() {
        assert_eq!(
            parse_service(Some(b"99999"), false),
            Ok(Service::Number(34463))
        );
        assert_eq!(parse_service(Some(b" 80"), false), Ok(Service::Number(80)));
        assert_eq!(parse_service(Some(b"+80"), false), Ok(Service::Number(80)));
        assert_eq!(
            parse_service(Some(b"80 "), false),
            Ok(Service::Name(b"80 "))
        );
        assert_eq!(parse_service(Some(b"-1"), false), Ok(Service::Name(b"-1")));
        assert_eq!(
            parse_service(Some(b"4294967297"), false),
            Ok(Service::Number(1))
        );
        assert_eq!(
            parse_service(Some(b"-4294967295"), false),
            Ok(Service::Number(1))
        );
        assert_eq!(
            parse_service(Some(b"99999999999999999999999"), false),
            Ok(Service::Name(b"99999999999999999999999"))
        );
        assert_eq!(
            parse_service(Some(b"0x50"), false),
            Ok(Service::Name(b"0x50"))
        );
        assert_eq!(parse_service(Some(b""), true), Ok(Service::None));
        assert_eq!(parse_service(None, true), Ok(Service::None));
        assert_eq!(parse_service(Some(b"http"), true), Err(GaiError::NoName));
        assert_eq!(parse_service(Some(b"-1"), true), Ok(Service::Name(b"-1")));
    }

    #[test]
    fn default_rows_without_hints() {
        let all = vec![(SOCK_STREAM, 6, 0), (SOCK_DGRAM, 17, 0), (SOCK_RAW, 0, 0)];
        assert_eq!(tuples(Service::None, 0, 0), Ok(all));
        let numeric = vec![
            (SOCK_STREAM, 6, 53),
            (SOCK_DGRAM, 17, 53),
            (SOCK_RAW, 0, 53),
        ];
        assert_eq!(tuples(Service::Number(53), 0, 0), Ok(numeric));
    }

    #[test]
    fn named_services_use_every_listing_protocol() {
        assert_eq!(
            tuples(Service::Name(b"http"), 0, 0),
            Ok(vec![(SOCK_STREAM, 6, 80)])
        );
        assert_eq!(
            tuples(Service::Name(b"domain"), 0, 0),
            Ok(vec![(1, 6, 53), (2, 17, 53)])
        );
        let both = vec![(1, 6, 9), (2, 17, 9), (6, 33, 9), (1, 132, 9), (5, 132, 9)];
        assert_eq!(tuples(Service::Name(b"both"), 0, 0), Ok(both));
        assert_eq!(
            tuples(Service::Name(b"nosuch"), 0, 0),
            Err(GaiError::Service)
        );
    }

    #[test]
    fn hints_pick_the_first_matching_row() {
        assert_eq!(
            tuples(Service::None, 0, IPPROTO_SCTP),
            Ok(vec![(SOCK_STREAM, 132, 0)])
        );
        assert_eq!(
            tuples(Service::None, SOCK_SEQPACKET, 0),
            Ok(vec![(SOCK_SEQPACKET, 132, 0)])
        );
        assert_eq!(tuples(Service::None, 0, 99), Ok(vec![(SOCK_RAW, 99, 0)]));
        assert_eq!(tuples(Service::None, 9, 0), Err(GaiError::SockType));
        assert_eq!(
            tuples(Service::None, SOCK_STREAM, IPPROTO_UDP),
            Err(GaiError::SockType)
        );
        assert_eq!(
            tuples(Service::Name(b"http"), SOCK_DGRAM, 0),
            Err(GaiError::Service)
        );
        assert_eq!(
            tuples(Service::Number(80), SOCK_RAW, 0),
            Err(GaiError::Service)
        );
        assert_eq!(
            tuples(Service::Name(b"http"), SOCK_RAW, 0),
            Err(GaiError::Service)
        );
        assert_eq!(tuples(Service::Number(7), 0, 99), Err(GaiError::Service));
        assert_eq!(
            tuples(Service::Name(b"http"), SOCK_STREAM, 0),
            Ok(vec![(SOCK_STREAM, 6, 80)])
        );
    }
}
