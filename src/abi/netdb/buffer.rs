//! Writing results into a caller's buffer the way glibc lays them out, and the per-thread buffers of
//! the non-`_r` functions.

use core::ffi::{c_char, c_int};

use crate::db::record::{Record, POINTER};
use crate::sys::{get_errno, set_errno, Errno};

/// A caller's buffer: `len` writable bytes at `base`.
pub struct CBuffer {
    base: *mut u8,
    len: usize,
}

impl CBuffer {
    /// Wraps a caller's buffer (a null pointer is an empty buffer).
    ///
    /// # Safety
    /// `base` must be null or valid for writes of `len` bytes for the life of the value.
    pub unsafe fn new(base: *mut c_char, len: usize) -> CBuffer {
        let len = if base.is_null() { 0 } else { len };
        CBuffer {
            base: base.cast(),
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The address of byte `offset`.
    pub fn address(&self, offset: usize) -> usize {
        self.base as usize + offset
    }

    /// A pointer to byte `offset` (not dereferenced here).
    pub fn ptr(&self, offset: usize) -> *mut c_char {
        self.base.wrapping_add(offset).cast()
    }

    /// The buffer without its first `skip` bytes (empty when shorter).
    pub fn after(&self, skip: usize) -> CBuffer {
        let skip = skip.min(self.len);
        CBuffer {
            base: self.base.wrapping_add(skip),
            len: self.len - skip,
        }
    }

    /// Copies `bytes` to `offset`; ignored when out of bounds (callers check sizes first).
    pub fn put(&mut self, offset: usize, bytes: &[u8]) {
        if offset
            .checked_add(bytes.len())
            .is_some_and(|end| end <= self.len)
        {
            // SAFETY: the range is inside the caller's buffer (checked above), which `new`'s caller
            // vouched is writable; the source is a Rust slice that cannot overlap a C buffer we write.
            unsafe {
                core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.base.add(offset), bytes.len())
            };
        }
    }

    /// Writes a NULL-terminated pointer array at `offset`.
    pub fn put_pointers(&mut self, offset: usize, pointers: impl IntoIterator<Item = usize>) {
        let mut at = offset;
        for pointer in pointers {
            self.put_word(at, pointer);
            at += POINTER;
        }
        self.put_word(at, 0);
    }

    /// Writes one pointer-sized word at `offset`; ignored when out of bounds, as `put`.
    #[inline]
    fn put_word(&mut self, offset: usize, word: usize) {
        if offset
            .checked_add(POINTER)
            .is_some_and(|end| end <= self.len)
        {
            // SAFETY: the 8 bytes are inside the caller's buffer (checked above), which `new`'s
            // caller vouched is writable; the write is unaligned-safe.
            unsafe { self.base.add(offset).cast::<usize>().write_unaligned(word) };
        }
    }

    /// Writes a record's line image at `line` and its alias list after it, as glibc's parser does;
    /// returns the address of the alias list. The caller has checked `Record::parse_need`.
    pub fn put_record(&mut self, line: usize, record: &Record) -> *mut *mut c_char {
        self.put(line, &record.image);
        let list = line + record.list_offset(self.address(line));
        let base = self.address(line);
        self.put_pointers(
            list,
            record.aliases.iter().map(|&offset| base + offset as usize),
        );
        self.ptr(list).cast()
    }
}

/// A growable, 8-aligned buffer that a non-`_r` function keeps per thread.
#[derive(Default)]
pub struct ThreadBuffer {
    words: Vec<u64>,
}

impl ThreadBuffer {
    /// The buffer's address and length (0 before its first use).
    pub fn raw(&mut self) -> (*mut u8, usize) {
        (self.words.as_mut_ptr().cast(), self.words.len() * 8)
    }

    /// Calls `fill(buffer, len)` with a buffer that doubles (from 1024 bytes) while `fill` returns
    /// `ERANGE`, as glibc's non-`_r` functions do; returns the last result.
    pub fn fill_growing(&mut self, mut fill: impl FnMut(*mut c_char, usize) -> c_int) -> c_int {
        if self.words.is_empty() {
            self.words.resize(1024 / 8, 0);
        }
        loop {
            let len = self.words.len() * 8;
            let status = fill(self.words.as_mut_ptr().cast(), len);
            if status != libc::ERANGE || len >= 1 << 30 {
                return status;
            }
            self.words.resize(self.words.len() * 2, 0);
        }
    }
}

/// Runs `f` and puts errno back as it was (glibc's enumeration functions leave errno alone).
pub fn keeping_errno<T>(f: impl FnOnce() -> T) -> T {
    let saved = get_errno();
    let value = f();
    set_errno(saved);
    value
}

/// Sets errno and returns it, for `_r` functions that return their error.
pub fn fail(errno: c_int) -> c_int {
    set_errno(Errno(errno));
    errno
}

/// The bytes of a C string (empty for NULL).
///
/// # Safety
/// `text` must be null or point to a NUL-terminated string that outlives the result.
pub unsafe fn c_bytes<'a>(text: *const c_char) -> Option<&'a [u8]> {
    if text.is_null() {
        return None;
    }
    // SAFETY: non-null, NUL-terminated per the caller.
    Some(unsafe { core::ffi::CStr::from_ptr(text) }.to_bytes())
}
