//! The hosts database: `gethostbyname`, `gethostbyname2`, `gethostbyaddr`, `gethostent` and their
//! `_r` forms, from the hosts file (the files source of nsswitch; DNS comes behind the same calls).
//!
//! Results are laid out as glibc's `nss_files` lays them out: the address block (`hostent_data`), the
//! line split in place, the alias list; with `multi on`, the extra addresses and names after that and
//! then fresh address and alias arrays. So `ERANGE` comes at exactly glibc's buffer sizes.

use core::cell::RefCell;
use core::ffi::{c_char, c_int, c_void};

use super::buffer::{c_bytes, fail, CBuffer, ThreadBuffer};
use super::enumeration::{self, Enumeration};
use super::hostent;
use super::hosts_dns::{self, SourceOutcome};
use super::trace_line::{emit_entry, emit_r, quoted, Found};
use crate::db::cache::Lock;
use crate::db::host_conf::host_conf;
use crate::db::hosts::{
    hosts_file, numeric_name, with_hosts_file, Address, HostsFile, Numeric, View, HOSTENT_DATA,
};
use crate::db::record::{align_up, Fit, POINTER};
use crate::dns::nsswitch::{hosts_steps, Source, Status, Step};
use crate::lookup::memo;
use crate::sys::call::Call;
use crate::sys::{get_errno, get_h_errno, set_errno, set_h_errno, Errno};
use crate::trace::{self, Source as Answered, Timer};

const NETDB_INTERNAL: c_int = -1;
const NETDB_SUCCESS: c_int = 0;
const HOST_NOT_FOUND: c_int = 1;

/// What `__nss_hostname_digits_dots` needs for a numeric result: address, two pointers, one pointer,
/// then the name.
const NUMERIC_HEADER: usize = 16 + 2 * POINTER + POINTER;

/// Where `gethostent` is (see [`enumeration`]).
static ENUMERATION: Lock<Enumeration<HostsFile>> = Lock::new(Enumeration::new());

struct ThreadResult {
    entry: hostent,
    buffer: ThreadBuffer,
    /// gethostbyname / gethostbyname2: the last answer kept to be written again (see [`KeptHost`]).
    kept: Option<KeptHost>,
}

/// A gethostbyname / gethostbyname2 answer kept per thread while nothing it came from can have
/// changed (`lookup::memo`: parsed files no event concerned, a DNS cache hit, the same environment):
/// a repeated call writes the same entry and bytes into the same buffer and sets errno and h_errno as
/// the lookup did, which is everything the lookup itself would do again.
struct KeptHost {
    name: Box<[u8]>,
    family: c_int,
    stamp: memo::FilesStamp,
    until: u64,
    entry: hostent,
    /// The buffer's address when the entry was written (its pointers point into it).
    base: usize,
    /// The buffer's bytes up to the end of what the entry points to.
    bytes: Vec<u8>,
    /// The errno the lookup left (`None`: it did not touch errno).
    errno: Option<c_int>,
    /// The h_errno the lookup set (0: none).
    h_errno: c_int,
}

/// What errno is set to before a lookup whose answer may be kept, to tell whether it set errno.
const ERRNO_UNTOUCHED: c_int = -0x6e6c;

type ThreadSlot = std::thread::LocalKey<RefCell<Box<ThreadResult>>>;

/// A fresh per-thread result (glibc keeps one static result per function; so does netlibc, per thread).
fn new_result() -> RefCell<Box<ThreadResult>> {
    RefCell::new(Box::new(ThreadResult {
        entry: hostent {
            h_name: core::ptr::null_mut(),
            h_aliases: core::ptr::null_mut(),
            h_addrtype: 0,
            h_length: 0,
            h_addr_list: core::ptr::null_mut(),
        },
        buffer: ThreadBuffer::default(),
        kept: None,
    }))
}

thread_local! {
    static BY_NAME: RefCell<Box<ThreadResult>> = new_result();
    static BY_NAME2: RefCell<Box<ThreadResult>> = new_result();
    static BY_ADDR: RefCell<Box<ThreadResult>> = new_result();
    static ENTRY: RefCell<Box<ThreadResult>> = new_result();
}

fn set_if(h_errnop: *mut c_int, value: c_int) {
    if !h_errnop.is_null() {
        // SAFETY: non-null; the caller passes a writable int.
        unsafe { *h_errnop = value };
    }
}

fn set_address(out: &mut hostent, address: Address, list: *mut *mut c_char) {
    out.h_addrtype = address.family();
    out.h_length = address.bytes().len() as c_int;
    out.h_addr_list = list;
}

/// A numeric name's result, as `__nss_hostname_digits_dots` lays it out.
fn write_numeric(address: Address, name: &[u8], out: &mut hostent, buffer: &mut CBuffer) {
    buffer.put(0, &[0; 16]);
    buffer.put(0, address.bytes());
    buffer.put_pointers(16, [buffer.address(0)]);
    buffer.put_pointers(32, []);
    buffer.put(NUMERIC_HEADER, name);
    buffer.put(NUMERIC_HEADER + name.len(), &[0]);
    out.h_name = buffer.ptr(NUMERIC_HEADER);
    out.h_aliases = buffer.ptr(32).cast();
    set_address(out, address, buffer.ptr(16).cast());
}

