//! rtnetlink dumps over raw system calls: the kernel's own list of links and addresses.
//!
//! glibc learns interfaces (getifaddrs, if_nameindex, AI_ADDRCONFIG, the sorting rules) from a
//! `NETLINK_ROUTE` socket with dump requests; so do we, with the same request bytes, and with every length
//! the kernel sends checked before use. Nothing here interprets link or address attributes: that is
//! [`crate::interfaces`]' job.

use super::errno::Errno;
use super::syscall::{check, syscall6};

/// `RTM_NEWLINK`: one link in a link dump.
pub(crate) const RTM_NEWLINK: u16 = 16;
/// `RTM_GETLINK`: asks for the link dump.
pub(crate) const RTM_GETLINK: u16 = 18;
/// `RTM_NEWADDR`: one address in an address dump.
pub(crate) const RTM_NEWADDR: u16 = 20;
/// `RTM_GETADDR`: asks for the address dump.
pub(crate) const RTM_GETADDR: u16 = 22;

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ROOT: u16 = 0x100;
const NLM_F_MATCH: u16 = 0x200;
/// The kernel sets this on a message of a dump whose table changed while it was being dumped.
pub(crate) const NLM_F_DUMP_INTR: u16 = 0x10;
const HEADER_LEN: usize = 16;

/// One datagram can hold at most this much; the kernel sizes dump datagrams to the reader's buffer and
/// never beyond 32 KiB, so a larger datagram (flagged `MSG_TRUNC`) is an error, never a silent cut.
const DATAGRAM_MAX: usize = 32 * 1024;
/// How many notifications one drain reads at most.
const DRAIN_MAX: usize = 4096;
/// A bound on a whole dump, so a misbehaving peer cannot make us allocate without limit.
const DUMP_MAX: usize = 16 * 1024 * 1024;

/// One netlink message of a dump: its type, flags and payload (the bytes after the 16-byte header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    pub kind: u16,
    pub flags: u16,
    pub payload: &'a [u8],
}

/// The messages of one dump, in the order the kernel sent them (the `NLMSG_DONE` marker excluded).
#[derive(Default, Debug)]
pub struct Dump {
    bytes: Vec<u8>,
}

impl Dump {
    /// The messages, each with its length checked against what was received.
    pub fn messages(&self) -> Messages<'_> {
        Messages { rest: &self.bytes }
    }
}

/// Iterator over the well-formed messages of a buffer (`NLMSG_OK` / `NLMSG_NEXT`).
pub struct Messages<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Messages<'a> {
    type Item = Message<'a>;

    fn next(&mut self) -> Option<Message<'a>> {
        let header = parse_header(self.rest)?;
        let payload = self.rest.get(HEADER_LEN..header.len)?;
        self.rest = self.rest.get(align4(header.len)..).unwrap_or(&[]);
        Some(Message {
            kind: header.kind,
            flags: header.flags,
            payload,
        })
    }
}

struct Header {
    len: usize,
    kind: u16,
    flags: u16,
    seq: u32,
    pid: u32,
}

