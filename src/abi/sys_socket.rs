//! `<sys/socket.h>`: the socket calls.
//!
//! Each function is one system call through [`crate::sys::socket`] with its arguments untouched, as
//! glibc's are: the kernel validates lengths and pointers. On failure errno is set and -1 returned; on
//! success errno is left alone. `send` and `recv` are `sendto` and `recvfrom` without an address, as in
//! glibc; `sockatmark` is the `SIOCATMARK` ioctl. `__recv_chk` and `__recvfrom_chk`, which
//! `_FORTIFY_SOURCE` builds (Debian's packages among them) call instead of `recv` / `recvfrom`, are here
//! too, so that such binaries reach netlibc under `LD_PRELOAD`.
//!
//! With `NETLIBC_TRACE` set, each call writes one line: the function, its arguments (addresses shown
//! as `ip:port` once the kernel has accepted them), the result or errno, `[kernel]` as its source, and
//! the time taken. Unset, the cost is one relaxed load and a branch ([`crate::trace::start`]).
//!
//! Differences from glibc, for every function here: none is a pthread cancellation point (glibc's
//! blocking ones are); see docs/deviations.md.

use core::ffi::{c_int, c_uint, c_void};
use core::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use libc::{mmsghdr, msghdr, size_t, sockaddr, socklen_t, ssize_t, timespec};

use crate::sys::socket as sys;
use crate::sys::{set_errno, Errno};
use crate::trace::{self, Timer};

/// When tracing is on (`$timer` is `Some`), writes the line `<format> = <result> [kernel]`.
macro_rules! trace_call {
    ($timer:expr, $result:expr, $($format:tt)+) => {
        if let Some(timer) = $timer {
            trace_result(timer, format_args!($($format)+), $result);
        }
    };
}

fn trace_result(timer: Timer, call: fmt::Arguments, result: &Result<usize, Errno>) {
    match result {
        Ok(value) => trace::emit(timer, format_args!("{call} = {value} [kernel]")),
        Err(errno) => trace::emit(
            timer,
            format_args!("{call} = -1, errno {} [kernel]", errno.0),
        ),
    }
}

/// A socket address as a trace line shows it: `ip:port` for IPv4 and IPv6 (read only after the
/// kernel accepted it, so known readable), the family otherwise, the pointer when unread.
pub(crate) enum ShownAddress {
    V4(SocketAddrV4),
    V6(SocketAddrV6),
    Family(libc::sa_family_t),
    Pointer(*const sockaddr),
}

impl ShownAddress {
    /// `readable`: whether the kernel has just read `len` bytes at `addr` without `EFAULT`.
    pub(crate) fn new(addr: *const sockaddr, len: socklen_t, readable: bool) -> Self {
        let len = len as usize;
        if !readable || addr.is_null() || len < core::mem::size_of::<libc::sa_family_t>() {
            return Self::Pointer(addr);
        }
        // SAFETY: the kernel read at least the family's bytes at `addr` (the caller checked success).
        let family = unsafe { core::ptr::read_unaligned(addr.cast::<libc::sa_family_t>()) };
        match c_int::from(family) {
            libc::AF_INET if len >= core::mem::size_of::<libc::sockaddr_in>() => {
                // SAFETY: as above, and `len` covers a sockaddr_in.
                let sin = unsafe { core::ptr::read_unaligned(addr.cast::<libc::sockaddr_in>()) };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Self::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)))
            }
            libc::AF_INET6 if len >= core::mem::size_of::<libc::sockaddr_in6>() => {
                // SAFETY: as above, and `len` covers a sockaddr_in6.
                let sin6 = unsafe { core::ptr::read_unaligned(addr.cast::<libc::sockaddr_in6>()) };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                let port = u16::from_be(sin6.sin6_port);
                Self::V6(SocketAddrV6::new(
                    ip,
                    port,
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                ))
            }
            _ => Self::Family(family),
        }
    }
}

