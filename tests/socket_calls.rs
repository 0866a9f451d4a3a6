//! The `<sys/socket.h>` calls: working over loopback TCP and UDP and AF_UNIX pairs, and failing exactly
//! as glibc's do (same return value, same errno) on the same bad arguments; errno untouched on success.

mod common;

use std::ffi::{c_int, c_uint, c_void, CStr};
use std::mem::{size_of, zeroed};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use common::{errno, set_errno, Glibc};
use libc::{iovec, mmsghdr, msghdr, sockaddr, sockaddr_in, socklen_t, ssize_t, timespec};
use netlibc::abi::sys_socket as net;

/// A value no call sets, so "errno untouched" and "errno set" are both visible.
const SENTINEL: c_int = 12345;

fn glibc() -> &'static Glibc {
    static GLIBC: OnceLock<Glibc> = OnceLock::new();
    GLIBC.get_or_init(Glibc::open)
}

/// Runs a call with errno at [`SENTINEL`] and returns its result and errno afterwards.
fn outcome(call: impl FnOnce() -> i64) -> (i64, c_int) {
    set_errno(SENTINEL);
    let result = call();
    (result, errno())
}

/// Asserts that a successful netlibc call left errno alone, and returns its result.
fn ok(call: impl FnOnce() -> i64) -> i64 {
    let (result, after) = outcome(call);
    assert!(result >= 0, "call failed with errno {after}");
    assert_eq!(after, SENTINEL, "errno changed by a successful call");
    result
}

/// Calls netlibc's and glibc's `name` with the same arguments and asserts that both fail with
/// `expected` (the errno is named so that the test fails if both wrongly succeed).
macro_rules! same_failure {
    ($expected:expr, $name:ident as $ty:ty, $($arg:expr),* $(,)?) => {{
        let ours: $ty = net::$name;
        let name = CStr::from_bytes_with_nul(concat!(stringify!($name), "\0").as_bytes()).unwrap();
        // SAFETY: `$ty` is glibc's prototype of the function.
        let theirs: $ty = unsafe { glibc().function(name) };
        // SAFETY: the arguments are the test's; the kernel rejects the bad ones before using them.
        let netlibc = outcome(|| unsafe { ours($($arg),*) } as i64);
        // SAFETY: as above.
        let glibc = outcome(|| unsafe { theirs($($arg),*) } as i64);
        assert_eq!(netlibc, glibc, "{} differs from glibc", stringify!($name));
        assert_eq!(netlibc, (-1, $expected), "{}", stringify!($name));
    }};
}

type SocketFn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type SocketpairFn = unsafe extern "C" fn(c_int, c_int, c_int, *mut c_int) -> c_int;
type AddrInFn = unsafe extern "C" fn(c_int, *const sockaddr, socklen_t) -> c_int;
type AddrOutFn = unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int;
type Accept4Fn = unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t, c_int) -> c_int;
type IntIntFn = unsafe extern "C" fn(c_int, c_int) -> c_int;
type SendFn = unsafe extern "C" fn(c_int, *const c_void, usize, c_int) -> ssize_t;
type RecvFn = unsafe extern "C" fn(c_int, *mut c_void, usize, c_int) -> ssize_t;
type SendtoFn =
    unsafe extern "C" fn(c_int, *const c_void, usize, c_int, *const sockaddr, socklen_t) -> ssize_t;
type RecvfromFn = unsafe extern "C" fn(
    c_int,
    *mut c_void,
    usize,
    c_int,
    *mut sockaddr,
    *mut socklen_t,
) -> ssize_t;
type SendmsgFn = unsafe extern "C" fn(c_int, *const msghdr, c_int) -> ssize_t;
type RecvmsgFn = unsafe extern "C" fn(c_int, *mut msghdr, c_int) -> ssize_t;
type SendmmsgFn = unsafe extern "C" fn(c_int, *mut mmsghdr, c_uint, c_int) -> c_int;
type RecvmmsgFn = unsafe extern "C" fn(c_int, *mut mmsghdr, c_uint, c_int, *mut timespec) -> c_int;
type SetsockoptFn = unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int;
type GetsockoptFn = unsafe extern "C" fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int;
type FdFn = unsafe extern "C" fn(c_int) -> c_int;

