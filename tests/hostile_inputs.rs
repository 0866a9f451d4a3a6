//! Hostile input, table-driven: exported functions called with NULL pointers, zero and huge lengths,
//! overlong strings, invalid families, flags and socket types, tiny buffers. Each case runs twice,
//! each time in a forked child (which first enters a private, empty network namespace, so nothing
//! can reach a real nameserver): once with glibc's functions (dlsym), once with netlibc's. The
//! outcomes (return value, errno, output) must be equal; where glibc crashes, netlibc must return
//! an error instead, and the case's label must be listed in docs/deviations.md. netlibc must never
//! crash, panic or abort.

mod common;

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::ptr::{null, null_mut};

use common::Glibc;
use libc::{addrinfo, sockaddr, socklen_t};
use netlibc::abi::netdb::{hostent, netent, protoent, servent};

/// The functions under test, from one side (glibc or netlibc), with glibc's prototypes.
#[derive(Clone, Copy)]
struct Api {
    inet_pton: unsafe extern "C" fn(c_int, *const c_char, *mut c_void) -> c_int,
    inet_ntop: unsafe extern "C" fn(c_int, *const c_void, *mut c_char, socklen_t) -> *const c_char,
    inet_aton: unsafe extern "C" fn(*const c_char, *mut libc::in_addr) -> c_int,
    inet_addr: unsafe extern "C" fn(*const c_char) -> u32,
    inet_network: unsafe extern "C" fn(*const c_char) -> u32,
    getaddrinfo: unsafe extern "C" fn(
        *const c_char,
        *const c_char,
        *const addrinfo,
        *mut *mut addrinfo,
    ) -> c_int,
    freeaddrinfo: unsafe extern "C" fn(*mut addrinfo),
    getnameinfo: unsafe extern "C" fn(
        *const sockaddr,
        socklen_t,
        *mut c_char,
        socklen_t,
        *mut c_char,
        socklen_t,
        c_int,
    ) -> c_int,
    gai_strerror: unsafe extern "C" fn(c_int) -> *const c_char,
    getservbyname:
        unsafe extern "C" fn(*const c_char, *const c_char) -> *mut netlibc::abi::netdb::servent,
    getprotobyname: unsafe extern "C" fn(*const c_char) -> *mut netlibc::abi::netdb::protoent,
    socket: unsafe extern "C" fn(c_int, c_int, c_int) -> c_int,
    bind: unsafe extern "C" fn(c_int, *const sockaddr, socklen_t) -> c_int,
    connect: unsafe extern "C" fn(c_int, *const sockaddr, socklen_t) -> c_int,
    send: unsafe extern "C" fn(c_int, *const c_void, usize, c_int) -> isize,
    recv: unsafe extern "C" fn(c_int, *mut c_void, usize, c_int) -> isize,
    getsockname: unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int,
    setsockopt: unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int,
    if_nametoindex: unsafe extern "C" fn(*const c_char) -> c_uint,
    if_indextoname: unsafe extern "C" fn(c_uint, *mut c_char) -> *mut c_char,
    getifaddrs: unsafe extern "C" fn(*mut *mut libc::ifaddrs) -> c_int,
    gethostbyname: unsafe extern "C" fn(*const c_char) -> *mut hostent,
    gethostbyname_r: unsafe extern "C" fn(
        *const c_char,
        *mut hostent,
        *mut c_char,
        usize,
        *mut *mut hostent,
        *mut c_int,
    ) -> c_int,
    gethostbyaddr: unsafe extern "C" fn(*const c_void, socklen_t, c_int) -> *mut hostent,
    getservbyport_r: unsafe extern "C" fn(
        c_int,
        *const c_char,
        *mut servent,
        *mut c_char,
        usize,
        *mut *mut servent,
    ) -> c_int,
    getprotobynumber_r:
        unsafe extern "C" fn(c_int, *mut protoent, *mut c_char, usize, *mut *mut protoent) -> c_int,
    getnetbyname: unsafe extern "C" fn(*const c_char) -> *mut netent,
}

