//! `<netdb.h>`: getaddrinfo and freeaddrinfo, with results in glibc's memory layout: each node is one
//! `malloc` block holding the `struct addrinfo` followed by its socket address, and the canonical
//! name is a separate `malloc`ed string on the first node. Either library's freeaddrinfo frees them.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;

use libc::{addrinfo, sockaddr, sockaddr_in, sockaddr_in6};

use crate::lookup::gai_error::GaiError;
use crate::lookup::getaddrinfo::{getaddrinfo as resolve, Hints, Resolution};
use crate::lookup::service::ServiceTuple;
use crate::lookup::sources::Destination;
use crate::lookup::system::SystemSources;
use crate::sys::{get_errno, set_errno, Errno};

/// `AI_IDN | AI_CANONIDN`: the flags that make the caller's locale matter.
const IDN_FLAGS: c_int = 0x40 | 0x80;

/// `getaddrinfo(node, service, hints, res)` — translates a host and a service into a list of socket
/// addresses.
///
/// Differences from glibc: a NULL `res` is not written (glibc crashes); IDNA conversion maps labels by
/// lowercasing only (docs/deviations.md).
///
/// # Safety
/// `node` and `service` are NULL or NUL-terminated strings; `hints` is NULL or points to a `struct
/// addrinfo`; `res` is NULL or writable.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getaddrinfo.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getaddrinfo.3.html)
#[no_mangle]
pub unsafe extern "C" fn getaddrinfo(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> c_int {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let (node, service) = unsafe { (optional_bytes(node), optional_bytes(service)) };
    // SAFETY: the caller passes NULL or a valid `struct addrinfo`.
    let hints = unsafe { hints.as_ref() }.map(|h| Hints {
        flags: h.ai_flags,
        family: h.ai_family,
        socktype: h.ai_socktype,
        protocol: h.ai_protocol,
    });
    let idn = hints.is_some_and(|h| h.flags & IDN_FLAGS != 0);
    let sources = SystemSources::new(idn && locale_is_utf8());
    // The file reads below may touch errno; it is restored unless the result is EAI_SYSTEM.
    let saved_errno = get_errno();
    let packed = resolve(node, service, hints.as_ref(), &sources)
        .and_then(|r| pack(&r).ok_or(GaiError::Memory));
    set_errno(saved_errno);
    match packed {
        Ok(list) => {
            // SAFETY: the caller passes NULL or a writable pointer; the list is ours to hand over.
            match unsafe { res.as_mut() } {
                Some(slot) => *slot = list,
                // SAFETY: `list` came from `pack` and nobody else holds it.
                None => unsafe { freeaddrinfo(list) },
            }
            0
        }
        Err(error) => {
            if let GaiError::System(errno) = error {
                set_errno(Errno(errno));
            }
            error.code()
        }
    }
}

/// `freeaddrinfo(res)` — frees a list getaddrinfo returned (ours or glibc's: the layout is the same).
///
/// Differences from glibc: none.
///
/// # Safety
/// `res` is NULL or a list from getaddrinfo that was not freed yet.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/freeaddrinfo.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/freeaddrinfo.3.html)
#[no_mangle]
pub unsafe extern "C" fn freeaddrinfo(res: *mut addrinfo) {
    let mut node = res;
    while !node.is_null() {
        // SAFETY: each node of the list is a live malloc block with a valid `ai_next`.
        let next = unsafe { (*node).ai_next };
        // SAFETY: `ai_canonname` is NULL or its own malloc block; the node is one malloc block.
        unsafe {
            libc::free((*node).ai_canonname.cast());
            libc::free(node.cast());
        }
        node = next;
    }
}

/// The bytes of a C string, or `None` for NULL.
///
/// # Safety
/// `text` is NULL or NUL-terminated.
unsafe fn optional_bytes<'a>(text: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: non-NULL `text` is NUL-terminated (caller's contract).
    (!text.is_null()).then(|| unsafe { CStr::from_ptr(text) }.to_bytes())
}

/// Whether the caller's locale is UTF-8 (libidn2 converts from the locale's encoding).
fn locale_is_utf8() -> bool {
    // SAFETY: nl_langinfo returns a pointer to a NUL-terminated string that stays valid until the
    // next call in this thread; it is read at once. netlibc does not export nl_langinfo.
    let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
    // SAFETY: as above; a NULL result is checked.
    !codeset.is_null() && unsafe { CStr::from_ptr(codeset) }.to_bytes() == b"UTF-8"
}