fn close(fd: c_int) {
    // SAFETY: closing a descriptor the test opened.
    unsafe { libc::close(fd) };
}

fn loopback(port: u16) -> sockaddr_in {
    // SAFETY: sockaddr_in is plain old data; all zeroes is valid.
    let mut addr: sockaddr_in = unsafe { zeroed() };
    addr.sin_family = libc::AF_INET as libc::sa_family_t;
    addr.sin_port = port.to_be();
    addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
    addr
}

fn as_addr(addr: &sockaddr_in) -> *const sockaddr {
    (addr as *const sockaddr_in).cast()
}

const ADDR_LEN: socklen_t = size_of::<sockaddr_in>() as socklen_t;

/// The local (`peer == false`) or peer address of a socket, through netlibc.
fn address_of(fd: c_int, peer: bool) -> sockaddr_in {
    // SAFETY: sockaddr_in is plain old data.
    let mut addr: sockaddr_in = unsafe { zeroed() };
    let mut len = ADDR_LEN;
    let out = (&mut addr as *mut sockaddr_in).cast();
    let call = if peer {
        net::getpeername
    } else {
        net::getsockname
    };
    // SAFETY: `out` is a writable sockaddr_in of `len` bytes.
    ok(|| unsafe { call(fd, out, &mut len) } as i64);
    assert_eq!(len, ADDR_LEN);
    addr
}

/// A listening TCP socket on 127.0.0.1 (an ephemeral port) and its address.
fn tcp_listener() -> (c_int, sockaddr_in) {
    let fd = ok(|| net::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64) as c_int;
    let one: c_int = 1;
    let one_ptr = (&one as *const c_int).cast();
    // SAFETY: `one` is a readable int.
    ok(|| unsafe { net::setsockopt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, one_ptr, 4) } as i64);
    let any_port = loopback(0);
    // SAFETY: `any_port` is a readable sockaddr_in.
    ok(|| unsafe { net::bind(fd, as_addr(&any_port), ADDR_LEN) } as i64);
    ok(|| net::listen(fd, 8) as i64);
    (fd, address_of(fd, false))
}

/// A connected TCP pair over loopback: (client, server side), the server side made by `accept4`.
fn tcp_pair(accept_flags: c_int) -> (c_int, c_int) {
    let (listener, addr) = tcp_listener();
    let client = ok(|| net::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64) as c_int;
    // SAFETY: `addr` is a readable sockaddr_in.
    ok(|| unsafe { net::connect(client, as_addr(&addr), ADDR_LEN) } as i64);
    // SAFETY: sockaddr_in is plain old data.
    let mut peer: sockaddr_in = unsafe { zeroed() };
    let mut len = ADDR_LEN;
    let peer_ptr = (&mut peer as *mut sockaddr_in).cast();
    // SAFETY: `peer_ptr` is a writable sockaddr_in of `len` bytes.
    let server = ok(|| unsafe { net::accept4(listener, peer_ptr, &mut len, accept_flags) } as i64);
    let client_addr = address_of(client, false);
    assert_eq!(
        (peer.sin_port, peer.sin_addr.s_addr),
        (client_addr.sin_port, client_addr.sin_addr.s_addr)
    );
    close(listener);
    (client, server as c_int)
}

fn unix_pair(socket_type: c_int) -> [c_int; 2] {
    let mut fds = [-1; 2];
    let fds_ptr = fds.as_mut_ptr();
    // SAFETY: `fds` holds two writable ints.
    ok(|| unsafe { net::socketpair(libc::AF_UNIX, socket_type, 0, fds_ptr) } as i64);
    fds
}

fn send_all(fd: c_int, bytes: &[u8], flags: c_int) {
    // SAFETY: `bytes` is readable for its length.
    let sent = ok(|| unsafe { net::send(fd, bytes.as_ptr().cast(), bytes.len(), flags) } as i64);
    assert_eq!(sent as usize, bytes.len());
}

