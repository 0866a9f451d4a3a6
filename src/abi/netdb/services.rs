//! The services database: `getservbyname`, `getservbyport`, `getservent` and their `_r` forms.

use core::ffi::{c_char, c_int};

use super::buffer::{c_bytes, fail, keeping_errno, CBuffer};
use super::enumeration::{self, Enumeration};
use super::servent;
use super::thread_result::{lookup_kept, lookup_static, new_result, Slot};
use super::trace_line::{emit_entry, emit_r, quoted, Found};
use crate::db::cache::Lock;
use crate::db::record::Fit;
use crate::db::services::{services_file, with_services_file, ServicesFile};
use crate::sys::call::Call;
use crate::trace::{self, Source};

/// Where `getservent` is (see [`enumeration`]).
static ENUMERATION: Lock<Enumeration<ServicesFile>> = Lock::new(Enumeration::new());

thread_local! {
    static BY_NAME: Slot<servent> = new_result();
    static BY_PORT: Slot<servent> = new_result();
    static ENTRY: Slot<servent> = new_result();
}

/// Writes entry `index` into `out` and `buffer` (whose size the caller has checked).
fn write_entry(file: &ServicesFile, index: usize, out: &mut servent, buffer: &mut CBuffer) {
    let Some(service) = file.table.entries.get(index) else {
        return;
    };
    out.s_aliases = buffer.put_record(0, &service.record);
    out.s_name = buffer.ptr(service.name as usize);
    out.s_proto = buffer.ptr(service.protocol as usize);
    out.s_port = service.port;
}

/// The common body of the `_r` lookups: `find` picks the entry, then glibc's buffer rules apply.
///
/// # Safety
/// Pointers as for `getservbyname_r`.
unsafe fn lookup_r(
    find: impl FnOnce(&ServicesFile) -> Option<usize>,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    if !result.is_null() {
        // SAFETY: the caller passes a writable result pointer.
        unsafe { *result = core::ptr::null_mut() };
    }
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let mut buffer = unsafe { CBuffer::new(buf, buflen) };
    with_services_file(|file| {
        let Some(file) = file else {
            return fail(libc::ENOENT);
        };
        trace::note_source(Source::Files);
        let found = find(file);
        if file.table.scan_fits(found, buffer.address(0), buffer.len()) == Fit::TooSmall {
            return fail(libc::ERANGE);
        }
        if let (Some(index), false, false) = (found, result_buf.is_null(), result.is_null()) {
            // SAFETY: both pointers are non-null and point to the caller's objects.
            unsafe {
                write_entry(file, index, &mut *result_buf, &mut buffer);
                *result = result_buf;
            }
        }
        fail(0)
    })
}

/// `getservbyname_r(name, proto, result_buf, buf, buflen, result)` — looks a service up by name (and
/// protocol, any when NULL), into the caller's buffer.
///
/// Differences from glibc: none (an unreadable file returns `ENOENT`, as glibc's failed `fopen`).
///
/// # Safety
/// `name` and a non-null `proto` are C strings; `buf` has `buflen` writable bytes; `result_buf` and
/// `result` are writable.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyname_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getservbyname_r(
    name: *const c_char,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getservbyname_r_impl(name, proto, result_buf, buf, buflen, result) };
    if let Some(timer) = timer {
        // SAFETY: C strings per the caller; `*result` is null or the entry just written.
        let (name, proto, found) = unsafe {
            (
                quoted(name),
                quoted(proto),
                Found::stored(result, service_name),
            )
        };
        emit_r(
            timer,
            format_args!("getservbyname_r({name}, {proto})"),
            code,
            found,
            None,
        );
    }
    code
}

/// The body of `getservbyname_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getservbyname_r`.
unsafe fn getservbyname_r_impl(
    name: *const c_char,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: C strings per the caller.
    let (name, proto) = unsafe { (c_bytes(name).unwrap_or_default(), c_bytes(proto)) };
    // SAFETY: pointers per the caller.
    unsafe {
        lookup_r(
            |file| file.by_name(name, proto),
            result_buf,
            buf,
            buflen,
            result,
        )
    }
}

/// `getservbyport_r(port, proto, result_buf, buf, buflen, result)` — looks a service up by port
/// (network byte order) and protocol (any when NULL), into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// As for `getservbyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyport_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getservbyport_r(
    port: c_int,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getservbyport_r_impl(port, proto, result_buf, buf, buflen, result) };
    if let Some(timer) = timer {
        let port = u16::from_be(port as u16);
        // SAFETY: as in `getservbyname_r`.
        let (proto, found) = unsafe { (quoted(proto), Found::stored(result, service_name)) };
        emit_r(
            timer,
            format_args!("getservbyport_r(htons({port}), {proto})"),
            code,
            found,
            None,
        );
    }
    code
}