fn netlibc_api() -> Api {
    use netlibc::abi::{arpa_inet as a, gai, ifaddrs, net_if, netdb, sys_socket as s};
    Api {
        inet_pton: a::inet_pton,
        inet_ntop: a::inet_ntop,
        inet_aton: a::inet_aton,
        inet_addr: a::inet_addr,
        inet_network: a::inet_network,
        getaddrinfo: netdb::addrinfo::getaddrinfo,
        freeaddrinfo: netdb::addrinfo::freeaddrinfo,
        getnameinfo: netdb::nameinfo::getnameinfo,
        gai_strerror: gai::gai_strerror,
        getservbyname: netdb::services::getservbyname,
        getprotobyname: netdb::protocols::getprotobyname,
        socket: s::socket,
        bind: s::bind,
        connect: s::connect,
        send: s::send,
        recv: s::recv,
        getsockname: s::getsockname,
        setsockopt: s::setsockopt,
        if_nametoindex: net_if::if_nametoindex,
        if_indextoname: net_if::if_indextoname,
        getifaddrs: ifaddrs::getifaddrs,
        gethostbyname: netdb::hosts::gethostbyname,
        gethostbyname_r: netdb::hosts::gethostbyname_r,
        gethostbyaddr: netdb::hosts::gethostbyaddr,
        getservbyport_r: netdb::services::getservbyport_r,
        getprotobynumber_r: netdb::protocols::getprotobynumber_r,
        getnetbyname: netdb::networks::getnetbyname,
    }
}

fn glibc_api(glibc: &Glibc) -> Api {
    // SAFETY: each symbol has the prototype of its field.
    unsafe {
        Api {
            inet_pton: glibc.function(c"inet_pton"),
            inet_ntop: glibc.function(c"inet_ntop"),
            inet_aton: glibc.function(c"inet_aton"),
            inet_addr: glibc.function(c"inet_addr"),
            inet_network: glibc.function(c"inet_network"),
            getaddrinfo: glibc.function(c"getaddrinfo"),
            freeaddrinfo: glibc.function(c"freeaddrinfo"),
            getnameinfo: glibc.function(c"getnameinfo"),
            gai_strerror: glibc.function(c"gai_strerror"),
            getservbyname: glibc.function(c"getservbyname"),
            getprotobyname: glibc.function(c"getprotobyname"),
            socket: glibc.function(c"socket"),
            bind: glibc.function(c"bind"),
            connect: glibc.function(c"connect"),
            send: glibc.function(c"send"),
            recv: glibc.function(c"recv"),
            getsockname: glibc.function(c"getsockname"),
            setsockopt: glibc.function(c"setsockopt"),
            if_nametoindex: glibc.function(c"if_nametoindex"),
            if_indextoname: glibc.function(c"if_indextoname"),
            getifaddrs: glibc.function(c"getifaddrs"),
            gethostbyname: glibc.function(c"gethostbyname"),
            gethostbyname_r: glibc.function(c"gethostbyname_r"),
            gethostbyaddr: glibc.function(c"gethostbyaddr"),
            getservbyport_r: glibc.function(c"getservbyport_r"),
            getprotobynumber_r: glibc.function(c"getprotobynumber_r"),
            getnetbyname: glibc.function(c"getnetbyname"),
        }
    }
}

fn errno() -> i32 {
    common::errno()
}

/// Sets errno to a marker before a call, so "errno untouched" is visible in the outcome.
fn mark() {
    common::set_errno(4321);
}

fn text(pointer: *const c_char) -> String {
    if pointer.is_null() {
        return "NULL".into();
    }
    // SAFETY: a non-NULL result is a NUL-terminated string.
    unsafe { CStr::from_ptr(pointer) }
        .to_string_lossy()
        .into_owned()
}

/// A NUL-terminated string of `len` copies of `byte`.
fn long_string(byte: u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![byte; len];
    bytes.push(0);
    bytes
}