fn recv_some(fd: c_int, capacity: usize, flags: c_int) -> Vec<u8> {
    let mut buf = vec![0u8; capacity];
    let out = buf.as_mut_ptr().cast();
    // SAFETY: `buf` is writable for `capacity` bytes.
    let got = ok(|| unsafe { net::recv(fd, out, capacity, flags) } as i64);
    buf.truncate(got as usize);
    buf
}

#[test]
fn tcp_over_loopback_peeks_receives_and_shuts_down() {
    let (client, server) = tcp_pair(0);
    assert_eq!(
        address_of(server, true).sin_port,
        address_of(client, false).sin_port
    );
    assert_eq!(
        address_of(client, true).sin_port,
        address_of(server, false).sin_port
    );
    send_all(client, b"hello", 0);
    assert_eq!(
        recv_some(server, 5, libc::MSG_PEEK | libc::MSG_WAITALL),
        b"hello"
    );
    assert_eq!(recv_some(server, 64, 0), b"hello");
    send_all(server, b"back", 0);
    assert_eq!(recv_some(client, 64, 0), b"back");
    ok(|| net::shutdown(client, libc::SHUT_WR) as i64);
    assert_eq!(
        recv_some(server, 64, 0),
        b"",
        "the peer's SHUT_WR reads as end of file"
    );
    same_failure!(
        libc::EPIPE,
        send as SendFn,
        client,
        b"x".as_ptr().cast(),
        1,
        libc::MSG_NOSIGNAL
    );
    close(client);
    close(server);
}

#[test]
fn accept4_sets_the_requested_flags_and_accept_takes_null_addresses() {
    let (client, server) = tcp_pair(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK);
    // SAFETY: F_GETFD / F_GETFL only read the descriptor's flags.
    let (fd_flags, fl_flags) = unsafe {
        (
            libc::fcntl(server, libc::F_GETFD),
            libc::fcntl(server, libc::F_GETFL),
        )
    };
    assert_ne!(fd_flags & libc::FD_CLOEXEC, 0);
    assert_ne!(fl_flags & libc::O_NONBLOCK, 0);
    let mut buf = [0u8; 4];
    // SAFETY: `buf` is writable; the socket is non-blocking and empty.
    let empty = outcome(|| unsafe { net::recv(server, buf.as_mut_ptr().cast(), 4, 0) } as i64);
    assert_eq!(empty, (-1, libc::EAGAIN));
    close(client);
    close(server);

    let (listener, addr) = tcp_listener();
    let client = ok(|| net::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64) as c_int;
    // SAFETY: `addr` is a readable sockaddr_in.
    ok(|| unsafe { net::connect(client, as_addr(&addr), ADDR_LEN) } as i64);
    // SAFETY: accept allows null address and length.
    let server = ok(|| unsafe { net::accept(listener, null_mut(), null_mut()) } as i64) as c_int;
    // SAFETY: as above.
    let (fd_flags, fl_flags) = unsafe {
        (
            libc::fcntl(server, libc::F_GETFD),
            libc::fcntl(server, libc::F_GETFL),
        )
    };
    assert_eq!(
        (fd_flags & libc::FD_CLOEXEC, fl_flags & libc::O_NONBLOCK),
        (0, 0)
    );
    for fd in [listener, client, server] {
        close(fd);
    }
}

#[test]
fn udp_sendto_recvfrom_report_the_sender() {
    let receiver = ok(|| net::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) as i64) as c_int;
    let any_port = loopback(0);
    // SAFETY: a readable sockaddr_in.
    ok(|| unsafe { net::bind(receiver, as_addr(&any_port), ADDR_LEN) } as i64);
    let to = address_of(receiver, false);
    let sender = ok(|| net::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) as i64) as c_int;
    let payload = b"datagram";
    // SAFETY: `payload` and `to` are readable.
    let sent = ok(|| unsafe {
        net::sendto(
            sender,
            payload.as_ptr().cast(),
            8,
            0,
            as_addr(&to),
            ADDR_LEN,
        )
    } as i64);
    assert_eq!(sent, 8);
    let mut buf = [0u8; 64];
    // SAFETY: sockaddr_in is plain old data.
    let mut from: sockaddr_in = unsafe { zeroed() };
    let mut from_len = ADDR_LEN;
    let from_ptr = (&mut from as *mut sockaddr_in).cast();
    let buf_ptr = buf.as_mut_ptr().cast();
    // SAFETY: `buf` and `from` are writable for the lengths given.
    let got =
        ok(|| unsafe { net::recvfrom(receiver, buf_ptr, 64, 0, from_ptr, &mut from_len) } as i64);
    assert_eq!(&buf[..got as usize], payload);
    assert_eq!(from.sin_port, address_of(sender, false).sin_port);
    assert_eq!(from_len, ADDR_LEN);
    close(sender);
    close(receiver);
}

