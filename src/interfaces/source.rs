//! The source address the kernel would choose for a destination, learned as glibc learns it: connect a
//! UDP socket (nothing is sent) and ask for its local name.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::sys::syscall::{check, syscall6};
use crate::sys::Errno;

/// What one probe found: the source address (IPv4 for an IPv4 destination) and whether it was learned
/// through an IPv6 socket (then glibc looks it up in the address table as `::ffff:a.b.c.d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub address: SocketAddr,
    pub through_ipv6_socket: bool,
}

/// A reusable probing socket, with glibc's reuse rule: the first destination's family opens it, an
/// IPv6 destination after an IPv4 socket reopens it, and an IPv4 destination reuses an IPv6 socket
/// (falling back to IPv4 where IPv6 sockets are IPv6-only).
///
/// The family glibc's socket would have (the *state*) is kept apart from the real socket, so that a
/// cache can replay probes without making them: a probe's result depends only on the destination and
/// the state before it, and determines the state after it.
#[derive(Default)]
pub struct SourceProbe {
    family: Option<i32>,
    socket: Option<(i32, i32)>,
}

/// One probe's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probed {
    /// The source, or `None` if the destination is unreachable (rule 1's "unusable destination").
    pub source: Option<Source>,
    /// False when the probe failed for lack of a socket (a transient condition, not an answer).
    pub cacheable: bool,
}

impl SourceProbe {
    pub fn new() -> SourceProbe {
        SourceProbe::default()
    }

    /// The family of the socket glibc would hold now (`None`: no socket yet, or opening one failed).
    pub fn state(&self) -> Option<i32> {
        self.family
    }

    /// Sets the state, as after a replayed probe.
    pub fn set_state(&mut self, family: Option<i32>) {
        self.family = family;
    }

    /// Probes one destination for its source address.
    pub fn probe(&mut self, destination: &SocketAddr) -> Option<Source> {
        self.probe_detailed(destination).source
    }

    /// Probes one destination, telling whether the answer may be cached.
    pub fn probe_detailed(&mut self, destination: &SocketAddr) -> Probed {
        let wanted = if destination.is_ipv4() {
            libc::AF_INET
        } else {
            libc::AF_INET6
        };
        let family = match self.family {
            Some(libc::AF_INET) if wanted == libc::AF_INET6 => wanted,
            Some(family) => family,
            None => wanted,
        };
        let Some(fd) = self.ready(family) else {
            return Probed {
                source: None,
                cacheable: false,
            };
        };
        let through_ipv6_socket = family == libc::AF_INET6;
        match connect_and_name(fd, destination) {
            Ok(address) => Probed {
                source: Some(Source {
                    address: unmap(address),
                    through_ipv6_socket,
                }),
                cacheable: true,
            },
            Err(Errno(libc::EAFNOSUPPORT)) if through_ipv6_socket && wanted == libc::AF_INET => {
                let Some(fd) = self.ready(libc::AF_INET) else {
                    return Probed {
                        source: None,
                        cacheable: false,
                    };
                };
                let found = connect_and_name(fd, destination).ok();
                let source = found.map(|a| Source {
                    address: unmap(a),
                    through_ipv6_socket: false,
                });
                Probed {
                    source,
                    cacheable: true,
                }
            }
            Err(_) => Probed {
                source: None,
                cacheable: true,
            },
        }
    }