fn inet4() -> libc::sockaddr_in {
    // SAFETY: all-zero is a valid sockaddr_in.
    let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    address.sin_family = libc::AF_INET as u16;
    address.sin_port = 80u16.to_be();
    address.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
    address
}

fn gai(
    api: &Api,
    node: *const c_char,
    service: *const c_char,
    hints: Option<(c_int, c_int, c_int, c_int)>,
    res: bool,
) -> String {
    // SAFETY: all-zero is a valid addrinfo.
    let mut h: addrinfo = unsafe { std::mem::zeroed() };
    if let Some((flags, family, socktype, protocol)) = hints {
        (h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol) =
            (flags, family, socktype, protocol);
    }
    let mut result = null_mut();
    mark();
    // SAFETY: a hostile call: the pointers are what the case says.
    let error = unsafe {
        (api.getaddrinfo)(
            node,
            service,
            if hints.is_some() { &h } else { null() },
            if res { &mut result } else { null_mut() },
        )
    };
    let e = errno();
    let mut count = 0;
    let mut cursor = result;
    while !cursor.is_null() {
        count += 1;
        // SAFETY: a list the same side's getaddrinfo returned.
        cursor = unsafe { (*cursor).ai_next };
    }
    if !result.is_null() {
        // SAFETY: the list getaddrinfo returned.
        unsafe { (api.freeaddrinfo)(result) };
    }
    let e = if error == libc::EAI_SYSTEM { e } else { 0 };
    format!("{error} entries={count} errno={e}")
}

fn gni(
    api: &Api,
    sa: *const sockaddr,
    salen: socklen_t,
    hostlen: socklen_t,
    servlen: socklen_t,
    flags: c_int,
) -> String {
    let (mut host, mut serv) = ([b'#' as c_char; 128], [b'#' as c_char; 64]);
    host[127] = 0;
    serv[63] = 0;
    // SAFETY: a hostile call; the buffers are at least as long as the lengths passed below 128/64.
    let error = unsafe {
        (api.getnameinfo)(
            sa,
            salen,
            if hostlen == 0 {
                null_mut()
            } else {
                host.as_mut_ptr()
            },
            hostlen.min(127),
            if servlen == 0 {
                null_mut()
            } else {
                serv.as_mut_ptr()
            },
            servlen.min(63),
            flags,
        )
    };
    format!(
        "{error} host={} serv={}",
        text(host.as_ptr()),
        text(serv.as_ptr())
    )
}

