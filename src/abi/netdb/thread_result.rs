//! The per-thread results of the services and protocols databases' non-`_r` functions (glibc keeps
//! one static result per function; netlibc keeps one per function and thread), and the last answer a
//! lookup by key keeps there to write again.
//!
//! A kept answer is written again only while nothing it came from can have changed
//! (`lookup::memo`'s files stamp: no event about the parsed files, no file cache refilled, the same
//! environment, and the caches' deadline), into the same buffer: the entry, the buffer's bytes it
//! points to and errno as the lookup left them, which is everything the lookup would do again.
//! Nothing is kept while tracing (a traced call notes the source that answered).

use core::cell::RefCell;
use core::ffi::{c_char, c_int};
use std::thread::LocalKey;

use super::buffer::ThreadBuffer;
use super::{protoent, servent};
use crate::db::record::POINTER;
use crate::lookup::memo;
use crate::sys::{get_errno, set_errno, Errno};

/// A result structure laid out by `CBuffer::put_record`: its strings in the line image at the start
/// of the buffer, then the alias list.
pub trait Entry: Copy {
    /// The entry with every pointer null.
    const EMPTY: Self;
    /// The address of the alias list.
    fn alias_list(&self) -> usize;
    /// The addresses of the other strings (name, protocol), all before the alias list.
    fn strings(&self) -> [usize; 2];
}

impl Entry for servent {
    const EMPTY: servent = servent {
        s_name: core::ptr::null_mut(),
        s_aliases: core::ptr::null_mut(),
        s_port: 0,
        s_proto: core::ptr::null_mut(),
    };
    fn alias_list(&self) -> usize {
        self.s_aliases as usize
    }
    fn strings(&self) -> [usize; 2] {
        [self.s_name as usize, self.s_proto as usize]
    }
}

impl Entry for protoent {
    const EMPTY: protoent = protoent {
        p_name: core::ptr::null_mut(),
        p_aliases: core::ptr::null_mut(),
        p_proto: 0,
    };
    fn alias_list(&self) -> usize {
        self.p_aliases as usize
    }
    fn strings(&self) -> [usize; 2] {
        [self.p_name as usize; 2]
    }
}

/// One function's result on one thread.
pub struct ThreadResult<E> {
    entry: E,
    buffer: ThreadBuffer,
    /// The last answer of a lookup by key (see [`lookup_kept`]).
    kept: Option<Kept<E>>,
}

/// The thread-local slot of one function's result.
pub type Slot<E> = RefCell<Box<ThreadResult<E>>>;

/// A fresh result (boxed: its address is what the function returns).
pub fn new_result<E: Entry>() -> Slot<E> {
    RefCell::new(Box::new(ThreadResult {
        entry: E::EMPTY,
        buffer: ThreadBuffer::default(),
        kept: None,
    }))
}

/// The arguments a `_r` function writes through: entry, buffer, length, result.
pub type Fill<'a, E> = &'a dyn Fn(*mut E, *mut c_char, usize, *mut *mut E) -> c_int;

/// Runs a `_r` function on the calling thread's result, growing the buffer as glibc does; the entry
/// or null.
pub fn lookup_static<E: Entry>(slot: &'static LocalKey<Slot<E>>, fill: Fill<'_, E>) -> *mut E {
    slot.with(|cell| {
        let Ok(mut state) = cell.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        let ThreadResult { entry, buffer, .. } = &mut **state;
        fill_entry(entry, buffer, fill)
    })
}

/// As [`lookup_static`] for a lookup by `key` (a name or number's bytes) and `qualifier` (the
/// protocol asked, if any): the thread's last answer written again when it is for the same question
/// and still holds; otherwise the lookup, whose answer is kept when what it relied on allows.
pub fn lookup_kept<E: Entry>(
    slot: &'static LocalKey<Slot<E>>,
    key: (&[u8], Option<&[u8]>),
    fill: Fill<'_, E>,
) -> *mut E {
    let keepable = !crate::trace::tracing();
    slot.with(|cell| {
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
                return entry as *mut E;
            }
        }
        let start = memo::start();
        let result = fill_entry(entry, buffer, fill);
        *kept = match keepable && !result.is_null() {
            true => Kept::keep(start, key, entry, buffer),
            false => None,
        };
        result
    })
}

fn fill_entry<E>(entry: &mut E, buffer: &mut ThreadBuffer, fill: Fill<'_, E>) -> *mut E {
    let mut result: *mut E = core::ptr::null_mut();
    buffer.fill_growing(|buf, len| fill(entry, buf, len, &mut result));
    result
}

/// A kept answer: the question, the stamp it holds under, and what the lookup wrote.
struct Kept<E> {
    key: Box<[u8]>,
    qualifier: Option<Box<[u8]>>,
    stamp: memo::FilesStamp,
    until: u64,
    entry: E,
    /// The buffer's address when the entry was written (its pointers point into it).
    base: usize,
    /// The buffer's bytes up to the end of the alias list.
    bytes: Box<[u8]>,
    errno: Errno,
}

impl<E: Entry> Kept<E> {
    /// The answer just written to `entry`, when what the lookup relied on allows keeping it.
    fn keep(
        start: memo::Start,
        (key, qualifier): (&[u8], Option<&[u8]>),
        entry: &E,
        buffer: &mut ThreadBuffer,
    ) -> Option<Kept<E>> {
        let (stamp, until) = memo::files_stamp_kept(start)?;
        let (base, len) = buffer.raw();
        // SAFETY: `entry` was just written into the thread's buffer of `len` bytes at `base`.
        let end = unsafe { extent(entry, base as usize, len) }?;
        // SAFETY: `end <= len` bytes of the thread's own buffer.
        let bytes = unsafe { core::slice::from_raw_parts(base, end) };
        Some(Kept {
            key: key.into(),
            qualifier: qualifier.map(Box::from),
            stamp,
            until,
            entry: *entry,
            base: base as usize,
            bytes: bytes.into(),
            errno: get_errno(),
        })
    }

    /// Writes the answer again when it is the one for the question and still holds (the same
    /// buffer, nothing it came from changed); false otherwise (nothing written).
    fn replay(
        &self,
        (key, qualifier): (&[u8], Option<&[u8]>),
        entry: &mut E,
        buffer: &mut ThreadBuffer,
    ) -> bool {
        if *self.key != *key || self.qualifier.as_deref() != qualifier {
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

/// How many bytes from `base` the entry covers: its strings, then the alias list, whose null ends
/// it. `None` when a pointer is not where that layout puts it.
///
/// # Safety
/// `base` must have `len` readable bytes.
unsafe fn extent<E: Entry>(entry: &E, base: usize, len: usize) -> Option<usize> {
    let list = entry.alias_list().checked_sub(base)?;
    let strings_before_list = entry
        .strings()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::netdb::buffer::CBuffer;
    use crate::db::services::ServicesFile;

    #[test]
    fn the_extent_of_a_written_entry_ends_with_its_alias_list() {
        let file = ServicesFile::parse(b"name 80/tcp first second\n");
        let service = &file.table.entries[0];
        let mut words = [0u64; 16];
        let base = words.as_mut_ptr().cast::<c_char>();
        // SAFETY: 128 writable bytes.
        let mut buffer = unsafe { CBuffer::new(base, 128) };
        let mut entry = servent::EMPTY;
        entry.s_aliases = buffer.put_record(0, &service.record);
        entry.s_name = buffer.ptr(service.name as usize);
        entry.s_proto = buffer.ptr(service.protocol as usize);
        let list = service.record.list_offset(base as usize);
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
