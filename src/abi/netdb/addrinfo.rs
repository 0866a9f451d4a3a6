//! `<netdb.h>`: getaddrinfo and freeaddrinfo, with results in glibc's memory layout: each node is one
//! `malloc` block holding the `struct addrinfo` followed by its socket address, and the canonical
//! name is a separate `malloc`ed string on the first node. Either library's freeaddrinfo frees them.

use core::ffi::{c_char, c_int, CStr};
use core::mem::size_of;
use core::ptr::{self, addr_of_mut};
use core::slice;
use std::net::IpAddr;

use libc::{addrinfo, sockaddr, sockaddr_in, sockaddr_in6};

use crate::lookup::gai_error::{code_name, GaiError};
use crate::lookup::getaddrinfo::{
    getaddrinfo_into as resolve, literal_getaddrinfo, Hints, Resolution,
};
use crate::lookup::memo;
use crate::lookup::service::{ServiceTuple, ServiceTuples};
use crate::lookup::sources::Destination;
use crate::lookup::system::SystemSources;
use crate::sys::{get_errno, set_errno, Errno};
use crate::trace;

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
    // Untraced (the usual case): the lookup alone, without the traced path's timer and frame.
    if !trace::tracing() {
        // SAFETY: the caller's guarantees pass on unchanged.
        return unsafe { getaddrinfo_untraced(node, service, hints, res) };
    }
    // SAFETY: as above.
    unsafe { getaddrinfo_traced(node, service, hints, res) }
}

/// [`getaddrinfo`] when calls may be traced (the first call learns whether they are).
///
/// # Safety
/// As for `getaddrinfo`.
#[cold]
#[inline(never)]
unsafe fn getaddrinfo_traced(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> c_int {
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getaddrinfo_untraced(node, service, hints, res) };
    if let Some(timer) = timer {
        // The literal lane notes nothing (it is the untraced hot path): asked again here.
        // SAFETY: as above.
        if unsafe { took_literal_lane(node, service, hints) } {
            trace::note_source(trace::Source::Numeric);
        }
        // SAFETY: as above; `*res` is the list just built when the call succeeded.
        unsafe { trace_getaddrinfo(timer, node, service, hints, code, res) };
    }
    code
}

/// The hints as Rust values.
///
/// # Safety
/// `hints` is NULL or points to a `struct addrinfo`.
#[inline(always)]
unsafe fn hints_of(hints: *const addrinfo) -> Option<Hints> {
    // SAFETY: per the caller.
    unsafe { hints.as_ref() }.map(|h| Hints {
        flags: h.ai_flags,
        family: h.ai_family,
        socktype: h.ai_socktype,
        protocol: h.ai_protocol,
    })
}

/// Whether a call with these arguments is answered by the literal lane.
///
/// # Safety
/// As for `getaddrinfo`.
unsafe fn took_literal_lane(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
) -> bool {
    // SAFETY: per the caller.
    let (node, service, hints) = unsafe {
        (
            optional_bytes(node),
            optional_bytes(service),
            hints_of(hints),
        )
    };
    literal_getaddrinfo(node, service, hints.as_ref()).is_some()
}

/// The trace line of a getaddrinfo call: its arguments, return value, how many results, the source.
///
/// # Safety
/// As for `getaddrinfo`, after the call returned `code`.
unsafe fn trace_getaddrinfo(
    timer: trace::Timer,
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    code: c_int,
    res: *mut *mut addrinfo,
) {
    // SAFETY: per the caller.
    let (node, service) = unsafe { (optional_bytes(node), optional_bytes(service)) };
    let (node, service) = (trace::Quoted(node), trace::Quoted(service));
    // SAFETY: per the caller.
    let shown_hints = match unsafe { hints.as_ref() } {
        Some(h) => format!(
            "{{flags {:#x}, family {}, socktype {}, protocol {}}}",
            h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol
        ),
        None => "NULL".to_owned(),
    };
    let call = format_args!("getaddrinfo({node}, {service}, {shown_hints})");
    if code != 0 {
        let name = code_name(code);
        trace::emit_lookup(timer, call, format_args!("{code} ({name})"));
        return;
    }
    let mut count = 0;
    // SAFETY: on success `*res` is the list just built (non-NULL `res`).
    let mut node = unsafe { res.as_ref() }.map_or(ptr::null_mut(), |r| *r);
    // SAFETY: each node of the list is live with a valid `ai_next`.
    while let Some(current) = unsafe { node.as_ref() } {
        count += 1;
        node = current.ai_next;
    }
    let plural = if count == 1 { "" } else { "s" };
    trace::emit_lookup(timer, call, format_args!("0, {count} result{plural}"));
}

