//! The networks database: `getnetbyname`, `getnetbyaddr`, `getnetent` and their `_r` forms. Like
//! glibc, these report through h_errno (`HOST_NOT_FOUND`, `NETDB_INTERNAL` for a small buffer).

use core::cell::RefCell;
use core::ffi::{c_char, c_int};

use super::buffer::{c_bytes, fail, CBuffer, ThreadBuffer};
use super::enumeration::{self, Enumeration};
use super::netent;
use super::trace_line::{emit_entry, emit_r, quoted, Found};
use crate::db::cache::Lock;
use crate::db::networks::{networks_file, NetworksFile};
use crate::db::record::Fit;
use crate::sys::call::Call;
use crate::sys::{get_errno, get_h_errno, set_errno, set_h_errno, Errno};
use crate::trace::{self, Source};

const HOST_NOT_FOUND: c_int = 1;
const NETDB_INTERNAL: c_int = -1;

/// Where `getnetent` is (see [`enumeration`]).
static ENUMERATION: Lock<Enumeration<NetworksFile>> = Lock::new(Enumeration::new());

struct ThreadResult {
    entry: netent,
    buffer: ThreadBuffer,
}

type ThreadSlot = std::thread::LocalKey<RefCell<Box<ThreadResult>>>;

/// A fresh per-thread result (glibc keeps one static result per function; so does netlibc, per thread).
fn new_result() -> RefCell<Box<ThreadResult>> {
    RefCell::new(Box::new(ThreadResult {
        entry: netent {
            n_name: core::ptr::null_mut(),
            n_aliases: core::ptr::null_mut(),
            n_addrtype: 0,
            n_net: 0,
        },
        buffer: ThreadBuffer::default(),
    }))
}

thread_local! {
    static BY_NAME: RefCell<Box<ThreadResult>> = new_result();
    static BY_ADDR: RefCell<Box<ThreadResult>> = new_result();
    static ENTRY: RefCell<Box<ThreadResult>> = new_result();
}

fn write_entry(file: &NetworksFile, index: usize, out: &mut netent, buffer: &mut CBuffer) {
    let Some(network) = file.table.entries.get(index) else {
        return;
    };
    out.n_aliases = buffer.put_record(0, &network.record);
    out.n_name = buffer.ptr(network.name as usize);
    out.n_addrtype = libc::AF_INET;
    out.n_net = network.number;
}

fn set_if(h_errnop: *mut c_int, value: c_int) {
    if !h_errnop.is_null() {
        // SAFETY: non-null; the caller passes a writable int.
        unsafe { *h_errnop = value };
    }
}

/// # Safety
/// Pointers as for `getnetbyname_r`.
unsafe fn lookup_r(
    find: impl FnOnce(&NetworksFile) -> Option<usize>,
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    if !result.is_null() {
        // SAFETY: the caller passes a writable result pointer.
        unsafe { *result = core::ptr::null_mut() };
    }
    let Some(file) = networks_file() else {
        // glibc: the file cannot be opened; errno says why, h_errno is left alone.
        return fail(libc::ENOENT);
    };
    trace::note_source(Source::Files);
    let found = find(&file);
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let mut buffer = unsafe { CBuffer::new(buf, buflen) };
    if file.table.scan_fits(found, buffer.address(0), buffer.len()) == Fit::TooSmall {
        set_if(h_errnop, NETDB_INTERNAL);
        return fail(libc::ERANGE);
    }
    match (found, result_buf.is_null() || result.is_null()) {
        (Some(index), false) => {
            // SAFETY: both pointers are non-null and point to the caller's objects.
            unsafe {
                write_entry(&file, index, &mut *result_buf, &mut buffer);
                *result = result_buf;
            }
        }
        _ => set_if(h_errnop, HOST_NOT_FOUND),
    }
    fail(0)
}