type Case = (&'static str, fn(&Api) -> String);

const NUMERIC: c_int = libc::NI_NUMERICHOST | libc::NI_NUMERICSERV;

/// Each case: a label, and the call it makes (with the outcome as text).
fn cases() -> Vec<Case> {
    vec![
        ("inet_pton NULL src", |api| {
            let mut out = [0u8; 16];
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.inet_pton)(libc::AF_INET, null(), out.as_mut_ptr().cast()) };
            format!("{r} errno={}", errno())
        }),
        ("inet_pton NULL dst", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.inet_pton)(libc::AF_INET, c"1.2.3.4".as_ptr(), null_mut()) };
            format!("{r} errno={}", errno())
        }),
        ("inet_pton NULL dst on invalid text", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.inet_pton)(libc::AF_INET6, c"zz".as_ptr(), null_mut()) };
            format!("{r} errno={}", errno())
        }),
        ("inet_pton bad family", |api| {
            let mut out = [0u8; 16];
            mark();
            // SAFETY: valid pointers.
            let r = unsafe { (api.inet_pton)(12345, c"1.2.3.4".as_ptr(), out.as_mut_ptr().cast()) };
            format!("{r} errno={}", errno())
        }),
        ("inet_pton overlong text", |api| {
            let mut out = [0u8; 16];
            let long = long_string(b'1', 1 << 20);
            mark();
            // SAFETY: valid pointers.
            let r = unsafe {
                (api.inet_pton)(
                    libc::AF_INET6,
                    long.as_ptr().cast(),
                    out.as_mut_ptr().cast(),
                )
            };
            format!("{r} errno={}", errno())
        }),
        ("inet_ntop NULL src", |api| {
            let mut out = [0 as c_char; 64];
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.inet_ntop)(libc::AF_INET, null(), out.as_mut_ptr(), 64) };
            format!("{} errno={}", text(r), errno())
        }),
        ("inet_ntop NULL dst", |api| {
            let address = [1u8, 2, 3, 4];
            mark();
            // SAFETY: hostile call.
            let r =
                unsafe { (api.inet_ntop)(libc::AF_INET, address.as_ptr().cast(), null_mut(), 64) };
            format!("{} errno={}", r.is_null(), errno())
        }),
        ("inet_ntop zero and tiny sizes", |api| {
            let address = [0x20u8, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
            let mut outcomes = Vec::new();
            for size in [0, 1, 2, 11, 12, 46] {
                let mut out = [b'#' as c_char; 64];
                mark();
                // SAFETY: the buffer is longer than size.
                let r = unsafe {
                    (api.inet_ntop)(
                        libc::AF_INET6,
                        address.as_ptr().cast(),
                        out.as_mut_ptr(),
                        size,
                    )
                };
                outcomes.push(format!("{size}:{}/{}", text(r), errno()));
            }
            outcomes.join(" ")
        }),
        ("inet_ntop bad family", |api| {
            let mut out = [0 as c_char; 64];
            let address = [0u8; 16];
            mark();
            // SAFETY: valid pointers.
            let r = unsafe { (api.inet_ntop)(-1, address.as_ptr().cast(), out.as_mut_ptr(), 64) };
            format!("{} errno={}", text(r), errno())
        }),
        ("inet_aton NULL text", |api| {
            let mut out = libc::in_addr { s_addr: 0 };
            // SAFETY: hostile call.
            let r = unsafe { (api.inet_aton)(null(), &mut out) };
            format!("{r}")
        }),
        ("inet_aton NULL out", |api| {
            // SAFETY: glibc documents NULL as "check only".
            let r = unsafe { (api.inet_aton)(c"10.1".as_ptr(), null_mut()) };
            format!("{r}")
        }),
        ("inet_addr NULL", |api| {
            // SAFETY: hostile call.
            format!("{:#x}", unsafe { (api.inet_addr)(null()) })
        }),
        ("inet_addr overlong", |api| {
            let long = long_string(b'9', 1 << 20);
            // SAFETY: valid string.
            format!("{:#x}", unsafe { (api.inet_addr)(long.as_ptr().cast()) })
        }),
        ("inet_network NULL", |api| {
            // SAFETY: hostile call.
            format!("{:#x}", unsafe { (api.inet_network)(null()) })
        }),
        ("inet_network overlong", |api| {
            let long = long_string(b'0', 1 << 20);
            // SAFETY: valid string.
            format!("{:#x}", unsafe { (api.inet_network)(long.as_ptr().cast()) })
        }),
        ("getaddrinfo NULL node and service", |api| {
            gai(api, null(), null(), None, true)
        }),
        ("getaddrinfo NULL res", |api| {
            gai(api, c"127.0.0.1".as_ptr(), null(), None, false)
        }),
        ("getaddrinfo NULL res on error", |api| {
            gai(api, null(), null(), None, false)
        }),
        ("getaddrinfo bad family", |api| {
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                c"80".as_ptr(),
                Some((0, 12345, 0, 0)),
                true,
            )
        }),
        ("getaddrinfo bad socktype", |api| {
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                c"80".as_ptr(),
                Some((0, 0, 12345, 0)),
                true,
            )
        }),
        ("getaddrinfo bad protocol", |api| {
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                c"80".as_ptr(),
                Some((0, 0, libc::SOCK_STREAM, libc::IPPROTO_UDP)),
                true,
            )
        }),
        ("getaddrinfo bad flags", |api| {
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                c"80".as_ptr(),
                Some((-1, 0, 0, 0)),
                true,
            )
        }),
        ("getaddrinfo negative protocol", |api| {
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                c"80".as_ptr(),
                Some((0, 0, 0, -1)),
                true,
            )
        }),
        ("getaddrinfo overlong numeric node", |api| {
            let long = long_string(b'1', 1 << 20);
            gai(
                api,
                long.as_ptr().cast(),
                c"80".as_ptr(),
                Some((libc::AI_NUMERICHOST, 0, 0, 0)),
                true,
            )
        }),
        ("getaddrinfo overlong service", |api| {
            let long = long_string(b'7', 1 << 20);
            gai(
                api,
                c"127.0.0.1".as_ptr(),
                long.as_ptr().cast(),
                Some((libc::AI_NUMERICSERV, 0, 0, 0)),
                true,
            )
        }),
        ("getaddrinfo empty strings", |api| {
            gai(
                api,
                c"".as_ptr(),
                c"".as_ptr(),
                Some((libc::AI_NUMERICHOST, 0, 0, 0)),
                true,
            )
        }),
        ("getnameinfo NULL sa", |api| {
            gni(api, null(), 16, 64, 32, NUMERIC)
        }),
        ("getnameinfo NULL sa zero len", |api| {
            gni(api, null(), 0, 64, 32, NUMERIC)
        }),
        ("getnameinfo short salen", |api| {
            let address = inet4();
            gni(
                api,
                (&address as *const libc::sockaddr_in).cast(),
                15,
                64,
                32,
                NUMERIC,
            )
        }),
        ("getnameinfo huge salen", |api| {
            let address = inet4();
            gni(
                api,
                (&address as *const libc::sockaddr_in).cast(),
                16,
                64,
                32,
                NUMERIC,
            ) + &gni(
                api,
                (&address as *const libc::sockaddr_in).cast(),
                0x7fff_ffff,
                64,
                32,
                NUMERIC,
            )
        }),
        ("getnameinfo tiny buffers", |api| {
            let address = inet4();
            let sa = (&address as *const libc::sockaddr_in).cast();
            [
                (1, 32),
                (9, 32),
                (10, 32),
                (64, 1),
                (64, 2),
                (64, 3),
                (0, 0),
            ]
            .iter()
            .map(|&(h, s)| gni(api, sa, 16, h, s, NUMERIC))
            .collect::<Vec<_>>()
            .join(" | ")
        }),
        ("getnameinfo bad flags", |api| {
            let address = inet4();
            gni(
                api,
                (&address as *const libc::sockaddr_in).cast(),
                16,
                64,
                32,
                -1,
            )
        }),
        ("getnameinfo bad family", |api| {
            let mut address = inet4();
            address.sin_family = 12345;
            gni(
                api,
                (&address as *const libc::sockaddr_in).cast(),
                16,
                64,
                32,
                NUMERIC,
            )
        }),
        ("gai_strerror out of range", |api| {
            // SAFETY: any code is allowed.
            [-1000, -12, 1, 12345, c_int::MIN, c_int::MAX]
                .iter()
                .map(|&code| text(unsafe { (api.gai_strerror)(code) }))
                .collect::<Vec<_>>()
                .join("|")
        }),
        ("getservbyname NULL name", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.getservbyname)(null(), c"tcp".as_ptr()) };
            format!("{}", r.is_null())
        }),
        ("getservbyname overlong name", |api| {
            let long = long_string(b'x', 1 << 20);
            // SAFETY: valid strings.
            let r = unsafe { (api.getservbyname)(long.as_ptr().cast(), null()) };
            format!("{}", r.is_null())
        }),
        ("getprotobyname NULL", |api| {
            // SAFETY: hostile call.
            let r = unsafe { (api.getprotobyname)(null()) };
            format!("{}", r.is_null())
        }),
        ("socket bad domain type protocol", |api| {
            let mut outcomes = Vec::new();
            for (domain, kind, protocol) in [
                (12345, libc::SOCK_STREAM, 0),
                (libc::AF_INET, 12345, 0),
                (libc::AF_INET, libc::SOCK_STREAM, 12345),
                (libc::AF_INET, libc::SOCK_DGRAM, libc::IPPROTO_TCP),
                (-1, -1, -1),
            ] {
                mark();
                // SAFETY: any arguments are allowed.
                let fd = unsafe { (api.socket)(domain, kind, protocol) };
                outcomes.push(format!("{fd}/{}", errno()));
            }
            outcomes.join(" ")
        }),
        ("bind connect getsockname with NULL and bad fds", |api| {
            let mut outcomes = Vec::new();
            // SAFETY: any arguments; the socket is closed at the end.
            unsafe {
                let fd = (api.socket)(libc::AF_INET, libc::SOCK_STREAM, 0);
                for (name, r) in [
                    ("bind -1", (api.bind)(-1, null(), 0)),
                    ("bind NULL", (api.bind)(fd, null(), 16)),
                    (
                        "bind short",
                        (api.bind)(fd, (&inet4() as *const libc::sockaddr_in).cast(), 3),
                    ),
                    ("connect NULL", (api.connect)(fd, null(), 16)),
                    (
                        "getsockname NULL",
                        (api.getsockname)(fd, null_mut(), null_mut()),
                    ),
                    (
                        "setsockopt NULL",
                        (api.setsockopt)(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, null(), 4),
                    ),
                    (
                        "setsockopt zero len",
                        (api.setsockopt)(
                            fd,
                            libc::SOL_SOCKET,
                            libc::SO_REUSEADDR,
                            [1u8; 4].as_ptr().cast(),
                            0,
                        ),
                    ),
                    (
                        "setsockopt bad level",
                        (api.setsockopt)(fd, 12345, 1, [1u8; 4].as_ptr().cast(), 4),
                    ),
                ] {
                    outcomes.push(format!("{name}={r}/{}", errno()));
                    mark();
                }
                outcomes.push(format!(
                    "send -1={}/{}",
                    (api.send)(-1, null(), 10, 0),
                    errno()
                ));
                outcomes.push(format!(
                    "recv NULL={}/{}",
                    (api.recv)(fd, null_mut(), 10, libc::MSG_DONTWAIT),
                    errno()
                ));
                outcomes.push(format!(
                    "send huge={}/{}",
                    (api.send)(fd, [0u8; 4].as_ptr().cast(), usize::MAX, libc::MSG_NOSIGNAL),
                    errno()
                ));
                libc::close(fd);
            }
            outcomes.join(" ")
        }),
        ("if_nametoindex NULL", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.if_nametoindex)(null()) };
            format!("{r} errno={}", errno())
        }),
        ("if_nametoindex overlong", |api| {
            let long = long_string(b'l', 1 << 16);
            mark();
            // SAFETY: valid string.
            let r = unsafe { (api.if_nametoindex)(long.as_ptr().cast()) };
            format!("{r} errno={}", errno())
        }),
        ("if_indextoname NULL buffer", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.if_indextoname)(1, null_mut()) };
            format!("{} errno={}", r.is_null(), errno())
        }),
        ("if_indextoname bad index", |api| {
            let mut out = [0 as c_char; 16];
            let mut outcomes = Vec::new();
            for index in [0, 12345, u32::MAX] {
                mark();
                // SAFETY: a buffer of IF_NAMESIZE.
                let r = unsafe { (api.if_indextoname)(index, out.as_mut_ptr()) };
                outcomes.push(format!("{}/{}", text(r), errno()));
            }
            outcomes.join(" ")
        }),
        ("gethostbyname NULL", |api| {
            // SAFETY: hostile call.
            let r = unsafe { (api.gethostbyname)(null()) };
            format!("{}", r.is_null())
        }),
        ("gethostbyname empty and overlong", |api| {
            let long = long_string(b'7', 1 << 20);
            // SAFETY: valid strings (numeric-looking: no lookup leaves the process).
            let (a, b) = unsafe {
                (
                    (api.gethostbyname)(c"".as_ptr()).is_null(),
                    (api.gethostbyname)(long.as_ptr().cast()).is_null(),
                )
            };
            format!("{a} {b}")
        }),
        ("gethostbyname_r tiny buffers", |api| {
            let mut outcomes = Vec::new();
            for size in [0usize, 1, 7, 8, 16, 31, 32, 47, 48, 64] {
                // SAFETY: all-zero is a valid hostent; the buffer is longer than size.
                unsafe {
                    let mut entry: hostent = std::mem::zeroed();
                    let mut buffer = [0 as c_char; 80];
                    let (mut result, mut h_errno) = (null_mut(), 0);
                    mark();
                    let r = (api.gethostbyname_r)(
                        c"127.0.0.1".as_ptr(),
                        &mut entry,
                        buffer.as_mut_ptr(),
                        size,
                        &mut result,
                        &mut h_errno,
                    );
                    outcomes.push(format!(
                        "{size}:{r}/{}/{}/{}",
                        result.is_null(),
                        h_errno,
                        errno()
                    ));
                }
            }
            outcomes.join(" ")
        }),
        ("gethostbyname_r NULL name", |api| {
            // SAFETY: hostile call.
            unsafe {
                let mut entry: hostent = std::mem::zeroed();
                let mut buffer = [0 as c_char; 512];
                let (mut result, mut h_errno) = (null_mut(), 0);
                let r = (api.gethostbyname_r)(
                    null(),
                    &mut entry,
                    buffer.as_mut_ptr(),
                    512,
                    &mut result,
                    &mut h_errno,
                );
                format!("{r} {}", result.is_null())
            }
        }),
        ("gethostbyaddr NULL address", |api| {
            // SAFETY: hostile call.
            let r = unsafe { (api.gethostbyaddr)(null(), 4, libc::AF_INET) };
            format!("{}", r.is_null())
        }),
        ("getservbyport_r tiny buffers", |api| {
            let mut outcomes = Vec::new();
            for size in [0usize, 1, 8, 16, 24, 32] {
                // SAFETY: all-zero is a valid servent; the buffer is longer than size.
                unsafe {
                    let mut entry: servent = std::mem::zeroed();
                    let mut buffer = [0 as c_char; 64];
                    let mut result = null_mut();
                    let r = (api.getservbyport_r)(
                        22u16.to_be() as c_int,
                        c"tcp".as_ptr(),
                        &mut entry,
                        buffer.as_mut_ptr(),
                        size,
                        &mut result,
                    );
                    outcomes.push(format!("{size}:{r}/{}", result.is_null()));
                }
            }
            outcomes.join(" ")
        }),
        ("getprotobynumber_r tiny buffers and odd numbers", |api| {
            let mut outcomes = Vec::new();
            for (number, size) in [
                (6, 0usize),
                (6, 1),
                (6, 16),
                (-1, 64),
                (c_int::MAX, 64),
                (256, 64),
            ] {
                // SAFETY: all-zero is a valid protoent; the buffer is longer than size.
                unsafe {
                    let mut entry: protoent = std::mem::zeroed();
                    let mut buffer = [0 as c_char; 80];
                    let mut result = null_mut();
                    let r = (api.getprotobynumber_r)(
                        number,
                        &mut entry,
                        buffer.as_mut_ptr(),
                        size,
                        &mut result,
                    );
                    outcomes.push(format!("{number}/{size}:{r}/{}", result.is_null()));
                }
            }
            outcomes.join(" ")
        }),
        ("getnetbyname NULL", |api| {
            // SAFETY: hostile call.
            let r = unsafe { (api.getnetbyname)(null()) };
            format!("{}", r.is_null())
        }),
        ("getifaddrs NULL", |api| {
            mark();
            // SAFETY: hostile call.
            let r = unsafe { (api.getifaddrs)(null_mut()) };
            format!("{r} errno={}", errno())
        }),
    ]
}

