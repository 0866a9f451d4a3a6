//! The socket system calls, one thin typed function per call.
//!
//! Each function makes exactly one system call with its arguments untouched (the kernel checks lengths
//! and pointers and answers `EFAULT` / `EINVAL`), and returns the kernel's result as a `Result`. The
//! rest of the library (the DNS transport, getaddrinfo's source-address probe) and the `<sys/socket.h>`
//! ABI both go through here, never through libc's functions of the same names, which under
//! `LD_PRELOAD` are netlibc's own.
//!
//! Functions that take raw pointers are `unsafe`: the kernel reads or writes through them.

use core::ffi::{c_int, c_uint, c_void};

use libc::{mmsghdr, msghdr, sockaddr, socklen_t, timespec};

use super::errno::Errno;
use super::syscall::{check, syscall6};

/// `ioctl` request that asks whether a socket is at its out-of-band mark (`<linux/sockios.h>`).
const SIOCATMARK: usize = 0x8905;

/// An `int` argument as the kernel receives it: sign-extended to a register, as glibc passes it.
#[inline(always)]
fn int_arg(value: c_int) -> usize {
    value as isize as usize
}

/// Makes system call `number` with `args` (at most six; the rest are zero).
///
/// # Safety
/// As for [`syscall6`]: pointers among `args` must be valid for what the call does with them.
#[inline(always)]
unsafe fn call(number: libc::c_long, args: [usize; 6]) -> Result<usize, Errno> {
    let [a1, a2, a3, a4, a5, a6] = args;
    // SAFETY: the caller vouches for the arguments.
    check(unsafe { syscall6(number as usize, a1, a2, a3, a4, a5, a6) })
}

/// `socket(domain, type, protocol)`: a new socket's file descriptor.
pub fn socket(domain: c_int, socket_type: c_int, protocol: c_int) -> Result<usize, Errno> {
    // SAFETY: no pointers are involved.
    unsafe {
        call(
            libc::SYS_socket,
            [
                int_arg(domain),
                int_arg(socket_type),
                int_arg(protocol),
                0,
                0,
                0,
            ],
        )
    }
}

/// `socketpair(domain, type, protocol, fds)`: two connected sockets, written to `fds[0]` and `fds[1]`.
///
/// # Safety
/// `fds` must be null (the kernel answers `EFAULT`) or point to two writable `c_int`s.
pub unsafe fn socketpair(
    domain: c_int,
    socket_type: c_int,
    protocol: c_int,
    fds: *mut c_int,
) -> Result<usize, Errno> {
    let args = [
        int_arg(domain),
        int_arg(socket_type),
        int_arg(protocol),
        fds as usize,
        0,
        0,
    ];
    // SAFETY: the caller vouches for `fds`.
    unsafe { call(libc::SYS_socketpair, args) }
}

/// `bind(fd, addr, len)`: gives the socket a local address.
///
/// # Safety
/// `addr` must be null or point to `len` readable bytes.
pub unsafe fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `addr`; the kernel only reads it.
    unsafe {
        call(
            libc::SYS_bind,
            [int_arg(fd), addr as usize, len as usize, 0, 0, 0],
        )
    }
}

/// `listen(fd, backlog)`: marks the socket as accepting connections.
pub fn listen(fd: c_int, backlog: c_int) -> Result<usize, Errno> {
    // SAFETY: no pointers are involved.
    unsafe {
        call(
            libc::SYS_listen,
            [int_arg(fd), int_arg(backlog), 0, 0, 0, 0],
        )
    }
}

/// `accept(fd, addr, len)`: the next connection's file descriptor, its peer address in `addr`.
///
/// # Safety
/// `addr` and `len` must both be null, or `len` must point to a writable `socklen_t` holding the size
/// of the writable buffer at `addr`.
pub unsafe fn accept(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `addr` and `len`.
    unsafe {
        call(
            libc::SYS_accept,
            [int_arg(fd), addr as usize, len as usize, 0, 0, 0],
        )
    }
}

/// `accept4(fd, addr, len, flags)`: [`accept`] with `SOCK_NONBLOCK` / `SOCK_CLOEXEC` on the new socket.
///
/// # Safety
/// As for [`accept`].
pub unsafe fn accept4(
    fd: c_int,
    addr: *mut sockaddr,
    len: *mut socklen_t,
    flags: c_int,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        addr as usize,
        len as usize,
        int_arg(flags),
        0,
        0,
    ];
    // SAFETY: the caller vouches for `addr` and `len`.
    unsafe { call(libc::SYS_accept4, args) }
}