impl fmt::Display for ShownAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(address) => write!(f, "{address}"),
            Self::V6(address) => write!(f, "{address}"),
            Self::Family(family) => write!(f, "{{family {family}}}"),
            Self::Pointer(pointer) => write!(f, "{pointer:p}"),
        }
    }
}

/// The C convention for calls that return an `int`: the value, or -1 with errno set.
fn int_result(result: Result<usize, Errno>) -> c_int {
    match result {
        Ok(value) => value as c_int,
        Err(errno) => {
            set_errno(errno);
            -1
        }
    }
}

/// The C convention for calls that return an `ssize_t`: the value, or -1 with errno set.
fn size_result(result: Result<usize, Errno>) -> ssize_t {
    match result {
        Ok(value) => value as ssize_t,
        Err(errno) => {
            set_errno(errno);
            -1
        }
    }
}

/// `socket(domain, type, protocol)` — creates a communication endpoint and returns its descriptor.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/socket.2.html)
#[no_mangle]
pub extern "C" fn socket(domain: c_int, socket_type: c_int, protocol: c_int) -> c_int {
    // Untraced (the usual case): the system call alone, without the traced path's frame.
    if !trace::tracing() {
        return int_result(sys::socket(domain, socket_type, protocol));
    }
    socket_traced(domain, socket_type, protocol)
}

/// [`socket`] when calls may be traced (the first call learns whether they are).
#[cold]
#[inline(never)]
fn socket_traced(domain: c_int, socket_type: c_int, protocol: c_int) -> c_int {
    let timer = trace::start();
    let result = sys::socket(domain, socket_type, protocol);
    trace_call!(
        timer,
        &result,
        "socket({domain}, {socket_type}, {protocol})"
    );
    int_result(result)
}

/// `socketpair(domain, type, protocol, fds)` — creates two connected sockets in `fds[0]` and `fds[1]`.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socketpair.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/socketpair.2.html)
///
/// # Safety
/// `fds` must be null (`EFAULT`) or point to two writable `int`s.
///
/// cbindgen:ptrs-as-arrays=[[fds;2]]
#[no_mangle]
pub unsafe extern "C" fn socketpair(
    domain: c_int,
    socket_type: c_int,
    protocol: c_int,
    fds: *mut c_int,
) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel writes two ints to `fds`, as the caller promises it may.
    let result = unsafe { sys::socketpair(domain, socket_type, protocol, fds) };
    trace_call!(
        timer,
        &result,
        "socketpair({domain}, {socket_type}, {protocol}, {fds:p})"
    );
    int_result(result)
}

/// `bind(fd, addr, len)` — gives a socket its local address.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/bind.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/bind.2.html)
///
/// # Safety
/// `addr` must point to `len` readable bytes (the kernel answers `EFAULT` for unmapped memory).
#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel only reads `len` bytes at `addr`, as the caller promises it may.
    let result = unsafe { sys::bind(fd, addr, len) };
    trace_call!(
        timer,
        &result,
        "bind({fd}, {}, {len})",
        ShownAddress::new(addr, len, result.is_ok())
    );
    int_result(result)
}

/// `listen(fd, backlog)` — marks a socket as accepting connections.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/listen.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/listen.2.html)
#[no_mangle]
pub extern "C" fn listen(fd: c_int, backlog: c_int) -> c_int {
    let timer = trace::start();
    let result = sys::listen(fd, backlog);
    trace_call!(timer, &result, "listen({fd}, {backlog})");
    int_result(result)
}

/// `accept(fd, addr, len)` — takes the next connection from a listening socket.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/accept.2.html)
///
/// # Safety
/// `addr` and `len` must be null, or `*len` must be the size of the writable buffer at `addr`.
#[no_mangle]
pub unsafe extern "C" fn accept(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel writes at most `*len` bytes to `addr`, as the caller promises it may.
    let result = unsafe { sys::accept(fd, addr, len) };
    trace_call!(timer, &result, "accept({fd}, {addr:p}, {len:p})");
    int_result(result)
}