/// Cases where netlibc differs from glibc today: known bugs, reported, checked by an ignored test.
fn gethostbyaddr_length_cases() -> Vec<Case> {
    vec![("gethostbyaddr bad lengths and families", |api| {
        let address = [127u8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut outcomes = Vec::new();
        for (len, family) in [
            (0, libc::AF_INET),
            (3, libc::AF_INET),
            (5, libc::AF_INET),
            (4, libc::AF_INET6),
            (16, 12345),
            (u32::MAX, libc::AF_INET6),
        ] {
            mark();
            // SAFETY: the address buffer is 16 bytes; longer lengths must be refused before reading.
            let r = unsafe { (api.gethostbyaddr)(address.as_ptr().cast(), len, family) };
            outcomes.push(format!(
                "{len}/{family}:{}/{}/h_errno={}",
                r.is_null(),
                errno(),
                h_errno()
            ));
        }
        outcomes.join(" ")
    })]
}

fn h_errno() -> i32 {
    extern "C" {
        fn __h_errno_location() -> *mut c_int;
    }
    // SAFETY: glibc's per-thread h_errno slot (netlibc writes the same one).
    unsafe { *__h_errno_location() }
}

/// Runs `call` in a forked child inside a new, empty network namespace; its outcome, or how it died.
fn in_child(api: &Api, call: fn(&Api) -> String) -> String {
    let mut pipe = [0; 2];
    // SAFETY: a two-int array.
    assert_eq!(unsafe { libc::pipe(pipe.as_mut_ptr()) }, 0);
    // SAFETY: the child only runs the call, writes and exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: in the child: unshare, the call, a write to the pipe, _exit.
        unsafe {
            libc::close(pipe[0]);
            if libc::unshare(libc::CLONE_NEWNET) != 0 {
                libc::_exit(3);
            }
            let outcome = call(api);
            libc::write(pipe[1], outcome.as_ptr().cast(), outcome.len());
            libc::_exit(0);
        }
    }
    // SAFETY: our end of the pipe and our child.
    unsafe {
        libc::close(pipe[1]);
        let mut output = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = libc::read(pipe[0], chunk.as_mut_ptr().cast(), chunk.len());
            if n <= 0 {
                break;
            }
            output.extend_from_slice(&chunk[..n as usize]);
        }
        libc::close(pipe[0]);
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        if libc::WIFSIGNALED(status) {
            return format!("CRASH signal {}", libc::WTERMSIG(status));
        }
        if libc::WEXITSTATUS(status) != 0 {
            return format!("CRASH exit {}", libc::WEXITSTATUS(status));
        }
        String::from_utf8_lossy(&output).into_owned()
    }
}