/// Line `index` as `internal_getent` leaves it: address block, line, alias list.
fn write_line(file: &HostsFile, index: usize, view: View, out: &mut hostent, buffer: &mut CBuffer) {
    let Some(host) = file.hosts.get(index) else {
        return;
    };
    let Some(address) = host.address.in_view(view) else {
        return;
    };
    buffer.put(0, address.bytes());
    buffer.put_pointers(16, [buffer.address(0)]);
    out.h_aliases = buffer.put_record(HOSTENT_DATA, &host.record);
    out.h_name = buffer.ptr(HOSTENT_DATA + host.name as usize);
    set_address(out, address, buffer.ptr(16).cast());
}

/// glibc's `gethostbyname3_multi`: after the first line (already written), the other matching lines'
/// addresses and names go after the first line's alias list, then new arrays. `false` is `ERANGE`.
fn write_multi(
    file: &HostsFile,
    first: usize,
    rest: impl Iterator<Item = usize>,
    view: View,
    out: &mut hostent,
    buffer: &mut CBuffer,
) -> bool {
    let first_host = &file.hosts[first];
    let end = buffer.len();
    let mut cursor = out.h_aliases as usize - buffer.address(0);
    // The other lines' addresses and names (nothing is allocated when only one line matches).
    let mut addresses: Vec<usize> = Vec::new();
    let mut aliases: Vec<usize> = Vec::new();
    for index in rest {
        let host = &file.hosts[index];
        let Some(address) = host.address.in_view(view) else {
            continue;
        };
        let at = align_up(buffer.address(cursor), 4) - buffer.address(0);
        if at + address.bytes().len() > end {
            return false;
        }
        buffer.put(at, address.bytes());
        addresses.push(buffer.address(at));
        cursor = at + address.bytes().len();
        let mut failed = false;
        let new_name = (host.name() != first_host.name()).then(|| host.name());
        for name in host.record.alias_names().chain(new_name) {
            if failed || cursor + name.len() + 1 > end {
                failed = true;
                continue;
            }
            buffer.put(cursor, name);
            buffer.put(cursor + name.len(), &[0]);
            aliases.push(buffer.address(cursor));
            cursor += name.len() + 1;
        }
        if failed {
            return false;
        }
    }
    let line = buffer.address(HOSTENT_DATA);
    let first_aliases = first_host
        .record
        .aliases
        .iter()
        .map(move |&a| line + a as usize);
    let arrays = align_up(buffer.address(cursor), POINTER) - buffer.address(0);
    let alias_array = arrays + (1 + addresses.len() + 1) * POINTER;
    if alias_array + (first_host.record.aliases.len() + aliases.len() + 1) * POINTER > end {
        return false;
    }
    let first_address = buffer.address(0);
    buffer.put_pointers(arrays, core::iter::once(first_address).chain(addresses));
    buffer.put_pointers(alias_array, first_aliases.chain(aliases));
    out.h_addr_list = buffer.ptr(arrays).cast();
    out.h_aliases = buffer.ptr(alias_array).cast();
    true
}

/// The files lookup of `gethostbyname2_r`, after the numeric check.
fn files_by_name(
    name: &[u8],
    family: c_int,
    out: &mut hostent,
    buffer: CBuffer,
    h_errnop: *mut c_int,
) -> c_int {
    let view = View::of(family, false);
    // glibc asserts (aborts the program) on AF_UNSPEC with `multi on`; netlibc answers as without it.
    // host.conf is looked at before the hosts file's lock is taken (its first read is I/O).
    let multi = view != View::Unspec && host_conf().multi;
    with_hosts_file(|file| {
        let Some(file) = file else {
            // glibc: the file cannot be opened; errno says why, h_errno is left alone.
            return fail(libc::ENOENT);
        };
        files_by_name_in(file, name, view, multi, out, buffer, h_errnop)
    })
}

/// [`files_by_name`] in `file`.
fn files_by_name_in(
    file: &HostsFile,
    name: &[u8],
    view: View,
    multi: bool,
    out: &mut hostent,
    buffer: CBuffer,
    h_errnop: *mut c_int,
) -> c_int {
    // glibc aligns the buffer for `hostent_data` before using it.
    let pad = buffer.address(0).wrapping_neg() % POINTER;
    let mut buffer = buffer.after(pad);
    // One walk of the matching lines: the first now, the others (multi) after it.
    let mut matches = file.by_name(name, view);
    let first = matches.next();
    let line_len = buffer.len().saturating_sub(HOSTENT_DATA);
    if file.scan_fits(first, view, buffer.address(HOSTENT_DATA), line_len) == Fit::TooSmall {
        set_if(h_errnop, NETDB_INTERNAL);
        return fail(libc::ERANGE);
    }
    let Some(first) = first else {
        set_if(h_errnop, HOST_NOT_FOUND);
        return fail(0);
    };
    write_line(file, first, view, out, &mut buffer);
    if multi {
        if !write_multi(file, first, matches, view, out, &mut buffer) {
            set_if(h_errnop, NETDB_INTERNAL);
            return fail(libc::ERANGE);
        }
        // The multi scan read to the end of the file, which reports HOST_NOT_FOUND.
        set_if(h_errnop, HOST_NOT_FOUND);
    }
    fail(0)
}