    /// Makes the state `family` and returns a fresh or disconnected socket of that family.
    fn ready(&mut self, family: i32) -> Option<i32> {
        self.family = Some(family);
        match self.socket {
            Some((fd, open_family)) if open_family == family => {
                disconnect(fd);
                return Some(fd);
            }
            _ => self.close(),
        }
        let kind = (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as usize;
        // SAFETY: socket takes no pointers.
        let fd = check(unsafe {
            syscall6(libc::SYS_socket as usize, family as usize, kind, 0, 0, 0, 0)
        });
        self.socket = fd.ok().map(|fd| (fd as i32, family));
        if self.socket.is_none() {
            self.family = None;
        }
        self.socket.map(|(fd, _)| fd)
    }

    fn close(&mut self) {
        if let Some((fd, _)) = self.socket.take() {
            // SAFETY: the fd is ours and closed once.
            unsafe { syscall6(libc::SYS_close as usize, fd as usize, 0, 0, 0, 0, 0) };
        }
    }
}

impl Drop for SourceProbe {
    fn drop(&mut self) {
        self.close();
    }
}

/// Dissolves a UDP socket's association (connect to AF_UNSPEC); the result does not matter.
fn disconnect(fd: i32) {
    let unspecified = [0u8; 16];
    // SAFETY: a 16-byte sockaddr with family AF_UNSPEC.
    unsafe {
        syscall6(
            libc::SYS_connect as usize,
            fd as usize,
            unspecified.as_ptr() as usize,
            16,
            0,
            0,
            0,
        )
    };
}

/// Connects `fd` to `destination` and returns the local address the kernel bound.
fn connect_and_name(fd: i32, destination: &SocketAddr) -> Result<SocketAddr, Errno> {
    let (bytes, length) = sockaddr_bytes(destination);
    // SAFETY: `bytes` holds a sockaddr of `length` bytes.
    check(unsafe {
        syscall6(
            libc::SYS_connect as usize,
            fd as usize,
            bytes.as_ptr() as usize,
            length,
            0,
            0,
            0,
        )
    })?;
    let mut name = [0u8; 28];
    let mut name_length: u32 = 28;
    // SAFETY: getsockname writes at most `name_length` bytes into `name`.
    check(unsafe {
        syscall6(
            libc::SYS_getsockname as usize,
            fd as usize,
            name.as_mut_ptr() as usize,
            &mut name_length as *mut u32 as usize,
            0,
            0,
            0,
        )
    })?;
    parse_sockaddr(&name).ok_or(Errno(libc::EAFNOSUPPORT))
}

/// A socket address in the kernel's byte layout, and its length.
pub fn sockaddr_bytes(address: &SocketAddr) -> ([u8; 28], usize) {
    let mut bytes = [0u8; 28];
    match address {
        SocketAddr::V4(v4) => {
            bytes[0..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
            bytes[2..4].copy_from_slice(&v4.port().to_be_bytes());
            bytes[4..8].copy_from_slice(&v4.ip().octets());
            (bytes, 16)
        }
        SocketAddr::V6(v6) => {
            bytes[0..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
            bytes[2..4].copy_from_slice(&v6.port().to_be_bytes());
            bytes[4..8].copy_from_slice(&v6.flowinfo().to_be_bytes());
            bytes[8..24].copy_from_slice(&v6.ip().octets());
            bytes[24..28].copy_from_slice(&v6.scope_id().to_ne_bytes());
            (bytes, 28)
        }
    }
}

/// Reads a kernel socket address of family AF_INET or AF_INET6.
pub fn parse_sockaddr(bytes: &[u8; 28]) -> Option<SocketAddr> {
    let family = i32::from(u16::from_ne_bytes([bytes[0], bytes[1]]));
    let port = u16::from_be_bytes([bytes[2], bytes[3]]);
    match family {
        libc::AF_INET => {
            let ip = Ipv4Addr::new(bytes[4], bytes[5], bytes[6], bytes[7]);
            Some(SocketAddr::V4(SocketAddrV4::new(ip, port)))
        }
        libc::AF_INET6 => {
            let ip: [u8; 16] = bytes[8..24].try_into().ok()?;
            let flowinfo = u32::from_be_bytes(bytes[4..8].try_into().ok()?);
            let scope = u32::from_ne_bytes(bytes[24..28].try_into().ok()?);
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                flowinfo,
                scope,
            )))
        }
        _ => None,
    }
}

/// A v4-mapped source learned through an IPv6 socket, turned back into IPv4 (port kept).
fn unmap(address: SocketAddr) -> SocketAddr {
    match address {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::V4(SocketAddrV4::new(v4, v6.port())),
            None => address,
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_sources() {
        let mut probe = SourceProbe::new();
        let v4: SocketAddr = "127.0.0.5:0".parse().unwrap();
        let source = probe.probe(&v4).expect("loopback is reachable");
        // lo's address is 127.0.0.1/8: the kernel picks it for any 127.x (hence glibc's lo special case).
        assert_eq!(source.address.ip(), std::net::IpAddr::from([127, 0, 0, 1]));
        assert!(!source.through_ipv6_socket);
        let v6: SocketAddr = "[::1]:0".parse().unwrap();
        assert_eq!(probe.probe(&v6).unwrap().address.ip(), v6.ip());
        // An IPv4 destination after an IPv6 one reuses the IPv6 socket and is unmapped.
        let again = probe.probe(&v4).unwrap();
        assert!(again.through_ipv6_socket);
        assert_eq!(again.address.ip(), std::net::IpAddr::from([127, 0, 0, 1]));
    }

    #[test]
    fn sockaddr_round_trip() {
        for text in ["192.0.2.1:80", "[fe80::1%3]:443", "[2001:db8::1]:0"] {
            let address: SocketAddr = text.parse().unwrap();
            let (bytes, _) = sockaddr_bytes(&address);
            assert_eq!(parse_sockaddr(&bytes), Some(address));
        }
    }
}
