//! The protocols database: `getprotobyname`, `getprotobynumber`, `getprotoent` and their `_r` forms.

use core::ffi::{c_char, c_int};

use super::buffer::{c_bytes, fail, keeping_errno, CBuffer};
use super::enumeration::{self, Enumeration};
use super::protoent;
use super::thread_result::{lookup_kept, lookup_static, new_result, Slot};
use super::trace_line::{emit_entry, emit_r, quoted, Found};
use crate::db::cache::Lock;
use crate::db::protocols::{protocols_file, ProtocolsFile};
use crate::db::record::Fit;
use crate::sys::call::Call;
use crate::trace::{self, Source};

/// Where `getprotoent` is (see [`enumeration`]).
static ENUMERATION: Lock<Enumeration<ProtocolsFile>> = Lock::new(Enumeration::new());

thread_local! {
    static BY_NAME: Slot<protoent> = new_result();
    static BY_NUMBER: Slot<protoent> = new_result();
    static ENTRY: Slot<protoent> = new_result();
}

/// Writes entry `index` into `out` and `buffer` (whose size the caller has checked).
fn write_entry(file: &ProtocolsFile, index: usize, out: &mut protoent, buffer: &mut CBuffer) {
    let Some(protocol) = file.table.entries.get(index) else {
        return;
    };
    out.p_aliases = buffer.put_record(0, &protocol.record);
    out.p_name = buffer.ptr(protocol.name as usize);
    out.p_proto = protocol.number;
}

/// The common body of the `_r` lookups: `find` picks the entry, then glibc's buffer rules apply.
///
/// # Safety
/// Pointers as for `getprotobyname_r`.
unsafe fn lookup_r(
    find: impl FnOnce(&ProtocolsFile) -> Option<usize>,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    if !result.is_null() {
        // SAFETY: the caller passes a writable result pointer.
        unsafe { *result = core::ptr::null_mut() };
    }
    let Some(file) = protocols_file() else {
        return fail(libc::ENOENT);
    };
    trace::note_source(Source::Files);
    let found = find(&file);
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let mut buffer = unsafe { CBuffer::new(buf, buflen) };
    if file.table.scan_fits(found, buffer.address(0), buffer.len()) == Fit::TooSmall {
        return fail(libc::ERANGE);
    }
    if let (Some(index), false, false) = (found, result_buf.is_null(), result.is_null()) {
        // SAFETY: both pointers are non-null and point to the caller's objects.
        unsafe {
            write_entry(&file, index, &mut *result_buf, &mut buffer);
            *result = result_buf;
        }
    }
    fail(0)
}

/// `getprotobyname_r(name, result_buf, buf, buflen, result)` — looks a protocol up by name or alias
/// (case-sensitive), into the caller's buffer.
///
/// Differences from glibc: none (an unreadable file returns `ENOENT`, as glibc's failed `fopen`).
///
/// # Safety
/// `name` is a C string; `buf` has `buflen` writable bytes; `result_buf` and `result` are writable.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobyname_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getprotobyname_r(
    name: *const c_char,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getprotobyname_r_impl(name, result_buf, buf, buflen, result) };
    if let Some(timer) = timer {
        // SAFETY: C string per the caller; `*result` is null or the entry just written.
        let (name, found) = unsafe { (quoted(name), Found::stored(result, protocol_name)) };
        emit_r(
            timer,
            format_args!("getprotobyname_r({name})"),
            code,
            found,
            None,
        );
    }
    code
}

/// The body of `getprotobyname_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getprotobyname_r`.
unsafe fn getprotobyname_r_impl(
    name: *const c_char,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: C string per the caller.
    let name = unsafe { c_bytes(name).unwrap_or_default() };
    // SAFETY: pointers per the caller.
    unsafe { lookup_r(|file| file.by_name(name), result_buf, buf, buflen, result) }
}

/// `getprotobynumber_r(proto, result_buf, buf, buflen, result)` — looks a protocol up by number,
/// into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// As for `getprotobyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobynumber_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getprotobynumber_r(
    proto: c_int,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getprotobynumber_r_impl(proto, result_buf, buf, buflen, result) };
    if let Some(timer) = timer {
        // SAFETY: `*result` is null or the entry just written.
        let found = unsafe { Found::stored(result, protocol_name) };
        emit_r(
            timer,
            format_args!("getprotobynumber_r({proto})"),
            code,
            found,
            None,
        );
    }
    code
}