/// Whether `__nss_hostname_digits_dots` looks at a name at all.
fn may_be_numeric(name: &[u8]) -> bool {
    name.first()
        .is_some_and(|&b| b.is_ascii_hexdigit() || b == b':')
}

/// Family for the numeric check: `AF_INET6` stays, anything else is `AF_INET`.
fn numeric_family(family: c_int) -> c_int {
    if family == libc::AF_INET6 {
        libc::AF_INET6
    } else {
        libc::AF_INET
    }
}

/// `gethostbyname2_r` on Rust values: `Ok(true)` found, `Ok(false)` not found.
///
/// # Safety
/// Pointers as for `gethostbyname2_r`.
unsafe fn by_name_r(
    name: &[u8],
    family: c_int,
    result_buf: *mut hostent,
    buffer: CBuffer,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    if !result.is_null() {
        // SAFETY: writable per the caller.
        unsafe { *result = core::ptr::null_mut() };
    }
    if result_buf.is_null() {
        return fail(libc::EINVAL);
    }
    // SAFETY: non-null, the caller's hostent.
    let out = unsafe { &mut *result_buf };
    let mut buffer = buffer;
    if may_be_numeric(name) {
        if buffer.len() < NUMERIC_HEADER + name.len() + 1 {
            set_if(h_errnop, NETDB_INTERNAL);
            return fail(libc::ERANGE);
        }
        match numeric_name(name, numeric_family(family)) {
            Numeric::Address(address) => {
                write_numeric(address, name, out, &mut buffer);
                trace::note_source(Answered::Numeric);
                set_if(h_errnop, NETDB_SUCCESS);
                set_result(result, result_buf);
                return fail(0);
            }
            Numeric::Invalid => {
                set_if(h_errnop, HOST_NOT_FOUND);
                return fail(0);
            }
            Numeric::NotNumeric => {}
        }
    }
    let status = chain_by_name(name, family, out, buffer, h_errnop);
    if status == 0 && !out.h_name.is_null() && found_marker(out) {
        set_result(result, result_buf);
    }
    status
}

/// The sources of nsswitch.conf's `hosts:` line, in order, for a name (after the numeric check).
fn chain_by_name(
    name: &[u8],
    family: c_int,
    out: &mut hostent,
    buffer: CBuffer,
    h_errnop: *mut c_int,
) -> c_int {
    let mut last = SourceOutcome::Unavailable;
    for step in hosts_steps().iter() {
        out.h_addr_list = core::ptr::null_mut();
        let outcome = match step.source {
            Source::Files => {
                let status = files_by_name(name, family, out, buffer.after(0), h_errnop);
                note_files_answer(status, out);
                files_outcome(status, out, h_errnop)
            }
            Source::Dns => hosts_dns::by_name(name, family, out, &mut buffer.after(0)),
        };
        if let Some(status) = finish_step(outcome, step, h_errnop) {
            return status;
        }
        last = outcome;
    }
    chain_failed(last)
}

/// How the files source ended, from what `files_by_name`/`gethostbyaddr`'s files part returned.
fn files_outcome(status: c_int, out: &hostent, h_errnop: *mut c_int) -> SourceOutcome {
    match status {
        libc::ERANGE => SourceOutcome::BufferTooSmall,
        0 if found_marker(out) => SourceOutcome::Found,
        0 => SourceOutcome::NotFound(read_h_errno(h_errnop)),
        _ => SourceOutcome::Unavailable,
    }
}

/// Notes, for the trace line, that the files source answered.
fn note_files_answer(status: c_int, out: &hostent) {
    if status == 0 && found_marker(out) {
        trace::note_source(Answered::Files);
    }
}

fn read_h_errno(h_errnop: *mut c_int) -> c_int {
    if h_errnop.is_null() {
        HOST_NOT_FOUND
    } else {
        // SAFETY: non-null; the caller passes a readable int.
        unsafe { *h_errnop }
    }
}

