//! The services database: `getservbyname`, `getservbyport`, `getservent` and their `_r` forms.

use core::cell::RefCell;
use core::ffi::{c_char, c_int};

use super::buffer::{c_bytes, fail, keeping_errno, CBuffer, ThreadBuffer};
use super::enumeration::{self, Enumeration};
use super::servent;
use super::trace_line::{emit_entry, emit_r, quoted, Found};
use crate::db::cache::Lock;
use crate::db::record::{Fit, POINTER};
use crate::db::services::{services_file, with_services_file, ServicesFile};
use crate::lookup::memo;
use crate::sys::call::Call;
use crate::sys::{get_errno, set_errno, Errno};
use crate::trace::{self, Source};

/// Where `getservent` is (see [`enumeration`]).
static ENUMERATION: Lock<Enumeration<ServicesFile>> = Lock::new(Enumeration::new());

struct ThreadResult {
    entry: servent,
    buffer: ThreadBuffer,
    /// getservbyname: the last answer, written again while it holds (see [`KeptService`]).
    kept: Option<KeptService>,
}

/// A getservbyname answer kept per thread while nothing it came from can have changed
/// (`lookup::memo`'s files stamp: no event about the parsed files, no cache refilled, the same
/// environment): a repeated call writes the same entry and bytes into the same buffer and sets errno
/// as the lookup did, which is everything the lookup itself would do again.
struct KeptService {
    name: Box<[u8]>,
    proto: Option<Box<[u8]>>,
    stamp: memo::FilesStamp,
    until: u64,
    entry: servent,
    /// The buffer's address when the entry was written (its pointers point into it).
    base: usize,
    /// The buffer's bytes up to the end of the alias list, which `write_entry` puts last.
    bytes: Box<[u8]>,
    errno: Errno,
}

impl KeptService {
    /// The answer just written to `entry` for `key`, when what the lookup relied on allows keeping
    /// it (`None` otherwise).
    fn keep(
        start: memo::Start,
        (name, proto): (&[u8], Option<&[u8]>),
        entry: &servent,
        buffer: &mut ThreadBuffer,
    ) -> Option<KeptService> {
        let (stamp, until) = memo::files_stamp_kept(start)?;
        let (base, len) = buffer.raw();
        // SAFETY: `entry` was just written into the thread's buffer of `len` bytes at `base`.
        let end = unsafe { extent(entry, base as usize, len) }?;
        // SAFETY: `end <= len` bytes of the thread's own buffer.
        let bytes = unsafe { core::slice::from_raw_parts(base, end) };
        Some(KeptService {
            name: name.into(),
            proto: proto.map(Box::from),
            stamp,
            until,
            entry: *entry,
            base: base as usize,
            bytes: bytes.into(),
            errno: get_errno(),
        })
    }

    /// Writes the answer again when it is the one for `name` and `proto` and still holds (the same
    /// buffer, nothing it came from changed); false otherwise (nothing written).
    fn replay(
        &self,
        (name, proto): (&[u8], Option<&[u8]>),
        entry: &mut servent,
        buffer: &mut ThreadBuffer,
    ) -> bool {
        if *self.name != *name || self.proto.as_deref() != proto {
            return false;
        }
        let (base, len) = buffer.raw();
        if base as usize != self.base
            || self.bytes.len() > len
            || !memo::files_stamp_holds(self.stamp, self.until)
        {
            return false;
        }
        // SAFETY: the thread's own buffer has `len >= bytes.len()` bytes at `base`; `bytes` is a
        // separate allocation.
        unsafe { core::ptr::copy_nonoverlapping(self.bytes.as_ptr(), base, self.bytes.len()) };
        *entry = self.entry;
        set_errno(self.errno);
        true
    }
}

/// How many bytes from `base` the entry written by [`write_entry`] covers: its line image, then the
/// alias list, whose null ends it. `None` when a pointer is not where that layout puts it.
///
/// # Safety
/// `base` must have `len` readable bytes.
unsafe fn extent(entry: &servent, base: usize, len: usize) -> Option<usize> {
    let list = (entry.s_aliases as usize).checked_sub(base)?;
    let strings_before_list = [entry.s_name as usize, entry.s_proto as usize]
        .iter()
        .all(|&at| at >= base && at - base < list);
    if !strings_before_list || list % POINTER != 0 {
        return None;
    }
    let mut at = list;
    while at.checked_add(POINTER)? <= len {
        // SAFETY: `at..at + 8` is within the `len` bytes at `base` (checked above).
        let word = unsafe { ((base + at) as *const usize).read_unaligned() };
        at += POINTER;
        if word == 0 {
            return Some(at);
        }
        if word < base || word - base >= list {
            return None;
        }
    }
    None
}