/// `connect(fd, addr, len)`: connects the socket to a peer (or sets a datagram socket's default peer).
///
/// # Safety
/// `addr` must be null or point to `len` readable bytes.
pub unsafe fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `addr`; the kernel only reads it.
    unsafe {
        call(
            libc::SYS_connect,
            [int_arg(fd), addr as usize, len as usize, 0, 0, 0],
        )
    }
}

/// `sendto(fd, buf, len, flags, addr, addr_len)`: the number of bytes sent.
///
/// # Safety
/// `buf` must point to `len` readable bytes and `addr` (if not null) to `addr_len` readable bytes.
pub unsafe fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    addr: *const sockaddr,
    addr_len: socklen_t,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        buf as usize,
        len,
        int_arg(flags),
        addr as usize,
        addr_len as usize,
    ];
    // SAFETY: the caller vouches for `buf` and `addr`; the kernel only reads them.
    unsafe { call(libc::SYS_sendto, args) }
}

/// `recvfrom(fd, buf, len, flags, addr, addr_len)`: the number of bytes received.
///
/// # Safety
/// `buf` must point to `len` writable bytes; `addr` and `addr_len` as for [`accept`].
pub unsafe fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    addr: *mut sockaddr,
    addr_len: *mut socklen_t,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        buf as usize,
        len,
        int_arg(flags),
        addr as usize,
        addr_len as usize,
    ];
    // SAFETY: the caller vouches for `buf`, `addr` and `addr_len`.
    unsafe { call(libc::SYS_recvfrom, args) }
}

/// `sendmsg(fd, msg, flags)`: the number of bytes sent.
///
/// # Safety
/// `msg` must point to a `msghdr` whose buffers are all valid for reading.
pub unsafe fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `msg`.
    unsafe {
        call(
            libc::SYS_sendmsg,
            [int_arg(fd), msg as usize, int_arg(flags), 0, 0, 0],
        )
    }
}

/// `recvmsg(fd, msg, flags)`: the number of bytes received; `msg`'s lengths and flags are updated.
///
/// # Safety
/// `msg` must point to a writable `msghdr` whose buffers are all valid for writing.
pub unsafe fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `msg`.
    unsafe {
        call(
            libc::SYS_recvmsg,
            [int_arg(fd), msg as usize, int_arg(flags), 0, 0, 0],
        )
    }
}

/// `sendmmsg(fd, messages, count, flags)`: the number of messages sent; each `msg_len` is set.
///
/// # Safety
/// `messages` must point to `count` writable `mmsghdr`s, each valid as for [`sendmsg`].
pub unsafe fn sendmmsg(
    fd: c_int,
    messages: *mut mmsghdr,
    count: c_uint,
    flags: c_int,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        messages as usize,
        count as usize,
        int_arg(flags),
        0,
        0,
    ];
    // SAFETY: the caller vouches for `messages`.
    unsafe { call(libc::SYS_sendmmsg, args) }
}

/// `recvmmsg(fd, messages, count, flags, timeout)`: the number of messages received.
///
/// # Safety
/// `messages` must point to `count` writable `mmsghdr`s, each valid as for [`recvmsg`]; `timeout` must
/// be null or point to a writable `timespec`.
pub unsafe fn recvmmsg(
    fd: c_int,
    messages: *mut mmsghdr,
    count: c_uint,
    flags: c_int,
    timeout: *mut timespec,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        messages as usize,
        count as usize,
        int_arg(flags),
        timeout as usize,
        0,
    ];
    // SAFETY: the caller vouches for `messages` and `timeout`.
    unsafe { call(libc::SYS_recvmmsg, args) }
}

/// `shutdown(fd, how)`: shuts down reading (`SHUT_RD`), writing (`SHUT_WR`) or both (`SHUT_RDWR`).
pub fn shutdown(fd: c_int, how: c_int) -> Result<usize, Errno> {
    // SAFETY: no pointers are involved.
    unsafe { call(libc::SYS_shutdown, [int_arg(fd), int_arg(how), 0, 0, 0, 0]) }
}

/// `getsockname(fd, addr, len)`: the socket's local address.
///
/// # Safety
/// As for [`accept`].
pub unsafe fn getsockname(
    fd: c_int,
    addr: *mut sockaddr,
    len: *mut socklen_t,
) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `addr` and `len`.
    unsafe {
        call(
            libc::SYS_getsockname,
            [int_arg(fd), addr as usize, len as usize, 0, 0, 0],
        )
    }
}

/// `getpeername(fd, addr, len)`: the connected peer's address.
///
/// # Safety
/// As for [`accept`].
pub unsafe fn getpeername(
    fd: c_int,
    addr: *mut sockaddr,
    len: *mut socklen_t,
) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `addr` and `len`.
    unsafe {
        call(
            libc::SYS_getpeername,
            [int_arg(fd), addr as usize, len as usize, 0, 0, 0],
        )
    }
}