/// After one source: `Some(return value)` when the chain stops here, `None` to go on.
fn finish_step(outcome: SourceOutcome, step: &Step, h_errnop: *mut c_int) -> Option<c_int> {
    let status = match outcome {
        SourceOutcome::Found => Status::Success,
        SourceOutcome::NotFound(_) => Status::NotFound,
        SourceOutcome::TryAgain(_) => Status::TryAgain,
        SourceOutcome::Unavailable | SourceOutcome::Failed(_) => Status::Unavail,
        SourceOutcome::BufferTooSmall => {
            // glibc hands ERANGE back at once so that the caller can grow its buffer.
            set_if(h_errnop, NETDB_INTERNAL);
            return Some(fail(libc::ERANGE));
        }
    };
    if outcome == SourceOutcome::Found {
        if step.source == Source::Dns {
            // nss_dns reports NETDB_SUCCESS; the files source leaves what it wrote.
            set_if(h_errnop, NETDB_SUCCESS);
        }
        return Some(fail(0));
    }
    match outcome {
        SourceOutcome::NotFound(h) | SourceOutcome::TryAgain(h) => set_if(h_errnop, h),
        SourceOutcome::Failed(_) => set_if(h_errnop, NETDB_INTERNAL),
        _ => {}
    }
    step.returns_on(status).then(|| chain_failed(outcome))
}

/// The return value when no source answered: `EAGAIN` after a temporary failure, else not found.
fn chain_failed(last: SourceOutcome) -> c_int {
    match last {
        SourceOutcome::TryAgain(_) => fail(libc::EAGAIN),
        SourceOutcome::Unavailable => fail(libc::ENOENT),
        SourceOutcome::Failed(errno) => fail(errno),
        _ => fail(0),
    }
}

fn set_result(result: *mut *mut hostent, value: *mut hostent) {
    if !result.is_null() {
        // SAFETY: writable per the caller.
        unsafe { *result = value };
    }
}

/// `files_by_name` leaves `h_addr_list` non-null only when it wrote an entry (callers clear it first).
fn found_marker(out: &hostent) -> bool {
    !out.h_addr_list.is_null()
}

/// # Safety
/// Pointers as for `gethostbyname2_r`.
unsafe fn by_name_entry(
    name: *const c_char,
    family: c_int,
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    // SAFETY: C string per the caller.
    let name = unsafe { c_bytes(name).unwrap_or_default() };
    if !result_buf.is_null() {
        // SAFETY: the caller's hostent; cleared so that "found" can be told from "not found".
        unsafe { (*result_buf).h_addr_list = core::ptr::null_mut() };
    }
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let buffer = unsafe { CBuffer::new(buf, buflen) };
    // SAFETY: pointers per the caller.
    unsafe { by_name_r(name, family, result_buf, buffer, result, h_errnop) }
}

/// `gethostbyname2_r(name, af, result_buf, buf, buflen, result, h_errnop)` — looks a host name up in
/// family `af`, into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// `name` is a C string; `buf` has `buflen` writable bytes; the other pointers are writable.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyname2_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyname2_r(
    name: *const c_char,
    af: c_int,
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: pointers per the caller.
    let code = unsafe { by_name_entry(name, af, result_buf, buf, buflen, result, h_errnop) };
    if let Some(timer) = timer {
        // SAFETY: as above.
        unsafe { trace_by_name_r(timer, "gethostbyname2_r", name, af, code, result, h_errnop) };
    }
    code
}

/// The trace line of `gethostbyname_r` and `gethostbyname2_r`.
///
/// # Safety
/// Pointers as for `gethostbyname2_r`, after the call.
unsafe fn trace_by_name_r(
    timer: Timer,
    function: &str,
    name: *const c_char,
    af: c_int,
    code: c_int,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) {
    // SAFETY: per the caller.
    let (name, found, h) = unsafe {
        (
            quoted(name),
            Found::stored(result, host_name),
            h_errnop.as_ref(),
        )
    };
    emit_r(
        timer,
        format_args!("{function}({name}, {af})"),
        code,
        found,
        h.copied(),
    );
}

/// The name of a `hostent`, for trace lines.
fn host_name(entry: &hostent) -> *const c_char {
    entry.h_name
}

/// `gethostbyname_r(name, result_buf, buf, buflen, result, h_errnop)` — looks an IPv4 host up, into
/// the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// As for `gethostbyname2_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyname_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyname_r(
    name: *const c_char,
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: pointers per the caller.
    let code = unsafe {
        by_name_entry(
            name,
            libc::AF_INET,
            result_buf,
            buf,
            buflen,
            result,
            h_errnop,
        )
    };
    if let Some(timer) = timer {
        let af = libc::AF_INET;
        // SAFETY: as above.
        unsafe { trace_by_name_r(timer, "gethostbyname_r", name, af, code, result, h_errnop) };
    }
    code
}

/// The non-`_r` name lookups: a numeric name is answered without touching errno; otherwise the `_r`
/// lookup runs on the thread's growing buffer and a non-zero h_errno it reports goes to h_errno.
fn by_name_static(
    function: &str,
    slot: &'static ThreadSlot,
    name: *const c_char,
    family: c_int,
) -> *mut hostent {
    let timer = trace::start_lookup();
    let entry = by_name_static_untraced(slot, name, family);
    if let Some(timer) = timer {
        // SAFETY: C string per the caller; `entry` is null or the thread's entry.
        let (shown, found) = unsafe { (quoted(name), Found::new(entry, host_name)) };
        let call = format_args!("{function}({shown}, {family})");
        emit_entry(timer, call, found, Some(get_h_errno()));
    }
    entry
}

