//! `<netdb.h>`: getnameinfo.

use core::ffi::{c_char, c_int, CStr};

use libc::{sockaddr, socklen_t};

use crate::abi::sys_socket::ShownAddress;
use crate::lookup::gai_error::code_name;
use crate::lookup::getnameinfo::{
    check_arguments, getnameinfo as translate, parse_sockaddr, sockaddr_read_len,
};
use crate::lookup::system::SystemSources;
use crate::sys::{get_errno, set_errno, Errno};
use crate::trace;

/// `NI_IDN`: the flag that makes the caller's locale matter.
const NI_IDN: c_int = 32;

/// `getnameinfo(sa, salen, host, hostlen, serv, servlen, flags)` — translates a socket address into
/// a host name and a service name.
///
/// Differences from glibc: `NI_IDN` decodes punycode without libidn2's validity checks
/// (docs/deviations.md).
///
/// # Safety
/// `sa` is NULL or points to `salen` readable bytes (for AF_LOCAL, a whole `struct sockaddr_un`, as
/// glibc reads `sun_path` to its NUL); `host` and `serv` are NULL or point to
/// `hostlen` / `servlen` writable bytes.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getnameinfo.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getnameinfo.3.html)
#[no_mangle]
pub unsafe extern "C" fn getnameinfo(
    sa: *const sockaddr,
    salen: socklen_t,
    host: *mut c_char,
    hostlen: socklen_t,
    serv: *mut c_char,
    servlen: socklen_t,
    flags: c_int,
) -> c_int {
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getnameinfo_untraced(sa, salen, host, hostlen, serv, servlen, flags) };
    if let Some(timer) = timer {
        // SAFETY: per the caller (`sa` has `salen` readable bytes); on success the buffers hold
        // NUL-terminated text.
        let (address, host, serv) = unsafe {
            (
                ShownAddress::new(sa, salen, true),
                written_text(code, host, hostlen),
                written_text(code, serv, servlen),
            )
        };
        let call =
            format_args!("getnameinfo({address}, {salen}, {hostlen}, {servlen}, {flags:#x})");
        match code {
            0 => trace::emit_lookup(timer, call, format_args!("0, {host}, {serv}")),
            _ => trace::emit_lookup(timer, call, format_args!("{code} ({})", code_name(code))),
        }
    }
    code
}

/// What a successful call wrote to one of its buffers, for the trace line.
///
/// # Safety
/// As for `getnameinfo`, after it returned `code`.
unsafe fn written_text<'a>(
    code: c_int,
    text: *const c_char,
    length: socklen_t,
) -> trace::Quoted<'a> {
    if code != 0 || text.is_null() || length == 0 {
        return trace::Quoted(None);
    }
    // SAFETY: on success a non-empty buffer holds a NUL-terminated string.
    trace::Quoted(Some(unsafe { CStr::from_ptr(text) }.to_bytes()))
}

/// The body of `getnameinfo`.
///
/// # Safety
/// As for `getnameinfo`.
unsafe fn getnameinfo_untraced(
    sa: *const sockaddr,
    salen: socklen_t,
    host: *mut c_char,
    hostlen: socklen_t,
    serv: *mut c_char,
    servlen: socklen_t,
    flags: c_int,
) -> c_int {
    // One change check, one walk of the environment for the whole lookup.
    let _call = crate::sys::call::Call::enter();
    let salen = salen as usize;
    if let Err(error) = check_arguments(
        flags,
        (!sa.is_null()).then_some(salen),
        !host.is_null(),
        !serv.is_null(),
    ) {
        return error.code();
    }
    // SAFETY: `sa` is non-NULL with at least 2 readable bytes (checked above: salen >= 2).
    let family = c_int::from(unsafe { (*sa).sa_family });
    // SAFETY: the caller guarantees the bytes `sockaddr_read_len` asks for (see # Safety).
    let bytes =
        unsafe { core::slice::from_raw_parts(sa.cast::<u8>(), sockaddr_read_len(family, salen)) };
    let address = match parse_sockaddr(bytes, salen) {
        Ok(address) => address,
        Err(error) => return error.code(),
    };
    // SAFETY: the caller guarantees `hostlen` / `servlen` writable bytes behind non-NULL pointers.
    let (host_buffer, serv_buffer) = unsafe { (buffer(host, hostlen), buffer(serv, servlen)) };
    let sources = SystemSources::new(flags & NI_IDN != 0 && locale_is_utf8());
    // The file reads below may touch errno; the caller sees only what glibc would leave.
    let saved_errno = get_errno();
    let (code, errno) = match translate(&address, host_buffer, serv_buffer, flags, &sources) {
        Ok(outcome) => (0, outcome.errno),
        Err(failure) => (failure.error.code(), failure.errno),
    };
    set_errno(errno.map_or(saved_errno, Errno));
    code
}

/// The caller's buffer as a slice, or `None` for NULL or a zero length (glibc skips those).
///
/// # Safety
/// Non-NULL `pointer` points to `length` writable bytes that nothing else uses during the call.
unsafe fn buffer<'a>(pointer: *mut c_char, length: socklen_t) -> Option<&'a mut [u8]> {
    // SAFETY: caller's contract.
    (!pointer.is_null() && length > 0)
        .then(|| unsafe { core::slice::from_raw_parts_mut(pointer.cast::<u8>(), length as usize) })
}

/// Whether the caller's locale is UTF-8 (libidn2 converts to the locale's encoding).
fn locale_is_utf8() -> bool {
    // SAFETY: nl_langinfo returns a NUL-terminated string valid until the next call in this
    // thread; it is read at once. netlibc does not export nl_langinfo.
    let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
    // SAFETY: as above; a NULL result is checked.
    !codeset.is_null() && unsafe { CStr::from_ptr(codeset) }.to_bytes() == b"UTF-8"
}