type ThreadSlot = std::thread::LocalKey<RefCell<Box<ThreadResult>>>;

/// A fresh per-thread result (glibc keeps one static result per function; so does netlibc, per thread).
fn new_result() -> RefCell<Box<ThreadResult>> {
    RefCell::new(Box::new(ThreadResult {
        entry: servent {
            s_name: core::ptr::null_mut(),
            s_aliases: core::ptr::null_mut(),
            s_port: 0,
            s_proto: core::ptr::null_mut(),
        },
        buffer: ThreadBuffer::default(),
        kept: None,
    }))
}

thread_local! {
    static BY_NAME: RefCell<Box<ThreadResult>> = new_result();
    static BY_PORT: RefCell<Box<ThreadResult>> = new_result();
    static ENTRY: RefCell<Box<ThreadResult>> = new_result();
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

/// Runs a `_r` function on the calling thread's buffer, growing it as glibc does.
fn lookup_static(
    slot: &'static ThreadSlot,
    call: impl Fn(*mut servent, *mut c_char, usize, *mut *mut servent) -> c_int,
) -> *mut servent {
    slot.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult { entry, buffer, .. } = &mut **state;
        let mut result: *mut servent = core::ptr::null_mut();
        buffer.fill_growing(|buf, len| call(entry, buf, len, &mut result));
        result
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

/// getservbyname's lookup into the thread's result: the kept answer written again when it holds,
/// otherwise a lookup, whose answer is kept when it can be (never while tracing: a traced call
/// notes its source).
///
/// # Safety
/// `name` and a non-null `proto` are C strings.
unsafe fn by_name_static(name: *const c_char, proto: *const c_char) -> *mut servent {
    // SAFETY: C strings per the caller.
    let key = unsafe { (c_bytes(name).unwrap_or_default(), c_bytes(proto)) };
    let keepable = !trace::tracing();
    BY_NAME.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult {
            entry,
            buffer,
            kept,
        } = &mut **state;
        if keepable {
            crate::sys::call::keep_results();
            if kept.as_ref().is_some_and(|k| k.replay(key, entry, buffer)) {
                return entry as *mut servent;
            }
        }
        let start = memo::start();
        let mut result: *mut servent = core::ptr::null_mut();
        // SAFETY: the strings per the caller; the thread's own result and buffer.
        buffer.fill_growing(|buf, len| unsafe {
            getservbyname_r_impl(name, proto, entry, buf, len, &mut result)
        });
        *kept = match keepable && !result.is_null() {
            true => KeptService::keep(start, key, entry, buffer),
            false => None,
        };
        result
    })
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
    // SAFETY: the strings per the caller.
    let entry = unsafe { by_name_static(name, proto) };
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
    // SAFETY: as in `getservbyname`.
    let entry = lookup_static(&BY_PORT, |entry, buf, len, result| unsafe {
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
        lookup_static(&ENTRY, |entry, buf, len, result| unsafe {
            getservent_r_impl(entry, buf, len, result)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_servent() -> servent {
        servent {
            s_name: core::ptr::null_mut(),
            s_aliases: core::ptr::null_mut(),
            s_port: 0,
            s_proto: core::ptr::null_mut(),
        }
    }

    #[test]
    fn the_extent_of_a_written_entry_ends_with_its_alias_list() {
        let file = ServicesFile::parse(b"name 80/tcp first second\n");
        let mut words = [0u64; 16];
        let base = words.as_mut_ptr().cast::<c_char>();
        // SAFETY: 128 writable bytes.
        let mut buffer = unsafe { CBuffer::new(base, 128) };
        let mut entry = empty_servent();
        write_entry(&file, 0, &mut entry, &mut buffer);
        let record = &file.table.entries[0].record;
        let list = record.list_offset(base as usize);
        // SAFETY: the 128 bytes written above.
        let end = unsafe { extent(&entry, base as usize, 128) };
        assert_eq!(end, Some(list + 3 * POINTER));
        // Too short to hold the list's null, or a pointer outside the line: not the layout.
        // SAFETY: fewer readable bytes than there are.
        let short = unsafe { extent(&entry, base as usize, list + 2 * POINTER) };
        assert_eq!(short, None);
        entry.s_proto = entry.s_aliases.cast();
        // SAFETY: as above.
        assert_eq!(unsafe { extent(&entry, base as usize, 128) }, None);
    }
}