/// The body of `getaddrinfo`.
///
/// # Safety
/// As for `getaddrinfo`.
unsafe fn getaddrinfo_untraced(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> c_int {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let (node, service) = unsafe { (optional_bytes(node), optional_bytes(service)) };
    // SAFETY: the caller passes NULL or a valid `struct addrinfo`.
    let hints = unsafe { hints_of(hints) };
    // The file reads of a lookup may touch errno; it is restored unless the result is EAI_SYSTEM.
    let saved_errno = get_errno();
    let packed = match literal_getaddrinfo(node, service, hints.as_ref()) {
        Some(literal) => pack(
            literal.flags,
            slice::from_ref(&literal.destination),
            &literal.services,
            None,
        ),
        None => resolve_and_pack(node, service, hints.as_ref()),
    };
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
            let canonical_name = (*node).ai_canonname;
            // Only the first node can have one: the others skip a call to free(NULL).
            if !canonical_name.is_null() {
                libc::free(canonical_name.cast());
            }
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

/// Every call but the literal ones [`literal_getaddrinfo`] answers: the whole of getaddrinfo, with
/// the system's sources, packed. Out of line, so that the literal path's function stays small.
#[inline(never)]
fn resolve_and_pack(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
) -> Result<*mut addrinfo, GaiError> {
    // One change check (files and network), one walk of the environment for the whole lookup.
    let _call = crate::sys::call::Call::enter_network();
    // A repeated lookup whose sources cannot have changed: the kept result, copied.
    let keepable = memo::may_keep(node, hints);
    if keepable {
        let kept = memo::with_kept(node, service, hints, |kept| {
            pack(
                kept.flags,
                &kept.destinations,
                &kept.services,
                kept.canonical_name.as_deref(),
            )
        });
        if let Some(packed) = kept {
            return packed;
        }
    }
    let start = memo::start();
    let idn = hints.is_some_and(|h| h.flags & IDN_FLAGS != 0);
    let sources = SystemSources::new(idn && locale_is_utf8());
    // The resolution is built here and packed where it lies (see `getaddrinfo_into`).
    let mut resolution = Resolution::new();
    resolve(node, service, hints, &sources, &mut resolution)?;
    if keepable {
        memo::keep(start, node, service, hints, &resolution);
    }
    pack(
        resolution.flags,
        &resolution.destinations,
        &resolution.services,
        resolution.canonical_name.as_deref(),
    )
}

/// Builds the C list: destination × service tuple nodes in order, each with `flags`, the
/// canonical name on the first. `EAI_MEMORY` when malloc fails (everything already allocated is
/// freed).
#[inline(always)]
fn pack(
    flags: c_int,
    destinations: &[Destination],
    services: &ServiceTuples,
    canonical_name: Option<&[u8]>,
) -> Result<*mut addrinfo, GaiError> {
    let mut head: *mut addrinfo = ptr::null_mut();
    let mut tail: *mut *mut addrinfo = &mut head;
    for destination in destinations {
        // The socket address is made once per destination; each tuple only sets its port.
        let address = SocketAddress::new(destination);
        for tuple in services.iter() {
            let Some(node) = new_node(flags, &address, &tuple) else {
                // SAFETY: `head` is a well-formed list built here.
                unsafe { freeaddrinfo(head) };
                return Err(GaiError::Memory);
            };
            // SAFETY: `tail` points to `head` or to the `ai_next` of the last node, both writable.
            unsafe {
                *tail = node;
                tail = &mut (*node).ai_next;
            }
        }
    }
    if let (Some(name), false) = (canonical_name, head.is_null()) {
        let Some(copy) = malloc_string(name) else {
            // SAFETY: as above.
            unsafe { freeaddrinfo(head) };
            return Err(GaiError::Memory);
        };
        // SAFETY: `head` is a node allocated above.
        unsafe { (*head).ai_canonname = copy };
    }
    Ok(head)
}

/// What the socket addresses of one destination's nodes share (each node sets its own port).
#[derive(Clone, Copy)]
enum SocketAddress {
    /// The address in network byte order.
    V4(u32),
    V6([u8; 16], u32),
}

impl SocketAddress {
    #[inline]
    fn new(destination: &Destination) -> SocketAddress {
        match destination.address() {
            IpAddr::V4(v4) => SocketAddress::V4(u32::from(v4).to_be()),
            IpAddr::V6(v6) => SocketAddress::V6(v6.octets(), destination.scope_id),
        }
    }
}

/// One node and its socket address in a single malloc block, as glibc's `generate_addrinfo`.
///
/// Everything is written field by field from registers: a socket address built on the stack and
/// then copied in would be read back wider than it was written, which stalls the processor.
#[inline]
fn new_node(flags: c_int, address: &SocketAddress, tuple: &ServiceTuple) -> Option<*mut addrinfo> {
    let (family, address_size) = match address {
        SocketAddress::V4(_) => (libc::AF_INET, size_of::<sockaddr_in>()),
        SocketAddress::V6(..) => (libc::AF_INET6, size_of::<sockaddr_in6>()),
    };
    // SAFETY: plain allocation; checked for NULL below.
    let block = unsafe { libc::malloc(size_of::<addrinfo>() + address_size) }.cast::<addrinfo>();
    if block.is_null() {
        return None;
    }
    // SAFETY: the block holds a `struct addrinfo` (malloc's alignment suffices) followed by
    // `address_size` bytes for the socket address, whose alignment (4) the end of the
    // `struct addrinfo` (48 bytes) keeps; every field is written before the block is handed out.
    unsafe {
        let sockaddr = block.add(1);
        let port = tuple.port.to_be();
        match *address {
            SocketAddress::V4(s_addr) => {
                let sin = sockaddr.cast::<sockaddr_in>();
                addr_of_mut!((*sin).sin_family).write(libc::AF_INET as libc::sa_family_t);
                addr_of_mut!((*sin).sin_port).write(port);
                addr_of_mut!((*sin).sin_addr).write(libc::in_addr { s_addr });
                addr_of_mut!((*sin).sin_zero).write([0; 8]);
            }
            SocketAddress::V6(s6_addr, scope_id) => {
                let sin6 = sockaddr.cast::<sockaddr_in6>();
                addr_of_mut!((*sin6).sin6_family).write(libc::AF_INET6 as libc::sa_family_t);
                addr_of_mut!((*sin6).sin6_port).write(port);
                addr_of_mut!((*sin6).sin6_flowinfo).write(0);
                addr_of_mut!((*sin6).sin6_addr).write(libc::in6_addr { s6_addr });
                addr_of_mut!((*sin6).sin6_scope_id).write(scope_id);
            }
        }
        block.write(addrinfo {
            ai_flags: flags,
            ai_family: family,
            ai_socktype: tuple.socktype,
            ai_protocol: tuple.protocol,
            ai_addrlen: address_size as libc::socklen_t,
            ai_addr: sockaddr.cast::<sockaddr>(),
            ai_canonname: ptr::null_mut(),
            ai_next: ptr::null_mut(),
        });
    }
    Some(block)
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