/// The body of `getprotobynumber_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getprotobynumber_r`.
unsafe fn getprotobynumber_r_impl(
    proto: c_int,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: pointers per the caller.
    unsafe {
        lookup_r(
            |file| file.by_number(proto),
            result_buf,
            buf,
            buflen,
            result,
        )
    }
}

/// `getprotobyname(name)` — looks a protocol up by name or alias in the protocols database.
///
/// Differences from glibc: the result is per thread (glibc's is shared by the process).
///
/// # Safety
/// `name` is a C string.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobyname.3.html)
#[no_mangle]
pub unsafe extern "C" fn getprotobyname(name: *const c_char) -> *mut protoent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: a C string per the caller.
    let key = (unsafe { c_bytes(name).unwrap_or_default() }, None);
    // SAFETY: the string per the caller; the other pointers come from `lookup_kept`.
    let entry = lookup_kept(&BY_NAME, key, &|entry, buf, len, result| unsafe {
        getprotobyname_r_impl(name, entry, buf, len, result)
    });
    if let Some(timer) = timer {
        // SAFETY: C string per the caller; `entry` is null or the thread's entry.
        let (name, found) = unsafe { (quoted(name), Found::new(entry, protocol_name)) };
        emit_entry(timer, format_args!("getprotobyname({name})"), found, None);
    }
    entry
}

/// `getprotobynumber(proto)` — looks a protocol up by number.
///
/// Differences from glibc: the result is per thread.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobynumber.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobynumber.3.html)
#[no_mangle]
pub extern "C" fn getprotobynumber(proto: c_int) -> *mut protoent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the pointers come from `lookup_kept`.
    let entry = lookup_kept(
        &BY_NUMBER,
        (&proto.to_ne_bytes(), None),
        &|entry, buf, len, result| unsafe {
            getprotobynumber_r_impl(proto, entry, buf, len, result)
        },
    );
    if let Some(timer) = timer {
        // SAFETY: `entry` is null or the thread's entry.
        let found = unsafe { Found::new(entry, protocol_name) };
        emit_entry(
            timer,
            format_args!("getprotobynumber({proto})"),
            found,
            None,
        );
    }
    entry
}

/// The name of a `protoent`, for trace lines.
fn protocol_name(entry: &protoent) -> *const c_char {
    entry.p_name
}

/// `setprotoent(stayopen)` — starts the enumeration of the protocols database again.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setprotoent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/setprotoent.3.html)
#[no_mangle]
pub extern "C" fn setprotoent(stayopen: c_int) {
    let _ = stayopen;
    enumeration::restart(&ENUMERATION, protocols_file);
}

/// `endprotoent()` — ends the enumeration of the protocols database.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/endprotoent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/endprotoent.3.html)
#[no_mangle]
pub extern "C" fn endprotoent() {
    enumeration::end(&ENUMERATION);
}

/// `getprotoent_r(result_buf, buf, buflen, result)` — the next entry of the protocols database.
///
/// Differences from glibc: an enumeration reads the file as it was at `setprotoent` (or the first
/// call), like glibc's open stream of a file that is replaced; an in-place edit is seen from the next
/// `setprotoent`.
///
/// # Safety
/// As for `getprotobyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotoent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getprotoent_r(
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: the caller's guarantees pass on unchanged.
    unsafe { getprotoent_r_impl(result_buf, buf, buflen, result) }
}

/// The body of `getprotoent_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getprotoent_r`.
unsafe fn getprotoent_r_impl(
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: the caller's pointers, passed on.
    let next = unsafe {
        enumeration::next_table_entry(
            &ENUMERATION,
            protocols_file,
            |file| &file.table,
            write_entry,
            (result_buf, buf, buflen, result),
        )
    };
    next.unwrap_or(libc::ENOENT)
}

/// `getprotoent()` — the next entry of the protocols database.
///
/// Differences from glibc: the result is per thread; the position is per process, as in glibc.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotoent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotoent.3.html)
#[no_mangle]
pub extern "C" fn getprotoent() -> *mut protoent {
    keeping_errno(|| {
        // SAFETY: the pointers come from `lookup_static`.
        lookup_static(&ENTRY, &|entry, buf, len, result| unsafe {
            getprotoent_r_impl(entry, buf, len, result)
        })
    })
}