/// `accept4(fd, addr, len, flags)` — `accept` that sets `SOCK_NONBLOCK` / `SOCK_CLOEXEC` at once.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man2/accept4.2.html)
///
/// # Safety
/// As for [`accept`].
#[no_mangle]
pub unsafe extern "C" fn accept4(
    fd: c_int,
    addr: *mut sockaddr,
    len: *mut socklen_t,
    flags: c_int,
) -> c_int {
    let timer = trace::start();
    // SAFETY: as in `accept`.
    let result = unsafe { sys::accept4(fd, addr, len, flags) };
    trace_call!(
        timer,
        &result,
        "accept4({fd}, {addr:p}, {len:p}, {flags:#x})"
    );
    int_result(result)
}

/// `connect(fd, addr, len)` — connects a socket to a peer, or sets a datagram socket's default peer.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/connect.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/connect.2.html)
///
/// # Safety
/// As for [`bind`].
#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel only reads `len` bytes at `addr`, as the caller promises it may.
    let result = unsafe { sys::connect(fd, addr, len) };
    trace_call!(
        timer,
        &result,
        "connect({fd}, {}, {len})",
        ShownAddress::new(addr, len, result.is_ok())
    );
    int_result(result)
}

/// `send(fd, buf, len, flags)` — sends bytes on a connected socket (`sendto` with no address).
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/send.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/send.2.html)
///
/// # Safety
/// `buf` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    let timer = trace::start();
    // SAFETY: the kernel only reads `len` bytes at `buf`; there is no address.
    let result = unsafe { sys::sendto(fd, buf, len, flags, core::ptr::null(), 0) };
    trace_call!(timer, &result, "send({fd}, {buf:p}, {len}, {flags:#x})");
    size_result(result)
}

/// `sendto(fd, buf, len, flags, addr, addr_len)` — sends bytes, to `addr` if the socket is unconnected.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendto.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/sendto.2.html)
///
/// # Safety
/// `buf` must point to `len` readable bytes, `addr` (if not null) to `addr_len`.
#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    addr_len: socklen_t,
) -> ssize_t {
    let timer = trace::start();
    // SAFETY: the kernel only reads `buf` and `addr`, within the lengths the caller vouches for.
    let result = unsafe { sys::sendto(fd, buf, len, flags, addr, addr_len) };
    trace_call!(
        timer,
        &result,
        "sendto({fd}, {buf:p}, {len}, {flags:#x}, {}, {addr_len})",
        ShownAddress::new(addr, addr_len, result.is_ok())
    );
    size_result(result)
}

/// `sendmsg(fd, msg, flags)` — sends a message gathered from `msg`'s buffers, with ancillary data.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendmsg.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/sendmsg.2.html)
///
/// # Safety
/// `msg` must point to a `msghdr` whose buffers are readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let timer = trace::start();
    // SAFETY: the kernel only reads `msg` and its buffers, which the caller vouches for.
    let result = unsafe { sys::sendmsg(fd, msg, flags) };
    trace_call!(timer, &result, "sendmsg({fd}, {msg:p}, {flags:#x})");
    size_result(result)
}

/// `sendmmsg(fd, messages, count, flags)` — sends up to `count` messages; returns how many were sent.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man2/sendmmsg.2.html)
///
/// # Safety
/// `messages` must point to `count` writable `mmsghdr`s whose buffers are readable.
#[no_mangle]
pub unsafe extern "C" fn sendmmsg(
    fd: c_int,
    messages: *mut mmsghdr,
    count: c_uint,
    flags: c_int,
) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel reads the messages and writes each `msg_len`, as the caller vouches it may.
    let result = unsafe { sys::sendmmsg(fd, messages, count, flags) };
    trace_call!(
        timer,
        &result,
        "sendmmsg({fd}, {messages:p}, {count}, {flags:#x})"
    );
    int_result(result)
}