/// `setsockopt(fd, level, name, value, len)`: sets a socket option.
///
/// # Safety
/// `value` must be null or point to `len` readable bytes.
pub unsafe fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *const c_void,
    len: socklen_t,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        int_arg(level),
        int_arg(name),
        value as usize,
        len as usize,
        0,
    ];
    // SAFETY: the caller vouches for `value`; the kernel only reads it.
    unsafe { call(libc::SYS_setsockopt, args) }
}

/// `getsockopt(fd, level, name, value, len)`: reads a socket option into `value`, its size into `len`.
///
/// # Safety
/// `len` must point to a writable `socklen_t` holding the size of the writable buffer at `value`.
pub unsafe fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *mut c_void,
    len: *mut socklen_t,
) -> Result<usize, Errno> {
    let args = [
        int_arg(fd),
        int_arg(level),
        int_arg(name),
        value as usize,
        len as usize,
        0,
    ];
    // SAFETY: the caller vouches for `value` and `len`.
    unsafe { call(libc::SYS_getsockopt, args) }
}

/// `sockatmark(fd)`: whether the socket's read position is at the out-of-band mark (1) or not (0).
pub fn sockatmark(fd: c_int) -> Result<c_int, Errno> {
    let mut at_mark: c_int = 0;
    let out = &mut at_mark as *mut c_int as usize;
    // SAFETY: SIOCATMARK writes one int, to `at_mark`, which lives across the call.
    unsafe { call(libc::SYS_ioctl, [int_arg(fd), SIOCATMARK, out, 0, 0, 0]) }?;
    Ok(at_mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(fd: c_int) {
        // SAFETY: closing an fd this test opened.
        unsafe { libc::close(fd) };
    }

    fn pair(socket_type: c_int) -> [c_int; 2] {
        let mut fds = [-1; 2];
        // SAFETY: `fds` holds two writable ints.
        unsafe { socketpair(libc::AF_UNIX, socket_type, 0, fds.as_mut_ptr()) }.unwrap();
        fds
    }

    #[test]
    fn socket_returns_an_fd_and_bad_family_is_eafnosupport() {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        close(fd as c_int);
        assert_eq!(
            socket(-1, libc::SOCK_STREAM, 0),
            Err(Errno(libc::EAFNOSUPPORT))
        );
    }

    #[test]
    fn socketpair_carries_bytes_both_ways() {
        let [a, b] = pair(libc::SOCK_STREAM);
        for (from, to) in [(a, b), (b, a)] {
            // SAFETY: a 3-byte literal is readable; no address.
            let sent = unsafe { sendto(from, b"abc".as_ptr().cast(), 3, 0, core::ptr::null(), 0) };
            assert_eq!(sent, Ok(3));
            let mut buf = [0u8; 8];
            let null_len = core::ptr::null_mut();
            // SAFETY: `buf` is writable for its length; no address.
            let got = unsafe {
                recvfrom(
                    to,
                    buf.as_mut_ptr().cast(),
                    8,
                    0,
                    core::ptr::null_mut(),
                    null_len,
                )
            };
            assert_eq!(got, Ok(3));
            assert_eq!(&buf[..3], b"abc");
        }
        close(a);
        close(b);
    }

    #[test]
    fn negative_fd_reaches_the_kernel_as_minus_one() {
        assert_eq!(listen(-1, 1), Err(Errno(libc::EBADF)));
        assert_eq!(shutdown(-1, libc::SHUT_RDWR), Err(Errno(libc::EBADF)));
        assert_eq!(sockatmark(-1), Err(Errno(libc::EBADF)));
    }

    #[test]
    fn sockatmark_is_zero_without_urgent_data() {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap() as c_int;
        assert_eq!(sockatmark(fd), Ok(0));
        close(fd);
    }

    #[test]
    fn socket_option_round_trips() {
        let [a, b] = pair(libc::SOCK_DGRAM);
        let size: c_int = 65536;
        let size_ptr = &size as *const c_int as *const c_void;
        // SAFETY: `size` is a readable int.
        unsafe { setsockopt(a, libc::SOL_SOCKET, libc::SO_SNDBUF, size_ptr, 4) }.unwrap();
        let mut read: c_int = 0;
        let mut len: socklen_t = 4;
        let read_ptr = &mut read as *mut c_int as *mut c_void;
        // SAFETY: `read` is a writable int and `len` says so.
        unsafe { getsockopt(a, libc::SOL_SOCKET, libc::SO_SNDBUF, read_ptr, &mut len) }.unwrap();
        // Linux doubles the value to leave room for its bookkeeping (socket(7)).
        assert_eq!((read, len), (2 * size, 4));
        close(a);
        close(b);
    }
}