/// Reads a message header if the buffer holds the whole message it announces.
fn parse_header(bytes: &[u8]) -> Option<Header> {
    let field = |at: usize| -> Option<u32> {
        Some(u32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let len = field(0)? as usize;
    if len < HEADER_LEN || len > bytes.len() {
        return None;
    }
    let kind_flags = field(4)?;
    Some(Header {
        len,
        kind: kind_flags as u16,
        flags: (kind_flags >> 16) as u16,
        seq: field(8)?,
        pid: field(12)?,
    })
}

/// Rounds a length up to netlink's 4-byte alignment (`NLMSG_ALIGN`, `RTA_ALIGN`).
pub fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// A bound `NETLINK_ROUTE` socket, closed on drop.
pub struct RouteSocket {
    fd: i32,
    /// The port id the kernel gave the socket: replies to us carry it.
    port_id: u32,
    seq: u32,
    /// One datagram's worth of receive space, reused by every dump on this socket.
    datagram: Vec<u8>,
}

impl RouteSocket {
    /// `socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE)`, bound, with its port id learned.
    pub fn open() -> Result<RouteSocket, Errno> {
        // SAFETY: socket takes no pointers.
        let fd = check(unsafe {
            syscall6(
                libc::SYS_socket as usize,
                libc::AF_NETLINK as usize,
                (libc::SOCK_RAW | libc::SOCK_CLOEXEC) as usize,
                libc::NETLINK_ROUTE as usize,
                0,
                0,
                0,
            )
        })? as i32;
        let mut socket = RouteSocket {
            fd,
            port_id: 0,
            seq: 0,
            datagram: Vec::new(),
        };
        let mut address = netlink_address();
        let size = core::mem::size_of::<libc::sockaddr_nl>();
        // SAFETY: `address` is a valid sockaddr_nl of `size` bytes.
        check(unsafe {
            syscall6(
                libc::SYS_bind as usize,
                fd as usize,
                &address as *const _ as usize,
                size,
                0,
                0,
                0,
            )
        })?;
        let mut length = size as u32;
        // SAFETY: getsockname writes at most `length` bytes into `address` and updates `length`.
        check(unsafe {
            syscall6(
                libc::SYS_getsockname as usize,
                fd as usize,
                &mut address as *mut _ as usize,
                &mut length as *mut u32 as usize,
                0,
                0,
                0,
            )
        })?;
        socket.port_id = address.nl_pid;
        socket.seq = initial_sequence();
        Ok(socket)
    }

    /// Sends a dump request of `request` (`RTM_GETLINK`, `RTM_GETADDR`) for every family, as glibc
    /// does, and collects the reply up to `NLMSG_DONE`. A `NLMSG_ERROR` reply becomes its errno.
    pub fn dump(&mut self, request: u16) -> Result<Dump, Errno> {
        self.seq = self.seq.wrapping_add(1);
        self.send_request(request)?;
        let mut dump = Dump::default();
        let mut datagram = core::mem::take(&mut self.datagram);
        datagram.resize(DATAGRAM_MAX, 0);
        let result = self.receive_dump(&mut datagram, &mut dump);
        self.datagram = datagram;
        result.map(|()| dump)
    }

    /// Receives datagrams into `datagram` until the dump's `NLMSG_DONE`.
    fn receive_dump(&self, datagram: &mut [u8], dump: &mut Dump) -> Result<(), Errno> {
        loop {
            let (received, from_kernel) = self.receive(datagram)?;
            if !from_kernel {
                continue;
            }
            let bytes = datagram.get(..received).unwrap_or(&[]);
            if self.collect(bytes, dump)? {
                return Ok(());
            }
            if dump.bytes.len() > DUMP_MAX {
                return Err(Errno(libc::ENOBUFS));
            }
        }
    }

    /// Appends the messages of one datagram that answer our request; true once `NLMSG_DONE` is seen.
    fn collect(&self, mut bytes: &[u8], dump: &mut Dump) -> Result<bool, Errno> {
        while let Some(header) = parse_header(bytes) {
            let message = bytes.get(..header.len).unwrap_or(&[]);
            bytes = bytes.get(align4(header.len)..).unwrap_or(&[]);
            if header.pid != self.port_id || header.seq != self.seq {
                continue;
            }
            match header.kind {
                NLMSG_DONE => return Ok(true),
                NLMSG_ERROR => return Err(error_of(message)),
                _ => {
                    dump.bytes.extend_from_slice(message);
                    dump.bytes.resize(align4(dump.bytes.len()), 0);
                }
            }
        }
        Ok(false)
    }

    /// glibc's request: a netlink header and a `struct rtgenmsg` of AF_UNSPEC, padded to 20 bytes.
    fn send_request(&self, request: u16) -> Result<(), Errno> {
        let mut message = [0u8; 20];
        message[0..4].copy_from_slice(&20u32.to_ne_bytes());
        message[4..6].copy_from_slice(&request.to_ne_bytes());
        message[6..8].copy_from_slice(&(NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST).to_ne_bytes());
        message[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        let kernel = netlink_address();
        loop {
            // SAFETY: `message` and `kernel` are valid for the lengths given.
            let sent = check(unsafe {
                syscall6(
                    libc::SYS_sendto as usize,
                    self.fd as usize,
                    message.as_ptr() as usize,
                    message.len(),
                    0,
                    &kernel as *const _ as usize,
                    core::mem::size_of::<libc::sockaddr_nl>(),
                )
            });
            match sent {
                Err(Errno(libc::EINTR)) => continue,
                Err(errno) => return Err(errno),
                Ok(_) => return Ok(()),
            }
        }
    }

    /// Receives one datagram; returns its length and whether the kernel (port id 0) sent it.
    fn receive(&self, buffer: &mut [u8]) -> Result<(usize, bool), Errno> {
        loop {
            let mut sender = netlink_address();
            let mut iov = libc::iovec {
                iov_base: buffer.as_mut_ptr().cast(),
                iov_len: buffer.len(),
            };
            // SAFETY: msghdr is plain data; all-zero is a valid empty value.
            let mut header: libc::msghdr = unsafe { core::mem::zeroed() };
            header.msg_name = (&mut sender as *mut libc::sockaddr_nl).cast();
            header.msg_namelen = core::mem::size_of::<libc::sockaddr_nl>() as u32;
            header.msg_iov = &mut iov;
            header.msg_iovlen = 1;
            // SAFETY: the header points at `sender` and at `buffer` through `iov`, both live and
            // writable for the lengths given.
            let received = check(unsafe {
                syscall6(
                    libc::SYS_recvmsg as usize,
                    self.fd as usize,
                    &mut header as *mut _ as usize,
                    0,
                    0,
                    0,
                    0,
                )
            });
            match received {
                Err(Errno(libc::EINTR)) => continue,
                Err(errno) => return Err(errno),
                Ok(_) if header.msg_flags & libc::MSG_TRUNC != 0 => {
                    return Err(Errno(libc::EMSGSIZE))
                }
                Ok(length) => return Ok((length, sender.nl_pid == 0)),
            }
        }
    }
}

impl Drop for RouteSocket {
    fn drop(&mut self) {
        // SAFETY: the fd is ours and closed once; close's result does not matter here.
        unsafe { syscall6(libc::SYS_close as usize, self.fd as usize, 0, 0, 0, 0, 0) };
    }
}

/// A non-blocking `NETLINK_ROUTE` socket subscribed to change notifications (multicast groups).
///
/// It is deliberately not closed on drop: its owner decides, because after a `fork` or after the
/// program closed the descriptor under us, the number may belong to someone else.
#[derive(Debug)]
pub struct NotificationSocket {
    fd: i32,
    port_id: u32,
}

impl NotificationSocket {
    /// Opens and binds a socket to the multicast `groups` (an `nl_groups` bit mask).
    pub fn open(groups: u32) -> Result<NotificationSocket, Errno> {
        let kind = (libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) as usize;
        let family = libc::AF_NETLINK as usize;
        let protocol = libc::NETLINK_ROUTE as usize;
        // SAFETY: socket takes no pointers.
        let fd =
            check(unsafe { syscall6(libc::SYS_socket as usize, family, kind, protocol, 0, 0, 0) })?;
        let socket = NotificationSocket {
            fd: fd as i32,
            port_id: 0,
        };
        let mut address = netlink_address();
        address.nl_groups = groups;
        let size = core::mem::size_of::<libc::sockaddr_nl>();
        // SAFETY: `address` is a valid sockaddr_nl of `size` bytes.
        let bound = check(unsafe {
            syscall6(
                libc::SYS_bind as usize,
                fd,
                &address as *const _ as usize,
                size,
                0,
                0,
                0,
            )
        });
        match bound.and_then(|_| socket.name()) {
            Ok(name) => Ok(NotificationSocket {
                port_id: name.nl_pid,
                ..socket
            }),
            Err(errno) => {
                socket.close();
                Err(errno)
            }
        }
    }

    /// The descriptor (for a readiness check: reading it is [`NotificationSocket::drain`]'s job).
    pub fn fd(&self) -> i32 {
        self.fd
    }

    fn name(&self) -> Result<libc::sockaddr_nl, Errno> {
        let mut address = netlink_address();
        let mut length = core::mem::size_of::<libc::sockaddr_nl>() as u32;
        // SAFETY: getsockname writes at most `length` bytes into `address`.
        check(unsafe {
            syscall6(
                libc::SYS_getsockname as usize,
                self.fd as usize,
                &mut address as *mut _ as usize,
                &mut length as *mut u32 as usize,
                0,
                0,
                0,
            )
        })?;
        Ok(address)
    }

    /// Whether the descriptor is still this socket (a program may have closed it and reused the
    /// number): a netlink socket with our port id.
    pub fn is_still_ours(&self) -> bool {
        self.name().is_ok_and(|name| {
            i32::from(name.nl_family) == libc::AF_NETLINK && name.nl_pid == self.port_id
        })
    }

    /// Reads every pending notification; true if there was any (or the kernel dropped some for
    /// lack of buffer space, which means changes too).
    pub fn drain(&self) -> Result<bool, Errno> {
        // MSG_TRUNC consumes a whole notification whatever the buffer: its content does not matter.
        let mut buffer = [0u8; 64];
        let mut changed = false;
        // Under a storm of changes the queue may refill as fast as it is read: stop after a bound,
        // the answer ("changed") is known anyway.
        for _ in 0..DRAIN_MAX {
            // SAFETY: recvfrom writes at most `buffer.len()` bytes into `buffer`; no address wanted.
            let received = check(unsafe {
                syscall6(
                    libc::SYS_recvfrom as usize,
                    self.fd as usize,
                    buffer.as_mut_ptr() as usize,
                    buffer.len(),
                    (libc::MSG_DONTWAIT | libc::MSG_TRUNC) as usize,
                    0,
                    0,
                )
            });
            match received {
                Ok(_) | Err(Errno(libc::ENOBUFS)) => changed = true,
                Err(Errno(libc::EAGAIN)) => return Ok(changed),
                Err(Errno(libc::EINTR)) => {}
                Err(errno) => return Err(errno),
            }
        }
        Ok(true)
    }

    /// Closes the socket (only when the descriptor is known to be ours).
    pub fn close(self) {
        // SAFETY: the fd is this socket's; closing it has no other effect.
        unsafe { syscall6(libc::SYS_close as usize, self.fd as usize, 0, 0, 0, 0, 0) };
    }
}

/// The errno a `NLMSG_ERROR` message carries (`EIO` if it is too short to carry one, as glibc).
fn error_of(message: &[u8]) -> Errno {
    match message.get(HEADER_LEN..HEADER_LEN + 4) {
        Some(code) if message.len() >= HEADER_LEN + 20 => {
            Errno(-i32::from_ne_bytes(code.try_into().unwrap_or([0; 4])))
        }
        _ => Errno(libc::EIO),
    }
}

fn netlink_address() -> libc::sockaddr_nl {
    // SAFETY: sockaddr_nl is plain data; all-zero is valid.
    let mut address: libc::sockaddr_nl = unsafe { core::mem::zeroed() };
    address.nl_family = libc::AF_NETLINK as u16;
    address
}

/// glibc starts its sequence numbers at the time of day; any value works as long as replies match it,
/// so a process-wide counter (no system call) serves.
fn initial_sequence() -> u32 {
    static NEXT: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);
    NEXT.fetch_add(2, core::sync::atomic::Ordering::Relaxed)
}

/// Attribute iterator over the `struct rtattr` list that follows a link or address header
/// (`RTA_OK` / `RTA_NEXT`): each attribute's length is checked against what is left.
pub struct Attributes<'a> {
    rest: &'a [u8],
}

/// Iterates the attributes in `bytes`.
pub fn attributes(bytes: &[u8]) -> Attributes<'_> {
    Attributes { rest: bytes }
}