fn by_name_static_untraced(
    slot: &'static ThreadSlot,
    name: *const c_char,
    family: c_int,
) -> *mut hostent {
    // SAFETY: C string per the caller of the exported function.
    let bytes = unsafe { c_bytes(name).unwrap_or_default() };
    slot.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult {
            entry,
            buffer,
            kept,
        } = &mut **state;
        if may_be_numeric(bytes) {
            match numeric_name(bytes, numeric_family(family)) {
                Numeric::Address(address) => {
                    let mut status = 0;
                    buffer.fill_growing(|buf, len| {
                        // SAFETY: the thread's own buffer of `len` bytes.
                        let mut c_buffer = unsafe { CBuffer::new(buf, len) };
                        if len < NUMERIC_HEADER + bytes.len() + 1 {
                            return libc::ERANGE;
                        }
                        write_numeric(address, bytes, entry, &mut c_buffer);
                        trace::note_source(Answered::Numeric);
                        status = 1;
                        0
                    });
                    return if status == 1 {
                        entry as *mut hostent
                    } else {
                        core::ptr::null_mut()
                    };
                }
                Numeric::Invalid => {
                    set_h_errno(HOST_NOT_FOUND);
                    return core::ptr::null_mut();
                }
                Numeric::NotNumeric => {}
            }
        }
        let keepable = !trace::tracing();
        if keepable
            && kept
                .as_ref()
                .is_some_and(|k| replay(k, bytes, family, entry, buffer))
        {
            return entry as *mut hostent;
        }
        let start = memo::start();
        let saved_errno = get_errno();
        if keepable {
            set_errno(Errno(ERRNO_UNTOUCHED));
        }
        let mut result: *mut hostent = core::ptr::null_mut();
        let mut h_errno: c_int = 0;
        // SAFETY: the thread's own result and buffer.
        buffer.fill_growing(|buf, len| unsafe {
            by_name_entry(name, family, entry, buf, len, &mut result, &mut h_errno)
        });
        let errno = match get_errno() {
            Errno(ERRNO_UNTOUCHED) => {
                set_errno(saved_errno);
                None
            }
            Errno(errno) => Some(errno),
        };
        if h_errno != 0 {
            set_h_errno(h_errno);
        }
        if keepable && !result.is_null() {
            keep_answer(
                kept,
                start,
                (bytes, family),
                entry,
                buffer,
                (errno, h_errno),
            );
        }
        result
    })
}

/// Keeps the answer just written to `entry` for the key (name or address bytes, family), with the
/// errno (`None`: untouched) and h_errno (0: not set) the lookup left, when what it relied on
/// allows (see [`KeptHost`]).
fn keep_answer(
    kept: &mut Option<KeptHost>,
    start: memo::Start,
    (key, family): (&[u8], c_int),
    entry: &hostent,
    buffer: &mut ThreadBuffer,
    (errno, h_errno): (Option<c_int>, c_int),
) {
    let Some((stamp, until)) = memo::files_stamp_kept(start) else {
        return;
    };
    let (base, len) = buffer.raw();
    // SAFETY: `entry` was just written into the thread's buffer of `len` bytes at `base`.
    let Some(end) = (unsafe { extent(entry, base as usize, len) }) else {
        return;
    };
    // SAFETY: `end <= len` bytes of the thread's own buffer.
    let bytes_written = unsafe { core::slice::from_raw_parts(base, end) };
    *kept = Some(KeptHost {
        name: Box::from(key),
        family,
        stamp,
        until,
        entry: *entry,
        base: base as usize,
        bytes: bytes_written.to_vec(),
        errno,
        h_errno,
    });
}

/// Writes `kept` again when it is the answer for `name` in `family` and still holds (the same
/// buffer, nothing it came from changed); false otherwise (nothing written).
fn replay(
    kept: &KeptHost,
    name: &[u8],
    family: c_int,
    entry: &mut hostent,
    buffer: &mut ThreadBuffer,
) -> bool {
    if kept.family != family || *kept.name != *name {
        return false;
    }
    let (base, len) = buffer.raw();
    if base as usize != kept.base || kept.bytes.len() > len {
        return false;
    }
    if !memo::files_stamp_holds(kept.stamp, kept.until) {
        return false;
    }
    // SAFETY: the thread's own buffer has `len >= kept.bytes.len()` bytes at `base`; `kept.bytes`
    // is a separate allocation.
    unsafe { core::ptr::copy_nonoverlapping(kept.bytes.as_ptr(), base, kept.bytes.len()) };
    *entry = kept.entry;
    if let Some(errno) = kept.errno {
        set_errno(Errno(errno));
    }
    if kept.h_errno != 0 {
        set_h_errno(kept.h_errno);
    }
    true
}