/// `recv(fd, buf, len, flags)` — receives bytes from a socket (`recvfrom` with no address).
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recv.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recv.2.html)
///
/// # Safety
/// `buf` must point to `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    let no_addr = core::ptr::null_mut();
    let timer = trace::start();
    // SAFETY: the kernel writes at most `len` bytes to `buf`; there is no address.
    let result = unsafe { sys::recvfrom(fd, buf, len, flags, no_addr, core::ptr::null_mut()) };
    trace_call!(timer, &result, "recv({fd}, {buf:p}, {len}, {flags:#x})");
    size_result(result)
}

/// `recvfrom(fd, buf, len, flags, addr, addr_len)` — receives bytes and the sender's address.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvfrom.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recvfrom.2.html)
///
/// # Safety
/// `buf` must point to `len` writable bytes; `addr` and `addr_len` as for [`accept`].
#[no_mangle]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addr_len: *mut socklen_t,
) -> ssize_t {
    let timer = trace::start();
    // SAFETY: the kernel writes within the buffers and lengths the caller vouches for.
    let result = unsafe { sys::recvfrom(fd, buf, len, flags, addr, addr_len) };
    trace_call!(
        timer,
        &result,
        "recvfrom({fd}, {buf:p}, {len}, {flags:#x}, {addr:p}, {addr_len:p})"
    );
    size_result(result)
}

extern "C" {
    /// glibc's report of a detected buffer overflow: prints "*** buffer overflow detected ***" and
    /// aborts. Not part of the API netlibc replaces.
    fn __chk_fail() -> !;
}

/// `__recv_chk(fd, buf, len, buf_size, flags)` — `recv` as `_FORTIFY_SOURCE` builds call it when
/// `buf`'s size is known: a `len` beyond `buf_size` is a buffer overflow and aborts, like glibc.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [LSB](https://refspecs.linuxbase.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/libc---recv-chk-1.html)
///
/// # Safety
/// As for [`recv`].
#[no_mangle]
pub unsafe extern "C" fn __recv_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buf_size: size_t,
    flags: c_int,
) -> ssize_t {
    if len > buf_size {
        // SAFETY: glibc's __chk_fail takes no arguments and does not return.
        unsafe { __chk_fail() }
    }
    let no_addr = core::ptr::null_mut();
    let timer = trace::start();
    // SAFETY: as in `recv`; `len` fits the buffer.
    let result = unsafe { sys::recvfrom(fd, buf, len, flags, no_addr, core::ptr::null_mut()) };
    trace_call!(timer, &result, "recv({fd}, {buf:p}, {len}, {flags:#x})");
    size_result(result)
}

/// `__recvfrom_chk(fd, buf, len, buf_size, flags, addr, addr_len)` — `recvfrom` as
/// `_FORTIFY_SOURCE` builds call it: a `len` beyond `buf_size` aborts, like glibc.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [LSB](https://refspecs.linuxbase.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/libc---recvfrom-chk-1.html)
///
/// # Safety
/// As for [`recvfrom`].
#[no_mangle]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buf_size: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addr_len: *mut socklen_t,
) -> ssize_t {
    if len > buf_size {
        // SAFETY: glibc's __chk_fail takes no arguments and does not return.
        unsafe { __chk_fail() }
    }
    let timer = trace::start();
    // SAFETY: as in `recvfrom`; `len` fits the buffer.
    let result = unsafe { sys::recvfrom(fd, buf, len, flags, addr, addr_len) };
    trace_call!(
        timer,
        &result,
        "recvfrom({fd}, {buf:p}, {len}, {flags:#x}, {addr:p}, {addr_len:p})"
    );
    size_result(result)
}

/// `recvmsg(fd, msg, flags)` — receives a message scattered into `msg`'s buffers, with ancillary data.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvmsg.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recvmsg.2.html)
///
/// # Safety
/// `msg` must point to a writable `msghdr` whose buffers are writable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let timer = trace::start();
    // SAFETY: the kernel writes within `msg` and its buffers, which the caller vouches for.
    let result = unsafe { sys::recvmsg(fd, msg, flags) };
    trace_call!(timer, &result, "recvmsg({fd}, {msg:p}, {flags:#x})");
    size_result(result)
}