/// `count` mmsghdrs, each over one iovec of the matching buffer.
fn message_vector(buffers: &mut [Vec<u8>], iovecs: &mut Vec<iovec>) -> Vec<mmsghdr> {
    iovecs.clear();
    iovecs.extend(buffers.iter_mut().map(|b| iovec {
        iov_base: b.as_mut_ptr().cast(),
        iov_len: b.len(),
    }));
    iovecs
        .iter_mut()
        .map(|iov| {
            // SAFETY: mmsghdr is plain old data; all zeroes means no name and no control data.
            let mut m: mmsghdr = unsafe { zeroed() };
            m.msg_hdr.msg_iov = iov;
            m.msg_hdr.msg_iovlen = 1;
            m
        })
        .collect()
}

#[test]
fn sendmmsg_and_recvmmsg_move_several_datagrams() {
    let [a, b] = unix_pair(libc::SOCK_DGRAM);
    let mut outgoing: Vec<Vec<u8>> = vec![b"one".to_vec(), b"two!".to_vec(), b"three".to_vec()];
    let mut out_iovecs = Vec::new();
    let mut out = message_vector(&mut outgoing, &mut out_iovecs);
    // SAFETY: `out` holds 3 messages over live buffers.
    let sent = ok(|| unsafe { net::sendmmsg(a, out.as_mut_ptr(), 3, 0) } as i64);
    assert_eq!(sent, 3);
    assert_eq!(out.iter().map(|m| m.msg_len).collect::<Vec<_>>(), [3, 4, 5]);

    let mut incoming = vec![vec![0u8; 16]; 4];
    let mut in_iovecs = Vec::new();
    let mut inbox = message_vector(&mut incoming, &mut in_iovecs);
    let mut timeout = timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    // SAFETY: `inbox` holds 4 messages over live writable buffers; `timeout` is writable.
    let got =
        ok(
            || unsafe { net::recvmmsg(b, inbox.as_mut_ptr(), 4, libc::MSG_DONTWAIT, &mut timeout) }
                as i64,
        );
    assert_eq!(got, 3);
    for (i, expected) in outgoing.iter().enumerate() {
        assert_eq!(&incoming[i][..inbox[i].msg_len as usize], &expected[..]);
    }
    close(a);
    close(b);
}

#[test]
fn sendmsg_gathers_and_recvmsg_scatters() {
    let [a, b] = unix_pair(libc::SOCK_STREAM);
    let mut parts = [b"gath".to_vec(), b"ered".to_vec()];
    let mut iovecs: Vec<iovec> = parts
        .iter_mut()
        .map(|p| iovec {
            iov_base: p.as_mut_ptr().cast(),
            iov_len: p.len(),
        })
        .collect();
    // SAFETY: msghdr is plain old data.
    let mut msg: msghdr = unsafe { zeroed() };
    msg.msg_iov = iovecs.as_mut_ptr();
    msg.msg_iovlen = 2;
    // SAFETY: `msg` describes two live buffers.
    assert_eq!(ok(|| unsafe { net::sendmsg(a, &msg, 0) } as i64), 8);
    let mut halves = [vec![0u8; 3], vec![0u8; 5]];
    let mut iovecs: Vec<iovec> = halves
        .iter_mut()
        .map(|p| iovec {
            iov_base: p.as_mut_ptr().cast(),
            iov_len: p.len(),
        })
        .collect();
    msg.msg_iov = iovecs.as_mut_ptr();
    // SAFETY: `msg` describes two live writable buffers.
    assert_eq!(
        ok(|| unsafe { net::recvmsg(b, &mut msg, libc::MSG_WAITALL) } as i64),
        8
    );
    assert_eq!(
        (&halves[0][..], &halves[1][..]),
        (&b"gat"[..], &b"hered"[..])
    );
    assert_eq!(address_of_unix(a), libc::AF_UNIX);
    close(a);
    close(b);
}