/// The end (an offset from `base`) of everything `entry` points to: its name, its alias and address
/// arrays and what they point to; `None` when any of it is not within the `len` bytes at `base`.
///
/// # Safety
/// `base` is valid for reads of `len` bytes.
unsafe fn extent(entry: &hostent, base: usize, len: usize) -> Option<usize> {
    let limit = base.checked_add(len)?;
    let mut end = 0;
    let mut cover = |at: usize, size: usize| -> Option<()> {
        let stop = at.checked_add(size)?;
        if at < base || stop > limit {
            return None;
        }
        end = end.max(stop - base);
        Some(())
    };
    // A NUL-terminated string within the buffer: its length with the NUL.
    let string_size = |at: usize| -> Option<usize> {
        if at < base || at >= limit {
            return None;
        }
        // SAFETY: `at..limit` is within the caller's `len` bytes at `base`.
        let rest = unsafe { core::slice::from_raw_parts(at as *const u8, limit - at) };
        rest.iter().position(|&b| b == 0).map(|nul| nul + 1)
    };
    let name = entry.h_name as usize;
    cover(name, string_size(name)?)?;
    let address_size = usize::try_from(entry.h_length).ok()?;
    for (array, is_addresses) in [
        (entry.h_aliases as usize, false),
        (entry.h_addr_list as usize, true),
    ] {
        let mut slot = array;
        loop {
            cover(slot, POINTER_SIZE)?;
            // SAFETY: the slot was just found within the buffer; the buffer is 8-aligned and the
            // arrays are written pointer-aligned, but the read does not rely on it.
            let item = unsafe { (slot as *const usize).read_unaligned() };
            if item == 0 {
                break;
            }
            let size = if is_addresses {
                address_size
            } else {
                string_size(item)?
            };
            cover(item, size)?;
            slot += POINTER_SIZE;
        }
    }
    Some(end)
}

/// The size of a pointer in the entry's arrays.
const POINTER_SIZE: usize = core::mem::size_of::<usize>();

/// `gethostbyname(name)` — looks an IPv4 host up by name.
///
/// Differences from glibc: the result is per thread.
///
/// # Safety
/// `name` is a C string.
///
/// # References
/// - [POSIX (2008)](https://pubs.opengroup.org/onlinepubs/009695399/functions/gethostbyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyname.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyname(name: *const c_char) -> *mut hostent {
    let _call = Call::enter();
    by_name_static("gethostbyname", &BY_NAME, name, libc::AF_INET)
}

/// `gethostbyname2(name, af)` — looks a host up by name in family `af`.
///
/// Differences from glibc: the result is per thread.
///
/// # Safety
/// `name` is a C string.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyname2.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyname2(name: *const c_char, af: c_int) -> *mut hostent {
    let _call = Call::enter();
    by_name_static("gethostbyname2", &BY_NAME2, name, af)
}

/// `gethostbyaddr_r(addr, len, type, result_buf, buf, buflen, result, h_errnop)` — looks a host up by
/// address, into the caller's buffer.
///
/// Differences from glibc: none.
///
/// # Safety
/// `addr` has `len` readable bytes; the other pointers as for `gethostbyname2_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyaddr_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyaddr_r(
    addr: *const c_void,
    len: libc::socklen_t,
    r#type: c_int,
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: the caller's guarantees pass on unchanged.
    let code = unsafe {
        gethostbyaddr_r_impl(addr, len, r#type, result_buf, buf, buflen, result, h_errnop)
    };
    if let Some(timer) = timer {
        // SAFETY: pointers per the caller; `*result` is null or the entry written.
        let (address, found, h) = unsafe {
            (
                ShownIp::new(addr, len, r#type),
                Found::stored(result, host_name),
                h_errnop.as_ref(),
            )
        };
        let call = format_args!("gethostbyaddr_r({address}, {len}, {})", r#type);
        emit_r(timer, call, code, found, h.copied());
    }
    code
}

/// An address argument as a trace line shows it: as text when `len` fits the family, else a pointer.
struct ShownIp(Result<std::net::IpAddr, *const c_void>);

impl ShownIp {
    /// # Safety
    /// `addr` has `len` readable bytes.
    unsafe fn new(addr: *const c_void, len: libc::socklen_t, family: c_int) -> ShownIp {
        let size = match family {
            libc::AF_INET => 4,
            libc::AF_INET6 => 16,
            _ => 0,
        };
        if addr.is_null() || size == 0 || (len as usize) < size {
            return ShownIp(Err(addr));
        }
        // SAFETY: `size` <= `len` readable bytes per the caller.
        let bytes = unsafe { core::slice::from_raw_parts(addr.cast::<u8>(), size) };
        let ip = match <[u8; 16]>::try_from(bytes) {
            Ok(v6) => std::net::IpAddr::from(v6),
            Err(_) => std::net::IpAddr::from([bytes[0], bytes[1], bytes[2], bytes[3]]),
        };
        ShownIp(Ok(ip))
    }
}

impl core::fmt::Display for ShownIp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Ok(ip) => ip.fmt(f),
            Err(pointer) => write!(f, "{pointer:p}"),
        }
    }
}