/// One `struct rtattr`: its type and payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub kind: u16,
    pub data: &'a [u8],
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        let len = u16::from_ne_bytes(self.rest.get(0..2)?.try_into().ok()?) as usize;
        let kind = u16::from_ne_bytes(self.rest.get(2..4)?.try_into().ok()?);
        if len < 4 {
            return None;
        }
        let data = self.rest.get(4..len)?;
        self.rest = self.rest.get(align4(len)..).unwrap_or(&[]);
        Some(Attribute { kind, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        let len = (HEADER_LEN + payload.len()) as u32;
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&len.to_ne_bytes());
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(&flags.to_ne_bytes());
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(payload);
        bytes.resize(align4(bytes.len()), 0);
        bytes
    }

    #[test]
    fn messages_stop_at_a_length_beyond_the_buffer() {
        let mut bytes = message(RTM_NEWLINK, 0, &[1, 2, 3]);
        bytes.extend(message(RTM_NEWADDR, 2, &[4; 8]));
        let mut bad = message(RTM_NEWADDR, 0, &[5; 4]);
        bad[0] = 200;
        bytes.extend(bad);
        let dump = Dump { bytes };
        let got: Vec<_> = dump.messages().collect();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            Message {
                kind: RTM_NEWLINK,
                flags: 0,
                payload: &[1, 2, 3]
            }
        );
        assert_eq!(got[1].payload, &[4; 8]);
    }

    #[test]
    fn messages_reject_a_length_shorter_than_the_header() {
        let mut bytes = message(RTM_NEWLINK, 0, &[]);
        bytes[0] = 8;
        assert_eq!(Dump { bytes }.messages().count(), 0);
    }

    #[test]
    fn attributes_are_bounded_by_their_lengths() {
        // IFLA_IFNAME "lo\0" (len 7, padded to 8), then one claiming 40 bytes in a 12-byte rest.
        let bytes = [7, 0, 3, 0, b'l', b'o', 0, 0, 40, 0, 1, 0, 9, 9, 9, 9];
        let got: Vec<_> = attributes(&bytes).collect();
        assert_eq!(
            got,
            vec![Attribute {
                kind: 3,
                data: b"lo\0"
            }]
        );
        assert_eq!(
            attributes(&[3, 0, 1, 0]).count(),
            0,
            "rta_len below the header size"
        );
        assert_eq!(attributes(&[4, 0, 1]).count(), 0, "truncated header");
    }

    #[test]
    fn error_message_carries_negative_errno() {
        let mut payload = (-libc::EPERM).to_ne_bytes().to_vec();
        payload.extend_from_slice(&[0; 16]);
        assert_eq!(
            error_of(&message(NLMSG_ERROR, 0, &payload)),
            Errno(libc::EPERM)
        );
        assert_eq!(
            error_of(&message(NLMSG_ERROR, 0, &[0; 4])),
            Errno(libc::EIO)
        );
    }

    #[test]
    fn live_dumps_list_loopback() {
        let mut socket = RouteSocket::open().expect("netlink socket");
        let links = socket.dump(RTM_GETLINK).expect("link dump");
        assert!(links.messages().all(|m| m.kind == RTM_NEWLINK));
        assert!(links.messages().count() >= 1);
        let addresses = socket.dump(RTM_GETADDR).expect("address dump");
        assert!(addresses.messages().all(|m| m.kind == RTM_NEWADDR));
    }
}