#[test]
fn hostile_inputs_match_glibc_or_fail_safely() {
    compare(cases());
}

/// glibc's nss_dns refuses a short address or an unknown family with errno EAFNOSUPPORT and h_errno
/// NETDB_INTERNAL, after the files source found nothing.
#[test]
fn gethostbyaddr_bad_lengths_and_families_match_glibc() {
    compare(gethostbyaddr_length_cases());
}

fn compare(cases: Vec<Case>) {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("SKIPPED: needs root (unshare(CLONE_NEWNET) keeps glibc's side off the network)");
        return;
    }
    let glibc = glibc_api(&Glibc::open());
    let ours = netlibc_api();
    let deviations =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deviations.md"))
            .unwrap();
    let mut failures = Vec::new();
    for (label, call) in cases {
        let (theirs, mine) = (in_child(&glibc, call), in_child(&ours, call));
        if mine.starts_with("CRASH") {
            failures.push(format!(
                "{label}: netlibc crashed ({mine}); glibc: {theirs}"
            ));
        } else if theirs.starts_with("CRASH") {
            if !deviations.contains(&format!("`{label}`")) {
                failures.push(format!("{label}: glibc {theirs}, netlibc returns {mine}: not listed in docs/deviations.md"));
            }
            eprintln!("{label}: glibc {theirs}; netlibc {mine}");
        } else if theirs != mine {
            failures.push(format!("{label}: glibc {theirs} | netlibc {mine}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