/// The body of `getservbyport_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getservbyport_r`.
unsafe fn getservbyport_r_impl(
    port: c_int,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: C string per the caller.
    let proto = unsafe { c_bytes(proto) };
    // SAFETY: pointers per the caller.
    unsafe {
        lookup_r(
            |file| file.by_port(port, proto),
            result_buf,
            buf,
            buflen,
            result,
        )
    }
}

/// `getservbyname(name, proto)` — looks a service up by name in the services database.
///
/// Differences from glibc: the result is per thread (glibc's is shared by the process).
///
/// # Safety
/// `name` and a non-null `proto` are C strings.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyname.3.html)
#[no_mangle]
pub unsafe extern "C" fn getservbyname(name: *const c_char, proto: *const c_char) -> *mut servent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: C strings per the caller.
    let key = unsafe { (c_bytes(name).unwrap_or_default(), c_bytes(proto)) };
    // SAFETY: the strings per the caller; the other pointers come from `lookup_kept`.
    let entry = lookup_kept(&BY_NAME, key, &|entry, buf, len, result| unsafe {
        getservbyname_r_impl(name, proto, entry, buf, len, result)
    });
    if let Some(timer) = timer {
        // SAFETY: C strings per the caller; `entry` is null or the thread's entry.
        let (name, proto, found) =
            unsafe { (quoted(name), quoted(proto), Found::new(entry, service_name)) };
        emit_entry(
            timer,
            format_args!("getservbyname({name}, {proto})"),
            found,
            None,
        );
    }
    entry
}

/// `getservbyport(port, proto)` — looks a service up by port (network byte order).
///
/// Differences from glibc: the result is per thread.
///
/// # Safety
/// A non-null `proto` is a C string.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyport.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyport.3.html)
#[no_mangle]
pub unsafe extern "C" fn getservbyport(port: c_int, proto: *const c_char) -> *mut servent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: a C string or NULL per the caller.
    let key = (&port.to_ne_bytes()[..], unsafe { c_bytes(proto) });
    // SAFETY: as in `getservbyname`.
    let entry = lookup_kept(&BY_PORT, key, &|entry, buf, len, result| unsafe {
        getservbyport_r_impl(port, proto, entry, buf, len, result)
    });
    if let Some(timer) = timer {
        let port = u16::from_be(port as u16);
        // SAFETY: as in `getservbyname`.
        let (proto, found) = unsafe { (quoted(proto), Found::new(entry, service_name)) };
        emit_entry(
            timer,
            format_args!("getservbyport(htons({port}), {proto})"),
            found,
            None,
        );
    }
    entry
}

/// The name of a `servent`, for trace lines.
fn service_name(entry: &servent) -> *const c_char {
    entry.s_name
}

/// `setservent(stayopen)` — starts the enumeration of the services database again.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setservent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/setservent.3.html)
#[no_mangle]
pub extern "C" fn setservent(stayopen: c_int) {
    let _ = stayopen;
    enumeration::restart(&ENUMERATION, services_file);
}

/// `endservent()` — ends the enumeration of the services database.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/endservent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/endservent.3.html)
#[no_mangle]
pub extern "C" fn endservent() {
    enumeration::end(&ENUMERATION);
}

/// `getservent_r(result_buf, buf, buflen, result)` — the next entry of the services database.
///
/// Differences from glibc: an enumeration reads the file as it was at `setservent` (or the first
/// call), like glibc's open stream of a file that is replaced; an in-place edit is seen from the next
/// `setservent`.
///
/// # Safety
/// As for `getservbyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getservent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getservent_r(
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: the caller's guarantees pass on unchanged.
    unsafe { getservent_r_impl(result_buf, buf, buflen, result) }
}

/// The body of `getservent_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getservent_r`.
unsafe fn getservent_r_impl(
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: the caller's pointers, passed on.
    let next = unsafe {
        enumeration::next_table_entry(
            &ENUMERATION,
            services_file,
            |file| &file.table,
            write_entry,
            (result_buf, buf, buflen, result),
        )
    };
    next.unwrap_or(libc::ENOENT)
}

/// `getservent()` — the next entry of the services database.
///
/// Differences from glibc: the result is per thread; the position is per process, as in glibc.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getservent.3.html)
#[no_mangle]
pub extern "C" fn getservent() -> *mut servent {
    keeping_errno(|| {
        // SAFETY: the pointers come from `lookup_static`.
        lookup_static(&ENTRY, &|entry, buf, len, result| unsafe {
            getservent_r_impl(entry, buf, len, result)
        })
    })
}