/// Builders of synthetic dumps for the unit tests of the modules that read them.
#[cfg(test)]
pub mod tests_support {
    use super::*;

    /// A dump holding exactly these bytes (possibly malformed).
    pub fn dump_from_bytes(bytes: Vec<u8>) -> Dump {
        Dump { bytes }
    }

    /// The bytes of a dump.
    pub fn bytes_of(dump: &Dump) -> Vec<u8> {
        dump.bytes.clone()
    }

    /// A dump of messages with the given types and payloads.
    pub fn dump_of(messages: &[(u16, Vec<u8>)]) -> Dump {
        let with_flags: Vec<_> = messages.iter().map(|(k, p)| (*k, 0, p.clone())).collect();
        dump_with_flags(&with_flags)
    }

    /// A dump of messages with the given types, flags and payloads.
    pub fn dump_with_flags(messages: &[(u16, u16, Vec<u8>)]) -> Dump {
        let mut bytes = Vec::new();
        for (kind, flags, payload) in messages {
            bytes.extend_from_slice(&((HEADER_LEN + payload.len()) as u32).to_ne_bytes());
            bytes.extend_from_slice(&kind.to_ne_bytes());
            bytes.extend_from_slice(&flags.to_ne_bytes());
            bytes.extend_from_slice(&[0; 8]);
            bytes.extend_from_slice(payload);
            bytes.resize(align4(bytes.len()), 0);
        }
        Dump { bytes }
    }
}