/// Runs a `_r` function on the thread's buffer; a non-zero h_errno it reports goes to h_errno.
fn lookup_static(
    slot: &'static ThreadSlot,
    call: impl Fn(*mut netent, *mut c_char, usize, *mut *mut netent, *mut c_int) -> c_int,
) -> *mut netent {
    slot.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult { entry, buffer } = &mut **state;
        let mut result: *mut netent = core::ptr::null_mut();
        let mut h_errno: c_int = 0;
        buffer.fill_growing(|buf, len| call(entry, buf, len, &mut result, &mut h_errno));
        if h_errno != 0 {
            set_h_errno(h_errno);
        }
        result
    })
}

/// `getnetbyname_r(name, result_buf, buf, buflen, result, h_errnop)` — looks a network up by name or
/// alias (ASCII case ignored), into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// `name` is a C string; `buf` has `buflen` writable bytes; the other pointers are writable.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getnetbyname_r(
    name: *const c_char,
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    let _call = Call::enter();
    // SAFETY: the caller's guarantees pass on unchanged.
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe { getnetbyname_r_impl(name, result_buf, buf, buflen, result, h_errnop) };
    if let Some(timer) = timer {
        // SAFETY: C string and pointers per the caller; `*result` is null or the entry written.
        let (name, found, h) = unsafe {
            (
                quoted(name),
                Found::stored(result, net_name),
                h_errnop.as_ref(),
            )
        };
        emit_r(
            timer,
            format_args!("getnetbyname_r({name})"),
            code,
            found,
            h.copied(),
        );
    }
    code
}

/// The body of `getnetbyname_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getnetbyname_r`.
unsafe fn getnetbyname_r_impl(
    name: *const c_char,
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    // SAFETY: C string per the caller.
    let name = unsafe { c_bytes(name).unwrap_or_default() };
    // SAFETY: pointers per the caller.
    unsafe {
        lookup_r(
            |file| file.by_name(name),
            result_buf,
            buf,
            buflen,
            result,
            h_errnop,
        )
    }
}