/// The family an unnamed AF_UNIX socket reports (its name is just the family, 2 bytes).
fn address_of_unix(fd: c_int) -> c_int {
    // SAFETY: sockaddr_un is plain old data.
    let mut addr: libc::sockaddr_un = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_un>() as socklen_t;
    let out = (&mut addr as *mut libc::sockaddr_un).cast();
    // SAFETY: `addr` is writable for `len` bytes.
    ok(|| unsafe { net::getsockname(fd, out, &mut len) } as i64);
    assert_eq!(len, 2);
    c_int::from(addr.sun_family)
}

#[test]
fn socket_options_round_trip() {
    let fd = ok(|| net::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64) as c_int;
    for (level, name, value) in [
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1),
        (libc::SOL_SOCKET, libc::SO_REUSEADDR, 1),
        (libc::IPPROTO_TCP, libc::TCP_NODELAY, 1),
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE, 0),
    ] {
        let value_ptr = (&value as *const c_int).cast();
        // SAFETY: `value` is a readable int.
        ok(|| unsafe { net::setsockopt(fd, level, name, value_ptr, 4) } as i64);
        let mut read: c_int = -1;
        let mut len: socklen_t = 4;
        let read_ptr = (&mut read as *mut c_int).cast();
        // SAFETY: `read` is a writable int and `len` says so.
        ok(|| unsafe { net::getsockopt(fd, level, name, read_ptr, &mut len) } as i64);
        assert_eq!((read, len), (value, 4), "option {level}/{name}");
    }
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 7,
    };
    let size = size_of::<libc::linger>() as socklen_t;
    // SAFETY: `linger` is readable for `size` bytes.
    ok(|| unsafe {
        net::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            size,
        )
    } as i64);
    let mut read = libc::linger {
        l_onoff: 0,
        l_linger: 0,
    };
    let mut len = size;
    let read_ptr = (&mut read as *mut libc::linger).cast();
    // SAFETY: `read` is writable for `len` bytes.
    ok(
        || unsafe { net::getsockopt(fd, libc::SOL_SOCKET, libc::SO_LINGER, read_ptr, &mut len) }
            as i64,
    );
    assert_eq!((read.l_onoff, read.l_linger, len), (1, 7, size));
    close(fd);
}