/// `recvmmsg(fd, messages, count, flags, timeout)` — receives up to `count` messages.
///
/// Differences from glibc: not a cancellation point.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man2/recvmmsg.2.html)
///
/// # Safety
/// `messages` must point to `count` writable `mmsghdr`s whose buffers are writable; `timeout` must be
/// null or point to a writable `timespec`.
#[no_mangle]
pub unsafe extern "C" fn recvmmsg(
    fd: c_int,
    messages: *mut mmsghdr,
    count: c_uint,
    flags: c_int,
    timeout: *mut timespec,
) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel writes within the messages and `timeout`, which the caller vouches for.
    let result = unsafe { sys::recvmmsg(fd, messages, count, flags, timeout) };
    trace_call!(
        timer,
        &result,
        "recvmmsg({fd}, {messages:p}, {count}, {flags:#x}, {timeout:p})"
    );
    int_result(result)
}

/// `shutdown(fd, how)` — shuts down part or all of a full-duplex connection.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/shutdown.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/shutdown.2.html)
#[no_mangle]
pub extern "C" fn shutdown(fd: c_int, how: c_int) -> c_int {
    let timer = trace::start();
    let result = sys::shutdown(fd, how);
    trace_call!(timer, &result, "shutdown({fd}, {how})");
    int_result(result)
}

/// `getsockname(fd, addr, len)` — reads a socket's local address.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockname.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockname.2.html)
///
/// # Safety
/// `*len` must be the size of the writable buffer at `addr`.
#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel writes at most `*len` bytes to `addr`, as the caller promises it may.
    let result = unsafe { sys::getsockname(fd, addr, len) };
    trace_call!(timer, &result, "getsockname({fd}, {addr:p}, {len:p})");
    int_result(result)
}

/// `getpeername(fd, addr, len)` — reads the address of a connected socket's peer.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpeername.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getpeername.2.html)
///
/// # Safety
/// As for [`getsockname`].
#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let timer = trace::start();
    // SAFETY: as in `getsockname`.
    let result = unsafe { sys::getpeername(fd, addr, len) };
    trace_call!(timer, &result, "getpeername({fd}, {addr:p}, {len:p})");
    int_result(result)
}

/// `setsockopt(fd, level, name, value, len)` — sets a socket option.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
///
/// # Safety
/// `value` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *const c_void,
    len: socklen_t,
) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel only reads `len` bytes at `value`, as the caller promises it may.
    let result = unsafe { sys::setsockopt(fd, level, name, value, len) };
    trace_call!(
        timer,
        &result,
        "setsockopt({fd}, {level}, {name}, {value:p}, {len})"
    );
    int_result(result)
}

/// `getsockopt(fd, level, name, value, len)` — reads a socket option.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
///
/// # Safety
/// `*len` must be the size of the writable buffer at `value`.
#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    value: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let timer = trace::start();
    // SAFETY: the kernel writes at most `*len` bytes to `value`, as the caller promises it may.
    let result = unsafe { sys::getsockopt(fd, level, name, value, len) };
    trace_call!(
        timer,
        &result,
        "getsockopt({fd}, {level}, {name}, {value:p}, {len:p})"
    );
    int_result(result)
}

/// `sockatmark(fd)` — whether a socket's read position is at the out-of-band mark: 1, 0, or -1.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sockatmark.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/sockatmark.3.html)
#[no_mangle]
pub extern "C" fn sockatmark(fd: c_int) -> c_int {
    let timer = trace::start();
    let result = sys::sockatmark(fd);
    if let Some(timer) = timer {
        match result {
            Ok(at_mark) => {
                trace::emit(timer, format_args!("sockatmark({fd}) = {at_mark} [kernel]"))
            }
            Err(errno) => trace::emit(
                timer,
                format_args!("sockatmark({fd}) = -1, errno {} [kernel]", errno.0),
            ),
        }
    }
    match result {
        Ok(at_mark) => at_mark,
        Err(errno) => {
            set_errno(errno);
            -1
        }
    }
}
