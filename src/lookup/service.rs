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
    fn matches(&self, socktype: i32, protocol: i32) -> bool {
        (socktype == 0 || socktype == self.socktype)
            && (protocol == 0 || self.protocol_any || protocol == self.protocol)
    }

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
fn strtoul_whole(text: &[u8]) -> Option<u64> {
    let start = text
        .iter()
        .position(|&c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let (negative, digits) = match &text[start..] {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits
        .iter()
        .try_fold(0u64, |acc, &c| {
            acc.checked_mul(10)?.checked_add((c - b'0') as u64)
        })
        .unwrap_or(u64::MAX);
    Some(if negative && value != u64::MAX {
        value.wrapping_neg()
    } else {
        value
    })
}

/// A (socket type, protocol, port) combination each address is returned with. The port is in host
/// byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ServiceTuple {
    pub socktype: i32,
    pub protocol: i32,
    pub port: u16,
}

/// The tuples of one getaddrinfo call, in table order (at most one per table row), kept compact
/// (row index and port) because the result is moved around whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceTuples {
    rows: [u8; TYPE_PROTOS.len()],
    ports: [u16; TYPE_PROTOS.len()],
    len: u8,
    /// The protocol the hints asked for, which `protocol_any` rows return.
    requested_protocol: i32,
}

impl ServiceTuples {
    fn push(&mut self, row: usize, port: u16) {
        let at = self.len as usize;
        if let (Some(row_slot), Some(port_slot)) = (self.rows.get_mut(at), self.ports.get_mut(at)) {
            (*row_slot, *port_slot) = (row as u8, port);
            self.len += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The tuples in order.
    pub fn iter(&self) -> impl Iterator<Item = ServiceTuple> + '_ {
        let rows = self.rows.iter().zip(&self.ports).take(self.len as usize);
        rows.filter_map(|(&row, &port)| {
            Some(
                TYPE_PROTOS
                    .get(row as usize)?
                    .tuple(self.requested_protocol, port),
            )
        })
    }
}

/// Chooses the tuples as glibc's `gaih_inet` does. With a socket type or protocol in the hints only
/// the first matching row is used (none: `EAI_SOCKTYPE`, or `EAI_SERVICE` if only a protocol was
/// given); without them the default rows, or for a named service every row whose protocol lists it.
/// `port_of(name, protocol)` looks a service name up in the services database.
pub fn service_tuples(
    service: Service<'_>,
    socktype: i32,
    protocol: i32,
    port_of: &dyn Fn(&[u8], &str) -> Option<u16>,
) -> Result<ServiceTuples, GaiError> {
    let mut tuples = ServiceTuples {
        requested_protocol: protocol,
        ..ServiceTuples::default()
    };
    let rows = TYPE_PROTOS.iter().enumerate();
    if socktype != 0 || protocol != 0 {
        let chosen = rows
            .clone()
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
        tuples.push(index, port);
        return Ok(tuples);
    }
    match service {
        Service::None | Service::Number(_) => {
            let port = if let Service::Number(port) = service {
                port
            } else {
                0
            };
            rows.filter(|(_, row)| row.default)
                .for_each(|(index, _)| tuples.push(index, port));
        }
        Service::Name(name) => {
            for (index, row) in rows.filter(|(_, row)| !row.no_service) {
                if let Some(port) = port_of(name, row.name) {
                    tuples.push(index, port);
                }
            }
            if tuples.is_empty() {
                return Err(GaiError::Service);
            }
        }
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
        service_tuples(service, socktype, protocol, &services)
            .map(|t| t.iter().map(|t| (t.socktype, t.protocol, t.port)).collect())
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