#[test]
fn sockatmark_finds_the_out_of_band_mark_like_glibc() {
    let (client, server) = tcp_pair(0);
    // SAFETY: glibc's prototype.
    let glibc_sockatmark: FdFn = unsafe { glibc().function(c"sockatmark") };
    assert_eq!(ok(|| net::sockatmark(server) as i64), 0);
    send_all(client, b"ab", 0);
    send_all(client, b"!", libc::MSG_OOB);
    assert_eq!(recv_some(server, 2, libc::MSG_WAITALL), b"ab");
    // The urgent byte may still be on its way: wait (bounded) until the kernel has seen it.
    let mut at_mark = 0;
    for _ in 0..200 {
        at_mark = ok(|| net::sockatmark(server) as i64);
        if at_mark == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(at_mark, 1);
    // SAFETY: `server` is an open socket.
    assert_eq!(unsafe { glibc_sockatmark(server) }, 1);
    close(client);
    close(server);
}

#[test]
fn bad_descriptors_fail_like_glibc() {
    let mut buf = [0u8; 8];
    let b = buf.as_mut_ptr().cast::<c_void>();
    let mut len: socklen_t = 8;
    let l: *mut socklen_t = &mut len;
    // SAFETY: opening /dev/null for reading.
    let file = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY) };
    assert!(file >= 0);
    for (fd, expected) in [
        (-1, libc::EBADF),
        (999_999, libc::EBADF),
        (file, libc::ENOTSOCK),
    ] {
        let addr = loopback(1);
        let a = as_addr(&addr);
        let out = b.cast::<sockaddr>();
        same_failure!(expected, bind as AddrInFn, fd, a, ADDR_LEN);
        same_failure!(expected, connect as AddrInFn, fd, a, ADDR_LEN);
        same_failure!(expected, listen as IntIntFn, fd, 1);
        same_failure!(expected, shutdown as IntIntFn, fd, libc::SHUT_RDWR);
        same_failure!(expected, accept as AddrOutFn, fd, out, l);
        same_failure!(expected, accept4 as Accept4Fn, fd, out, l, 0);
        same_failure!(expected, getsockname as AddrOutFn, fd, out, l);
        same_failure!(expected, getpeername as AddrOutFn, fd, out, l);
        same_failure!(expected, send as SendFn, fd, b, 1, 0);
        same_failure!(expected, recv as RecvFn, fd, b, 1, 0);
        same_failure!(expected, sendto as SendtoFn, fd, b, 1, 0, a, ADDR_LEN);
        same_failure!(expected, recvfrom as RecvfromFn, fd, b, 1, 0, out, l);
        // SAFETY: msghdr and mmsghdr are plain old data.
        let (mut msg, mut mmsg): (msghdr, mmsghdr) = unsafe { (zeroed(), zeroed()) };
        same_failure!(expected, sendmsg as SendmsgFn, fd, &msg, 0);
        same_failure!(expected, recvmsg as RecvmsgFn, fd, &mut msg, 0);
        same_failure!(expected, sendmmsg as SendmmsgFn, fd, &mut mmsg, 1, 0);
        same_failure!(
            expected,
            recvmmsg as RecvmmsgFn,
            fd,
            &mut mmsg,
            1,
            0,
            null_mut()
        );
        let one: c_int = 1;
        let one_ptr = (&one as *const c_int).cast();
        same_failure!(
            expected,
            setsockopt as SetsockoptFn,
            fd,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            one_ptr,
            4
        );
        same_failure!(
            expected,
            getsockopt as GetsockoptFn,
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            b,
            l
        );
        // sockatmark is an ioctl, which a file that is not a socket does not know.
        let not_a_socket = if fd == file { libc::ENOTTY } else { expected };
        same_failure!(not_a_socket, sockatmark as FdFn, fd);
    }
    close(file);
}