/// The body of `gethostbyaddr_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `gethostbyaddr_r`.
#[allow(clippy::too_many_arguments)] // glibc's prototype
unsafe fn gethostbyaddr_r_impl(
    addr: *const c_void,
    len: libc::socklen_t,
    r#type: c_int,
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    set_result(result, core::ptr::null_mut());
    let address: &[u8] = if addr.is_null() {
        &[]
    } else {
        // SAFETY: `len` readable bytes at `addr` per the caller.
        unsafe { core::slice::from_raw_parts(addr.cast(), len as usize) }
    };
    if address.len() == 16 && address == [0u8; 16] {
        set_if(h_errnop, HOST_NOT_FOUND);
        return libc::ENOENT;
    }
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let buffer = unsafe { CBuffer::new(buf, buflen) };
    let mut last = SourceOutcome::Unavailable;
    for step in hosts_steps().iter() {
        let outcome = match step.source {
            Source::Files => {
                let status =
                    files_by_address(address, r#type, result_buf, buffer.after(0), h_errnop);
                match result_buf.is_null() {
                    // SAFETY: the caller's hostent, non-null.
                    false => {
                        // SAFETY: as above.
                        let out = unsafe { &*result_buf };
                        note_files_answer(status, out);
                        files_outcome(status, out, h_errnop)
                    }
                    true => SourceOutcome::NotFound(HOST_NOT_FOUND),
                }
            }
            Source::Dns => match result_buf.is_null() {
                // SAFETY: the caller's hostent, non-null.
                false => hosts_dns::by_address(
                    address,
                    r#type,
                    unsafe { &mut *result_buf },
                    &mut buffer.after(0),
                ),
                true => SourceOutcome::NotFound(HOST_NOT_FOUND),
            },
        };
        if let Some(status) = finish_step(outcome, step, h_errnop) {
            if outcome == SourceOutcome::Found {
                set_result(result, result_buf);
            }
            return status;
        }
        last = outcome;
    }
    chain_failed(last)
}

/// The files source of `gethostbyaddr_r`.
fn files_by_address(
    address: &[u8],
    r#type: c_int,
    result_buf: *mut hostent,
    buffer: CBuffer,
    h_errnop: *mut c_int,
) -> c_int {
    if !result_buf.is_null() {
        // SAFETY: the caller's hostent; cleared so that "found" can be told from "not found".
        unsafe { (*result_buf).h_addr_list = core::ptr::null_mut() };
    }
    with_hosts_file(|file| {
        let Some(file) = file else {
            // glibc: the file cannot be opened; errno says why, h_errno is left alone.
            return fail(libc::ENOENT);
        };
        // glibc 2.36 does not map IPv4 lines for a 16-byte query (no AI_V4MAPPED here).
        let view = View::of(r#type, false);
        let found = file.by_address(address, view);
        let mut buffer = buffer;
        let line_len = buffer.len().saturating_sub(HOSTENT_DATA);
        if file.scan_fits(found, view, buffer.address(HOSTENT_DATA), line_len) == Fit::TooSmall {
            set_if(h_errnop, NETDB_INTERNAL);
            return fail(libc::ERANGE);
        }
        match (found, result_buf.is_null()) {
            (Some(index), false) => {
                // SAFETY: the caller's hostent, non-null.
                write_line(file, index, view, unsafe { &mut *result_buf }, &mut buffer);
            }
            _ => set_if(h_errnop, HOST_NOT_FOUND),
        }
        fail(0)
    })
}

/// `gethostbyaddr(addr, len, type)` — looks a host up by address.
///
/// Differences from glibc: the result is per thread.
///
/// # Safety
/// `addr` has `len` readable bytes.
///
/// # References
/// - [POSIX (2008)](https://pubs.opengroup.org/onlinepubs/009695399/functions/gethostbyaddr.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyaddr.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostbyaddr(
    addr: *const c_void,
    len: libc::socklen_t,
    r#type: c_int,
) -> *mut hostent {
    let _call = Call::enter();
    let timer = trace::start_lookup();
    // SAFETY: `addr` per the caller.
    let entry = unsafe { by_address_static(addr, len, r#type) };
    if let Some(timer) = timer {
        // SAFETY: `addr` per the caller; `entry` is null or the thread's entry.
        let (address, found) = unsafe {
            (
                ShownIp::new(addr, len, r#type),
                Found::new(entry, host_name),
            )
        };
        let call = format_args!("gethostbyaddr({address}, {len}, {})", r#type);
        emit_entry(timer, call, found, Some(get_h_errno()));
    }
    entry
}

/// The body of `gethostbyaddr`: `gethostbyaddr_r` on the thread's growing buffer.
///
/// # Safety
/// `addr` has `len` readable bytes.
unsafe fn by_address_static(
    addr: *const c_void,
    len: libc::socklen_t,
    r#type: c_int,
) -> *mut hostent {
    BY_ADDR.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult {
            entry,
            buffer,
            kept,
        } = &mut **state;
        // Kept as gethostbyname's answers are (see `KeptHost`), keyed by the address's bytes.
        let keepable = !trace::tracing() && !addr.is_null() && (len == 4 || len == 16);
        let key: &[u8] = if keepable {
            // SAFETY: `addr` is non-null with `len` readable bytes (caller's contract).
            unsafe { core::slice::from_raw_parts(addr.cast::<u8>(), len as usize) }
        } else {
            &[]
        };
        if keepable {
            crate::sys::call::keep_results();
        }
        if keepable
            && kept
                .as_ref()
                .is_some_and(|k| replay(k, key, r#type, entry, buffer))
        {
            return entry as *mut hostent;
        }
        let start = memo::start();
        let saved_errno = get_errno();
        if keepable {
            set_errno(Errno(ERRNO_UNTOUCHED));
        }
        let mut result: *mut hostent = core::ptr::null_mut();
        let mut h_errno: c_int = 0;
        // SAFETY: `addr` per the caller; the thread's own result and buffer.
        buffer.fill_growing(|buf, size| unsafe {
            gethostbyaddr_r_impl(
                addr,
                len,
                r#type,
                entry,
                buf,
                size,
                &mut result,
                &mut h_errno,
            )
        });
        let errno = match get_errno() {
            Errno(ERRNO_UNTOUCHED) => {
                set_errno(saved_errno);
                None
            }
            Errno(errno) => Some(errno),
        };
        if h_errno != 0 {
            set_h_errno(h_errno);
        }
        if keepable && !result.is_null() {
            keep_answer(kept, start, (key, r#type), entry, buffer, (errno, h_errno));
        }
        result
    })
}

/// `sethostent(stayopen)` — starts the enumeration of the hosts file again.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sethostent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/sethostent.3.html)
#[no_mangle]
pub extern "C" fn sethostent(stayopen: c_int) {
    let _ = stayopen;
    enumeration::restart(&ENUMERATION, hosts_file);
}

/// `endhostent()` — ends the enumeration of the hosts file.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/endhostent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/endhostent.3.html)
#[no_mangle]
pub extern "C" fn endhostent() {
    enumeration::end(&ENUMERATION);
}

/// `gethostent_r(result_buf, buf, buflen, result, h_errnop)` — the next IPv4 entry of the hosts file
/// (`::1` and `::ffff:` lines appear as IPv4, other IPv6 lines are skipped, as in glibc).
///
/// Differences from glibc: the enumeration reads the file as it was at `sethostent` (or the first
/// call), like glibc's open stream of a replaced file.
///
/// # Safety
/// As for `gethostbyname2_r`.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostent_r.3.html)
#[no_mangle]
pub unsafe extern "C" fn gethostent_r(
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    // SAFETY: the caller's guarantees pass on unchanged.
    unsafe { gethostent_r_impl(result_buf, buf, buflen, result, h_errnop) }
}

/// The body of `gethostent_r`, which the library calls directly (a call to the exported symbol could
/// bind to another library's definition).
///
/// # Safety
/// As for `gethostent_r`.
unsafe fn gethostent_r_impl(
    result_buf: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    let _ = h_errnop;
    set_result(result, core::ptr::null_mut());
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let mut buffer = unsafe { CBuffer::new(buf, buflen) };
    let line_len = buffer.len().saturating_sub(HOSTENT_DATA);
    enumeration::step(&ENUMERATION, hosts_file, |file, position| {
        match file.next_fits(
            *position,
            View::Inet,
            buffer.address(HOSTENT_DATA),
            line_len,
        ) {
            (_, Fit::TooSmall) => fail(libc::ERANGE),
            (None, Fit::Fits) => libc::ENOENT,
            (Some(index), Fit::Fits) => {
                if result_buf.is_null() {
                    return libc::EINVAL;
                }
                *position = index + 1;
                // SAFETY: the caller's hostent, non-null.
                write_line(
                    file,
                    index,
                    View::Inet,
                    unsafe { &mut *result_buf },
                    &mut buffer,
                );
                set_result(result, result_buf);
                0
            }
        }
    })
    .unwrap_or_else(|| {
        // Unlike services and protocols, glibc sets errno here.
        fail(libc::ENOENT)
    })
}

/// `gethostent()` — the next IPv4 entry of the hosts file.
///
/// Differences from glibc: the result is per thread; the position is per process, as in glibc.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/gethostent.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostent.3.html)
#[no_mangle]
pub extern "C" fn gethostent() -> *mut hostent {
    let saved = get_errno();
    set_errno(Errno(0));
    {
        let entry = ENTRY.with(|cell| {
            let Ok(mut state) = cell.try_borrow_mut() else {
                return core::ptr::null_mut();
            };
            let ThreadResult {
                entry,
                buffer,
                kept: _,
            } = &mut **state;
            let mut result: *mut hostent = core::ptr::null_mut();
            // SAFETY: the thread's own result and buffer.
            buffer.fill_growing(|buf, len| unsafe {
                gethostent_r_impl(entry, buf, len, &mut result, core::ptr::null_mut())
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
