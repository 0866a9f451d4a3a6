//! The few system calls the resolver makes, as safe functions: sockets (always closed through
//! [`Socket`]'s `Drop`), `poll`, `getrandom`, `uname` and the interface index of a scope name.
//!
//! These are private to the resolver until `crate::sys::socket` lands; each is one raw system call.

use crate::sys::syscall::{check, syscall6};
use crate::sys::Errno;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The most datagrams [`Socket::send_many`] sends in one call (the resolver sends A and AAAA).
pub(crate) const SEND_MANY: usize = 2;

/// A socket's file descriptor, closed when dropped.
pub struct Socket(i32);

/// A `sockaddr_in` or `sockaddr_in6`, as bytes the kernel reads or writes.
#[repr(C)]
union RawAddress {
    v4: libc::sockaddr_in,
    v6: libc::sockaddr_in6,
}

fn to_raw(address: &SocketAddr) -> (RawAddress, usize) {
    match address {
        SocketAddr::V4(a) => {
            let v4 = libc::sockaddr_in {
                sin_family: libc::AF_INET as u16,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            (RawAddress { v4 }, std::mem::size_of::<libc::sockaddr_in>())
        }
        SocketAddr::V6(a) => {
            let v6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as u16,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            (RawAddress { v6 }, std::mem::size_of::<libc::sockaddr_in6>())
        }
    }
}

fn from_raw(raw: &RawAddress, length: usize) -> Option<SocketAddr> {
    // SAFETY: both union members start with the family field, and any bytes are a valid u16.
    let family = unsafe { raw.v4.sin_family };
    match i32::from(family) {
        libc::AF_INET if length >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the kernel wrote a sockaddr_in (family says so); every bit pattern is valid.
            let v4 = unsafe { raw.v4 };
            let ip = std::net::Ipv4Addr::from(v4.sin_addr.s_addr.to_ne_bytes());
            Some(SocketAddr::from((ip, u16::from_be(v4.sin_port))))
        }
        libc::AF_INET6 if length >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for sockaddr_in6.
            let v6 = unsafe { raw.v6 };
            let ip = std::net::Ipv6Addr::from(v6.sin6_addr.s6_addr);
            Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                ip,
                u16::from_be(v6.sin6_port),
                0,
                v6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

impl Socket {
    /// A non-blocking, close-on-exec socket of `kind` (`SOCK_DGRAM` / `SOCK_STREAM`) for `peer`'s
    /// family, connected to `peer` (for UDP this binds a kernel-chosen port and makes ICMP errors such
    /// as ECONNREFUSED visible). A TCP connect in progress is reported as success.
    pub fn connect(peer: &SocketAddr, kind: i32) -> Result<Socket, Errno> {
        let family = if peer.is_ipv4() {
            libc::AF_INET
        } else {
            libc::AF_INET6
        };
        let flags = kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
        // SAFETY: socket takes no pointers.
        let fd = check(unsafe {
            syscall6(
                libc::SYS_socket as usize,
                family as usize,
                flags as usize,
                0,
                0,
                0,
                0,
            )
        })?;
        let socket = Socket(fd as i32);
        let (raw, length) = to_raw(peer);
        // SAFETY: `raw` is a valid sockaddr of `length` bytes, alive for the call.
        let result = check(unsafe {
            syscall6(
                libc::SYS_connect as usize,
                fd,
                &raw as *const RawAddress as usize,
                length,
                0,
                0,
                0,
            )
        });
        match result {
            Ok(_) => Ok(socket),
            Err(Errno(libc::EINPROGRESS)) => Ok(socket),
            Err(e) => Err(e),
        }
    }

    /// The socket's cookie (`SO_COOKIE`): a number the kernel gives no other socket until it reboots,
    /// so that a descriptor kept between calls can be told to be still this socket. `None` where the
    /// kernel has no cookies.
    pub fn cookie(&self) -> Option<u64> {
        cookie_of(self.0)
    }

    /// Gives the descriptor up without closing it (see [`Socket::from_kept`]).
    pub fn keep(self) -> i32 {
        let fd = self.0;
        std::mem::forget(self);
        fd
    }

    /// The socket kept as `fd` with cookie `cookie`, if the descriptor is still that socket (a program
    /// may close descriptors it does not know and reuse the numbers). `None` leaves `fd` alone.
    pub fn from_kept(fd: i32, cookie: u64) -> Option<Socket> {
        (cookie_of(fd) == Some(cookie)).then_some(Socket(fd))
    }

    /// Sends `data` to the connected peer.
    pub fn send(&self, data: &[u8]) -> Result<usize, Errno> {
        // SAFETY: `data` is readable for its length; no address is passed.
        check(unsafe {
            syscall6(
                libc::SYS_sendto as usize,
                self.0 as usize,
                data.as_ptr() as usize,
                data.len(),
                libc::MSG_NOSIGNAL as usize,
                0,
                0,
            )
        })
    }

    /// Sends each of `datagrams` (at most [`SEND_MANY`]) to the connected peer with one `sendmmsg`;
    /// returns how many were sent (an error only when the first could not be).
    pub fn send_many(&self, datagrams: &[&[u8]]) -> Result<usize, Errno> {
        // SAFETY: all-zero iovec and mmsghdr are valid (null pointers, zero lengths).
        let mut iovecs: [libc::iovec; SEND_MANY] = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let mut messages: [libc::mmsghdr; SEND_MANY] = unsafe { std::mem::zeroed() };
        let count = datagrams.len().min(SEND_MANY);
        for ((datagram, iovec), message) in datagrams.iter().zip(&mut iovecs).zip(&mut messages) {
            iovec.iov_base = datagram.as_ptr() as *mut libc::c_void;
            iovec.iov_len = datagram.len();
            message.msg_hdr.msg_iov = iovec;
            message.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: the first `count` messages each point to one iovec of a datagram that is readable for
        // its length; `iovecs`, `messages` and `datagrams` outlive the call; no address is passed.
        check(unsafe {
            syscall6(
                libc::SYS_sendmmsg as usize,
                self.0 as usize,
                messages.as_mut_ptr() as usize,
                count,
                libc::MSG_NOSIGNAL as usize,
                0,
                0,
            )
        })
    }

    /// `recvfrom` into `length` bytes at `base`: the length received and the sender's address when
    /// the kernel gave one.
    ///
    /// # Safety
    /// `base` must be writable for `length` bytes (the kernel only writes to them, never reads).
    unsafe fn receive_into(
        &self,
        base: *mut u8,
        length: usize,
    ) -> Result<(usize, Option<SocketAddr>), Errno> {
        // SAFETY: an all-zero sockaddr_in6 is valid.
        let mut raw: RawAddress = unsafe { std::mem::zeroed() };
        let mut raw_length = std::mem::size_of::<RawAddress>() as u32;
        // SAFETY: `base` is writable for `length` bytes (the caller's contract), `raw` for
        // `raw_length` bytes, and `raw_length` is a u32.
        let received = check(unsafe {
            syscall6(
                libc::SYS_recvfrom as usize,
                self.0 as usize,
                base as usize,
                length,
                0,
                &mut raw as *mut RawAddress as usize,
                &mut raw_length as *mut u32 as usize,
            )
        })?;
        Ok((received, from_raw(&raw, raw_length as usize)))
    }

    /// Receives into `buffer`; returns the length and the sender's address when the kernel gave one.
    pub fn receive(&self, buffer: &mut [u8]) -> Result<(usize, Option<SocketAddr>), Errno> {
        // SAFETY: `buffer` is writable for its length.
        unsafe { self.receive_into(buffer.as_mut_ptr(), buffer.len()) }
    }

    /// Receives one datagram into `buffer`'s spare capacity (nothing is zeroed first: the capacity is
    /// the largest datagram taken) and makes `buffer` exactly the datagram; returns the sender's address
    /// when the kernel gave one.
    pub fn receive_datagram(&self, buffer: &mut Vec<u8>) -> Result<Option<SocketAddr>, Errno> {
        buffer.clear();
        let spare = buffer.spare_capacity_mut();
        // SAFETY: `spare` is writable for its length.
        let (received, from) =
            unsafe { self.receive_into(spare.as_mut_ptr().cast(), spare.len()) }?;
        let received = received.min(buffer.capacity());
        // SAFETY: the kernel wrote `received` bytes (at most the spare capacity, the length it was
        // given) at the start of the spare capacity, which starts at index 0 after `clear`.
        unsafe { buffer.set_len(received) };
        Ok(from)
    }

    /// The pending socket error (`SO_ERROR`), e.g. the result of a non-blocking connect.
    pub fn take_error(&self) -> Result<(), Errno> {
        let mut value: i32 = 0;
        let mut length = std::mem::size_of::<i32>() as u32;
        // SAFETY: `value` and `length` are writable and sized as told.
        check(unsafe {
            syscall6(
                libc::SYS_getsockopt as usize,
                self.0 as usize,
                libc::SOL_SOCKET as usize,
                libc::SO_ERROR as usize,
                &mut value as *mut i32 as usize,
                &mut length as *mut u32 as usize,
                0,
            )
        })?;
        if value == 0 {
            Ok(())
        } else {
            Err(Errno(value))
        }
    }

    /// Waits until the socket is ready for `events` (`POLLIN` / `POLLOUT`) or `deadline` passes.
    /// Returns false on timeout.
    pub fn wait(&self, events: i16, deadline: Instant) -> Result<bool, Errno> {
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Ok(false);
            }
            let mut pollfd = libc::pollfd {
                fd: self.0,
                events,
                revents: 0,
            };
            let millis = remaining.as_millis().clamp(1, i32::MAX as u128) as usize;
            // SAFETY: one pollfd, writable, for the duration of the call.
            let ready = check(unsafe {
                syscall6(
                    libc::SYS_poll as usize,
                    &mut pollfd as *mut libc::pollfd as usize,
                    1,
                    millis,
                    0,
                    0,
                    0,
                )
            });
            match ready {
                Ok(0) => continue,
                Ok(_) => return Ok(true),
                Err(Errno(libc::EINTR)) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// `getsockopt(fd, SOL_SOCKET, SO_COOKIE)`; `None` for an error (no such descriptor, not a socket, an
/// old kernel).
fn cookie_of(fd: i32) -> Option<u64> {
    let mut cookie: u64 = 0;
    let mut length = std::mem::size_of::<u64>() as u32;
    // SAFETY: `cookie` and `length` are writable and sized as told.
    check(unsafe {
        syscall6(
            libc::SYS_getsockopt as usize,
            fd as usize,
            libc::SOL_SOCKET as usize,
            libc::SO_COOKIE as usize,
            &mut cookie as *mut u64 as usize,
            &mut length as *mut u32 as usize,
            0,
        )
    })
    .ok()?;
    (length as usize == std::mem::size_of::<u64>() && cookie != 0).then_some(cookie)
}

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: the descriptor is owned by this value and closed once.
        unsafe { syscall6(libc::SYS_close as usize, self.0 as usize, 0, 0, 0, 0, 0) };
    }
}

/// A random 16-bit message ID from the kernel's CSPRNG (see [`random_ids`]).
pub fn random_u16() -> u16 {
    let [id] = random_ids::<1>();
    id
}

/// How many IDs one `getrandom` call fetches for later queries.
const ID_POOL: usize = 64;

/// IDs fetched ahead from the kernel's CSPRNG, and the fork epoch they belong to: a forked child must
/// not use its parent's (both would send the same IDs).
struct IdPool {
    ids: [u16; ID_POOL],
    left: usize,
    epoch: u64,
}

static IDS: crate::sys::lock::ForkSafeMutex<IdPool> =
    crate::sys::lock::ForkSafeMutex::new(IdPool {
        ids: [0; ID_POOL],
        left: 0,
        epoch: 0,
    });

static FORK_EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static FORK_HANDLER: std::sync::Once = std::sync::Once::new();

extern "C" fn after_fork_in_child() {
    FORK_EPOCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// The current fork epoch (how many forks separate this process from the first one netlibc's resolver
/// ran in); the first call registers the fork handler (never at load).
pub fn fork_epoch() -> u64 {
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a plain function with no state; glibc's pthread_atfork is not one of ours.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
    FORK_EPOCH.load(std::sync::atomic::Ordering::Relaxed)
}

/// `N` (at most 64) random 16-bit message IDs, as unpredictable as the kernel's CSPRNG: taken from a
/// pool that one `getrandom` call fills for the next 64 (glibc spends no system call on them; one per
/// query was 0.2 µs here). The pool is filled outside the lock and never shared with a forked child.
pub fn random_ids<const N: usize>() -> [u16; N] {
    let mut out = [0u16; N];
    let epoch = fork_epoch();
    {
        let mut pool = IDS.lock();
        if pool.epoch == epoch && pool.left >= N {
            pool.left -= N;
            let left = pool.left;
            if let Some(ids) = pool.ids.get(left..left + N) {
                out.copy_from_slice(ids);
                return out;
            }
        }
    }
    if N > ID_POOL {
        fill_random(&mut out);
        return out;
    }
    // The first N of a fresh pool are ours; the others are left for the next queries.
    let mut fresh = [0u16; ID_POOL];
    fill_random(&mut fresh);
    let (left, mine) = fresh.split_at(ID_POOL - N);
    out.copy_from_slice(mine);
    let mut pool = IDS.lock();
    pool.ids = fresh;
    pool.left = left.len();
    pool.epoch = epoch;
    out
}

/// Fills `ids` from `getrandom`, or, only if that is unavailable (ENOSYS on very old kernels), from
/// the clock mixed with a counter.
fn fill_random(ids: &mut [u16]) {
    let length = std::mem::size_of_val(ids);
    // SAFETY: `ids` is writable for `length` bytes, and any bytes are valid u16s.
    let got = check(unsafe {
        syscall6(
            libc::SYS_getrandom as usize,
            ids.as_mut_ptr() as usize,
            length,
            0,
            0,
            0,
            0,
        )
    });
    if got == Ok(length) {
        return;
    }
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    for id in ids {
        let n = COUNTER.fetch_add(0x9e37, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        *id = (nanos ^ n ^ (nanos >> 16)) as u16;
    }
}

/// The host name, from `uname` (what glibc's `gethostname` returns).
pub fn hostname() -> Vec<u8> {
    // SAFETY: an all-zero utsname is valid.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `uts` is writable and sized as the kernel expects.
    let result = check(unsafe {
        syscall6(
            libc::SYS_uname as usize,
            &mut uts as *mut libc::utsname as usize,
            0,
            0,
            0,
            0,
            0,
        )
    });
    if result.is_err() {
        return Vec::new();
    }
    uts.nodename
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect()
}

/// A `%scope` of an IPv6 nameserver: a decimal index, or an interface name (its index via
/// `SIOCGIFINDEX`); 0 when neither.
pub fn scope_id(scope: &[u8]) -> u32 {
    if !scope.is_empty() && scope.iter().all(u8::is_ascii_digit) {
        return std::str::from_utf8(scope)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
    }
    interface_index(scope).unwrap_or(0)
}

fn interface_index(name: &[u8]) -> Option<u32> {
    // SAFETY: an all-zero ifreq is valid.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    if name.is_empty() || name.len() >= request.ifr_name.len() {
        return None;
    }
    for (slot, &b) in request.ifr_name.iter_mut().zip(name) {
        *slot = b as libc::c_char;
    }
    // SAFETY: socket takes no pointers.
    let fd = check(unsafe {
        syscall6(
            libc::SYS_socket as usize,
            libc::AF_INET as usize,
            (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as usize,
            0,
            0,
            0,
            0,
        )
    })
    .ok()?;
    let socket = Socket(fd as i32);
    // SAFETY: `request` is a writable ifreq, as SIOCGIFINDEX expects.
    check(unsafe {
        syscall6(
            libc::SYS_ioctl as usize,
            socket.0 as usize,
            libc::SIOCGIFINDEX as usize,
            &mut request as *mut libc::ifreq as usize,
            0,
            0,
            0,
        )
    })
    .ok()?;
    // SAFETY: SIOCGIFINDEX filled the ifindex member of the union.
    let index = unsafe { request.ifr_ifru.ifru_ifindex };
    u32::try_from(index).ok()
}

/// The time left until `deadline`, for loops that wait.
pub fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_ids_vary_and_a_forked_child_does_not_repeat_its_parents() {
        let ids: std::collections::HashSet<u16> =
            (0..100).flat_map(|_| random_ids::<2>()).collect();
        assert!(ids.len() > 150, "200 IDs, {} distinct", ids.len());
        // The parent's next IDs, and what a child forked now takes first, must differ.
        let _ = random_ids::<1>();
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let [read_end, write_end] = fds;
        // SAFETY: the child only takes IDs (memory work and getrandom) and writes them to the pipe.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let child = random_ids::<2>();
            // SAFETY: writes 4 bytes from `child` to the pipe, then leaves without unwinding.
            unsafe {
                libc::write(write_end, child.as_ptr().cast(), 4);
                libc::_exit(0);
            }
        }
        let parent = random_ids::<2>();
        let mut child = [0u16; 2];
        // SAFETY: reads at most 4 bytes into `child`; waits for the child.
        unsafe {
            assert_eq!(libc::read(read_end, child.as_mut_ptr().cast(), 4), 4);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::close(read_end);
            libc::close(write_end);
        }
        assert_ne!(parent, child, "a child repeated its parent's IDs");
    }

    #[test]
    fn random_ids_vary() {
        let ids: std::collections::HashSet<u16> = (0..64).map(|_| random_u16()).collect();
        assert!(ids.len() > 32);
    }

    #[test]
    fn loopback_scope_and_hostname() {
        assert_eq!(scope_id(b"lo"), 1);
        assert_eq!(scope_id(b"42"), 42);
        assert_eq!(scope_id(b"no-such-if"), 0);
        assert!(!hostname().is_empty());
    }

    #[test]
    fn udp_round_trip_with_sender_address() {
        let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let server_address = server.local_addr().unwrap();
        let client = Socket::connect(&server_address, libc::SOCK_DGRAM).unwrap();
        client.send(b"ping").unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = server.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping");
        server.send_to(b"pong", from).unwrap();
        assert!(client
            .wait(libc::POLLIN, Instant::now() + Duration::from_secs(2))
            .unwrap());
        let (n, sender) = client.receive(&mut buf).unwrap();
        assert_eq!((&buf[..n], sender), (&b"pong"[..], Some(server_address)));
    }
}