#[test]
fn bad_families_types_and_lengths_fail_like_glibc() {
    let mut fds = [-1; 2];
    let f = fds.as_mut_ptr();
    same_failure!(
        libc::EAFNOSUPPORT,
        socket as SocketFn,
        12345,
        libc::SOCK_STREAM,
        0
    );
    same_failure!(libc::EINVAL, socket as SocketFn, libc::AF_INET, 12345, 0);
    same_failure!(
        libc::EPROTONOSUPPORT,
        socket as SocketFn,
        libc::AF_INET,
        libc::SOCK_STREAM,
        libc::IPPROTO_UDP
    );
    same_failure!(
        libc::EAFNOSUPPORT,
        socketpair as SocketpairFn,
        12345,
        libc::SOCK_STREAM,
        0,
        f
    );
    same_failure!(
        libc::EOPNOTSUPP,
        socketpair as SocketpairFn,
        libc::AF_INET,
        libc::SOCK_STREAM,
        0,
        f
    );

    let fd = ok(|| net::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64) as c_int;
    let udp = ok(|| net::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) as i64) as c_int;
    let addr = loopback(0);
    let a = as_addr(&addr);
    same_failure!(libc::EINVAL, bind as AddrInFn, fd, a, 1);
    same_failure!(libc::EINVAL, connect as AddrInFn, fd, a, 0);
    same_failure!(libc::EINVAL, shutdown as IntIntFn, fd, 7);
    same_failure!(libc::ENOTCONN, shutdown as IntIntFn, fd, libc::SHUT_RDWR);
    same_failure!(libc::EOPNOTSUPP, listen as IntIntFn, udp, 1);
    same_failure!(
        libc::EINVAL,
        accept as AddrOutFn,
        fd,
        null_mut(),
        null_mut()
    );
    let mut len: socklen_t = 8;
    same_failure!(
        libc::EINVAL,
        accept4 as Accept4Fn,
        fd,
        null_mut(),
        &mut len,
        0x7fff_0000
    );
    let one: c_int = 1;
    let one_ptr = (&one as *const c_int).cast();
    same_failure!(
        libc::EINVAL,
        setsockopt as SetsockoptFn,
        fd,
        libc::SOL_SOCKET,
        libc::SO_REUSEADDR,
        one_ptr,
        1
    );
    same_failure!(
        libc::ENOPROTOOPT,
        setsockopt as SetsockoptFn,
        fd,
        libc::SOL_SOCKET,
        12345,
        one_ptr,
        4
    );
    let mut value: c_int = 0;
    let v = (&mut value as *mut c_int).cast();
    let mut negative = u32::MAX;
    same_failure!(
        libc::EINVAL,
        getsockopt as GetsockoptFn,
        fd,
        libc::SOL_SOCKET,
        libc::SO_TYPE,
        v,
        &mut negative
    );
    same_failure!(
        libc::ENOTCONN,
        getpeername as AddrOutFn,
        fd,
        v.cast(),
        &mut len
    );
    let mut buf = [0u8; 4];
    same_failure!(
        libc::EDESTADDRREQ,
        send as SendFn,
        udp,
        buf.as_ptr().cast(),
        4,
        0
    );
    same_failure!(
        libc::EAGAIN,
        recv as RecvFn,
        udp,
        buf.as_mut_ptr().cast(),
        4,
        libc::MSG_DONTWAIT
    );
    let mut timeout = timespec {
        tv_sec: 0,
        tv_nsec: -1,
    };
    // SAFETY: mmsghdr is plain old data.
    let mut mmsg: mmsghdr = unsafe { zeroed() };
    same_failure!(
        libc::EINVAL,
        recvmmsg as RecvmmsgFn,
        udp,
        &mut mmsg,
        1,
        0,
        &mut timeout
    );
    close(fd);
    close(udp);
}

#[test]
fn bad_pointers_fail_with_efault_like_glibc() {
    // An address that is never mapped in a user process on x86_64 Linux (the first page).
    let bad = 8usize as *mut c_void;
    same_failure!(
        libc::EFAULT,
        socketpair as SocketpairFn,
        libc::AF_UNIX,
        libc::SOCK_STREAM,
        0,
        bad.cast()
    );
    let fd = ok(|| net::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) as i64) as c_int;
    let mut len: socklen_t = ADDR_LEN;
    same_failure!(libc::EFAULT, bind as AddrInFn, fd, null(), ADDR_LEN);
    same_failure!(libc::EFAULT, connect as AddrInFn, fd, bad.cast(), ADDR_LEN);
    same_failure!(
        libc::EFAULT,
        getsockname as AddrOutFn,
        fd,
        bad.cast(),
        null_mut()
    );
    same_failure!(
        libc::EFAULT,
        getsockname as AddrOutFn,
        fd,
        bad.cast(),
        &mut len
    );
    same_failure!(
        libc::EFAULT,
        setsockopt as SetsockoptFn,
        fd,
        libc::SOL_SOCKET,
        libc::SO_REUSEADDR,
        null(),
        4
    );
    same_failure!(
        libc::EFAULT,
        getsockopt as GetsockoptFn,
        fd,
        libc::SOL_SOCKET,
        libc::SO_TYPE,
        bad,
        null_mut()
    );
    let to = loopback(9);
    same_failure!(
        libc::EFAULT,
        sendto as SendtoFn,
        fd,
        bad,
        4,
        0,
        as_addr(&to),
        ADDR_LEN
    );
    same_failure!(libc::EFAULT, sendmsg as SendmsgFn, fd, null(), 0);
    same_failure!(libc::EFAULT, sendmmsg as SendmmsgFn, fd, bad.cast(), 1, 0);
    close(fd);

    for _ in 0..2 {
        let [a, b] = unix_pair(libc::SOCK_STREAM);
        send_all(a, b"data", 0);
        same_failure!(libc::EFAULT, recv as RecvFn, b, bad, 4, libc::MSG_DONTWAIT);
        same_failure!(
            libc::EFAULT,
            recvfrom as RecvfromFn,
            b,
            bad,
            4,
            libc::MSG_DONTWAIT,
            null_mut(),
            null_mut()
        );
        same_failure!(libc::EFAULT, recvmsg as RecvmsgFn, b, null_mut(), 0);
        same_failure!(
            libc::EFAULT,
            recvmmsg as RecvmmsgFn,
            b,
            bad.cast(),
            1,
            0,
            null_mut()
        );
        close(a);
        close(b);
    }
}