/// `getnetbyaddr_r(net, type, result_buf, buf, buflen, result, h_errnop)` — looks a network up by
/// number (host byte order) and family (`AF_INET` or `AF_UNSPEC`), into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// As for `getnetbyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getnetbyaddr_r(
    net: u32,
    r#type: c_int,
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    let _call = Call::enter();
    // SAFETY: the caller's guarantees pass on unchanged.
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code =
        unsafe { getnetbyaddr_r_impl(net, r#type, result_buf, buf, buflen, result, h_errnop) };
    if let Some(timer) = timer {
        // SAFETY: pointers per the caller; `*result` is null or the entry written.
        let (found, h) = unsafe { (Found::stored(result, net_name), h_errnop.as_ref()) };
        let call = format_args!("getnetbyaddr_r({net:#x}, {})", r#type);
        emit_r(timer, call, code, found, h.copied());
    }
    code
}

/// The body of `getnetbyaddr_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getnetbyaddr_r`.
unsafe fn getnetbyaddr_r_impl(
    net: u32,
    r#type: c_int,
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    let family_matches = r#type == libc::AF_UNSPEC || r#type == libc::AF_INET;
    let find = |file: &NetworksFile| file.by_number(net).filter(|_| family_matches);
    // SAFETY: pointers per the caller.
    unsafe { lookup_r(find, result_buf, buf, buflen, result, h_errnop) }
}

/// `getnetbyname(name)` — looks a network up by name in the networks database.
///
/// Differences from glibc: the result is per thread (glibc's is shared by the process).
///
/// # Safety
/// `name` is a C string.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getnetbyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetbyname.3.html)
#[no_mangle]
pub unsafe extern "C" fn getnetbyname(name: *const c_char) -> *mut netent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the string per the caller; the other pointers come from `lookup_static`.
    let entry = lookup_static(&BY_NAME, |entry, buf, len, result, h| unsafe {
        getnetbyname_r_impl(name, entry, buf, len, result, h)
    });
    if let Some(timer) = timer {
        // SAFETY: C string per the caller; `entry` is null or the thread's entry.
        let (name, found) = unsafe { (quoted(name), Found::new(entry, net_name)) };
        emit_entry(
            timer,
            format_args!("getnetbyname({name})"),
            found,
            Some(get_h_errno()),
        );
    }
    entry
}

/// `getnetbyaddr(net, type)` — looks a network up by number (host byte order) and family.
///
/// Differences from glibc: the result is per thread.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getnetbyaddr.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetbyaddr.3.html)
#[no_mangle]
pub extern "C" fn getnetbyaddr(net: u32, r#type: c_int) -> *mut netent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the pointers come from `lookup_static`.
    let entry = lookup_static(&BY_ADDR, |entry, buf, len, result, h| unsafe {
        getnetbyaddr_r_impl(net, r#type, entry, buf, len, result, h)
    });
    if let Some(timer) = timer {
        // SAFETY: `entry` is null or the thread's entry.
        let found = unsafe { Found::new(entry, net_name) };
        let call = format_args!("getnetbyaddr({net:#x}, {})", r#type);
        emit_entry(timer, call, found, Some(get_h_errno()));
    }
    entry
}

/// The name of a `netent`, for trace lines.
fn net_name(entry: &netent) -> *const c_char {
    entry.n_name
}

/// `setnetent(stayopen)` — starts the enumeration of the networks database again.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setnetent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/setnetent.3.html)
#[no_mangle]
pub extern "C" fn setnetent(stayopen: c_int) {
    let _ = stayopen;
    enumeration::restart(&ENUMERATION, networks_file);
}

/// `endnetent()` — ends the enumeration of the networks database.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/endnetent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/endnetent.3.html)
#[no_mangle]
pub extern "C" fn endnetent() {
    enumeration::end(&ENUMERATION);
}

/// `getnetent_r(result_buf, buf, buflen, result, h_errnop)` — the next entry of the networks database.
///
/// Differences from glibc: the enumeration reads the file as it was at `setnetent` (or the first
/// call), like glibc's open stream of a replaced file.
///
/// # Safety
/// As for `getnetbyname_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn getnetent_r(
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    // SAFETY: the caller's guarantees pass on unchanged.
    unsafe { getnetent_r_impl(result_buf, buf, buflen, result, h_errnop) }
}

/// The body of `getnetent_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `getnetent_r`.
unsafe fn getnetent_r_impl(
    result_buf: *mut netent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut netent,
    h_errnop: *mut c_int,
) -> c_int {
    let _ = h_errnop;
    // SAFETY: the caller's pointers, passed on.
    let next = unsafe {
        enumeration::next_table_entry(
            &ENUMERATION,
            networks_file,
            |file| &file.table,
            write_entry,
            (result_buf, buf, buflen, result),
        )
    };
    next.unwrap_or_else(|| {
        // Unlike services and protocols, glibc sets errno here.
        fail(libc::ENOENT)
    })
}

/// `getnetent()` — the next entry of the networks database.
///
/// Differences from glibc: the result is per thread; the position is per process, as in glibc.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getnetent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getnetent.3.html)
#[no_mangle]
pub extern "C" fn getnetent() -> *mut netent {
    let saved = get_errno();
    set_errno(Errno(0));
    {
        let entry = ENTRY.with(|cell| {
            let Ok(mut state) = cell.try_borrow_mut() else {
                return core::ptr::null_mut();
            };
            let ThreadResult { entry, buffer } = &mut **state;
            let mut result: *mut netent = core::ptr::null_mut();
            // SAFETY: the pointers are the thread's own result and buffer.
            buffer.fill_growing(|buf, len| unsafe {
                getnetent_r_impl(entry, buf, len, &mut result, core::ptr::null_mut())
            });
            result
        });
        // A missing file leaves ENOENT in errno and h_errno alone; the end of the file sets h_errno.
        if entry.is_null() && get_errno() == Errno(libc::ENOENT) {
            return entry;
        }
        set_errno(saved);
        if entry.is_null() {
            set_h_errno(HOST_NOT_FOUND);
        }
        entry
    }
}