/// Builds the C list: destination × service tuple nodes in order, the canonical name on the first.
/// `None` when malloc fails (everything already allocated is freed).
fn pack(resolution: &Resolution) -> Option<*mut addrinfo> {
    let mut head: *mut addrinfo = ptr::null_mut();
    let mut tail: *mut *mut addrinfo = &mut head;
    for destination in resolution.destinations.iter() {
        for tuple in resolution.services.iter() {
            let Some(node) = new_node(resolution.flags, destination, &tuple) else {
                // SAFETY: `head` is a well-formed list built here.
                unsafe { freeaddrinfo(head) };
                return None;
            };
            // SAFETY: `tail` points to `head` or to the `ai_next` of the last node, both writable.
            unsafe {
                *tail = node;
                tail = &mut (*node).ai_next;
            }
        }
    }
    if let (Some(name), false) = (&resolution.canonical_name, head.is_null()) {
        let Some(copy) = malloc_string(name) else {
            // SAFETY: as above.
            unsafe { freeaddrinfo(head) };
            return None;
        };
        // SAFETY: `head` is a node allocated above.
        unsafe { (*head).ai_canonname = copy };
    }
    Some(head)
}

/// One node and its socket address in a single malloc block, as glibc's `generate_addrinfo`.
fn new_node(
    flags: c_int,
    destination: &Destination,
    tuple: &ServiceTuple,
) -> Option<*mut addrinfo> {
    let node_size = core::mem::size_of::<addrinfo>();
    let (family, address_size) = match destination.address {
        std::net::IpAddr::V4(_) => (libc::AF_INET, core::mem::size_of::<sockaddr_in>()),
        std::net::IpAddr::V6(_) => (libc::AF_INET6, core::mem::size_of::<sockaddr_in6>()),
    };
    // SAFETY: plain allocation; checked for NULL below.
    let block = unsafe { libc::malloc(node_size + address_size) }.cast::<addrinfo>();
    if block.is_null() {
        return None;
    }
    // SAFETY: the block holds a `struct addrinfo` (malloc's alignment suffices) followed by
    // `address_size` bytes, which `write_sockaddr` fills.
    unsafe {
        let address = block.add(1).cast::<sockaddr>();
        write_sockaddr(address, destination, tuple.port);
        block.write(addrinfo {
            ai_flags: flags,
            ai_family: family,
            ai_socktype: tuple.socktype,
            ai_protocol: tuple.protocol,
            ai_addrlen: address_size as libc::socklen_t,
            ai_addr: address,
            ai_canonname: ptr::null_mut(),
            ai_next: ptr::null_mut(),
        });
    }
    Some(block)
}

/// Writes the socket address of `destination` with `port` (host order).
///
/// # Safety
/// `address` points to writable, suitably aligned memory of the family's sockaddr size.
unsafe fn write_sockaddr(address: *mut sockaddr, destination: &Destination, port: u16) {
    match destination.address {
        std::net::IpAddr::V4(v4) => {
            let sin = sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: port.to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(v4.octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: the caller guarantees room for a sockaddr_in.
            unsafe { address.cast::<sockaddr_in>().write_unaligned(sin) };
        }
        std::net::IpAddr::V6(v6) => {
            let sin6 = sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: port.to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: v6.octets(),
                },
                sin6_scope_id: destination.scope_id,
            };
            // SAFETY: the caller guarantees room for a sockaddr_in6.
            unsafe { address.cast::<sockaddr_in6>().write_unaligned(sin6) };
        }
    }
}

/// A malloc'ed NUL-terminated copy of `text`.
fn malloc_string(text: &[u8]) -> Option<*mut c_char> {
    // SAFETY: plain allocation; checked for NULL.
    let copy = unsafe { libc::malloc(text.len() + 1) }.cast::<u8>();
    if copy.is_null() {
        return None;
    }
    // SAFETY: `copy` has room for the text and its NUL.
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), copy, text.len());
        copy.add(text.len()).write(0);
    }
    Some(copy.cast())
}