type RecvChkFn = unsafe extern "C" fn(c_int, *mut c_void, usize, usize, c_int) -> ssize_t;
type RecvfromChkFn = unsafe extern "C" fn(
    c_int,
    *mut c_void,
    usize,
    usize,
    c_int,
    *mut sockaddr,
    *mut socklen_t,
) -> ssize_t;

#[test]
fn fortified_receives_work_and_fail_like_glibc() {
    let [a, b] = unix_pair(libc::SOCK_DGRAM);
    send_all(a, b"fortified", 0);
    let mut buf = [0u8; 16];
    let out = buf.as_mut_ptr().cast();
    // SAFETY: `buf` is writable for 16 bytes, which the call is told.
    assert_eq!(
        ok(|| unsafe { net::__recv_chk(b, out, 16, 16, 0) } as i64),
        9
    );
    assert_eq!(&buf[..9], b"fortified");
    send_all(a, b"again", 0);
    // SAFETY: as above; no address.
    let got =
        ok(|| unsafe { net::__recvfrom_chk(b, out, 16, 16, 0, null_mut(), null_mut()) } as i64);
    assert_eq!(&buf[..got as usize], b"again");
    same_failure!(libc::EBADF, __recv_chk as RecvChkFn, -1, out, 16, 16, 0);
    same_failure!(
        libc::EAGAIN,
        __recv_chk as RecvChkFn,
        b,
        out,
        16,
        16,
        libc::MSG_DONTWAIT
    );
    let (no_addr, no_len) = (null_mut(), null_mut());
    same_failure!(
        libc::EAGAIN,
        __recvfrom_chk as RecvfromChkFn,
        b,
        out,
        16,
        16,
        libc::MSG_DONTWAIT,
        no_addr,
        no_len
    );
    close(a);
    close(b);
}

/// The thread body of the cancellation test: one blocking `recv`, then no cancellation point at all.
extern "C" fn receive_one_byte(fd: *mut c_void) -> *mut c_void {
    let mut byte = 0u8;
    // SAFETY: `byte` is writable for one byte.
    let got = unsafe { net::recv(fd as usize as c_int, (&mut byte as *mut u8).cast(), 1, 0) };
    (got as usize + 1) as *mut c_void
}

/// docs/deviations.md: netlibc's blocking calls are not cancellation points. A thread blocked in
/// `recv` is not cancelled by a deferred `pthread_cancel`; it returns when data arrives. (glibc's
/// would be cancelled at once; that side cannot be shown here, as glibc's cancellation would unwind
/// through this Rust thread body.)
#[test]
fn blocked_recv_is_not_a_cancellation_point() {
    let [a, b] = unix_pair(libc::SOCK_STREAM);
    let mut thread: libc::pthread_t = 0;
    // SAFETY: the thread body takes its argument as a descriptor number and touches nothing else.
    let created = unsafe {
        libc::pthread_create(
            &mut thread,
            null(),
            receive_one_byte,
            b as usize as *mut c_void,
        )
    };
    assert_eq!(created, 0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    // SAFETY: `thread` is running and joinable.
    assert_eq!(unsafe { libc::pthread_cancel(thread) }, 0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    send_all(a, b"!", 0);
    let mut result = null_mut();
    // SAFETY: `thread` is joinable and joined once.
    assert_eq!(unsafe { libc::pthread_join(thread, &mut result) }, 0);
    // PTHREAD_CANCELED is ((void *) -1) in glibc.
    assert_ne!(result as isize, -1, "recv was cancelled");
    assert_eq!(result as usize, 2, "recv returned its byte");
    close(a);
    close(b);
}
