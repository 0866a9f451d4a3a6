//! The `set*ent` / `get*ent` / `end*ent` enumerations of the four databases: one position per
//! database and per process, as in glibc, over the file as it was when the enumeration started.
//!
//! glibc's enumeration keeps a stream open from `set*ent` (or the first `get*ent`) to `end*ent`;
//! netlibc keeps the parsed file instead (a shared, immutable [`Arc`]), so a later entry is an index
//! into it: no change check, no environment read, no file access. Only the call that starts an
//! enumeration is a library call in [`Call`]'s sense (it loads the file, with the change check and the
//! environment of that moment).

use core::ffi::{c_char, c_int};
use std::sync::Arc;

use super::buffer::{fail, keeping_errno, CBuffer};
use crate::db::cache::{guard, Lock};
use crate::db::record::{Fit, Record, Table};
use crate::sys::call::Call;

/// Where one database's enumeration is: the file it reads and the index of the next entry.
pub struct Enumeration<F> {
    file: Option<Arc<F>>,
    position: usize,
}

impl<F> Enumeration<F> {
    /// No enumeration yet (the first `get*ent` starts one).
    pub const fn new() -> Enumeration<F> {
        Enumeration {
            file: None,
            position: 0,
        }
    }
}

/// The file an enumeration starts on, loaded as one library call; errno is left as it was.
fn load_file<F>(load: impl FnOnce() -> Option<Arc<F>>) -> Option<Arc<F>> {
    let _call = Call::enter();
    keeping_errno(load)
}

/// `set*ent`: starts the enumeration over, on the file as it is now.
pub fn restart<F>(lock: &'static Lock<Enumeration<F>>, load: impl FnOnce() -> Option<Arc<F>>) {
    let file = load_file(load);
    *guard(lock) = Enumeration { file, position: 0 };
}

/// `end*ent`: forgets the enumeration (and its file).
pub fn end<F>(lock: &'static Lock<Enumeration<F>>) {
    let ended = core::mem::replace(&mut *guard(lock), Enumeration::new());
    // The file, perhaps its last reference, is freed after the lock is released.
    drop(ended);
}

/// `get*ent`: runs `step` on the enumeration's file and next position (which `step` moves on past
/// the entry it returns). The file is loaded first, with the lock released, when no enumeration is
/// under way. `None` when the file cannot be read.
pub fn step<F, T>(
    lock: &'static Lock<Enumeration<F>>,
    load: impl FnOnce() -> Option<Arc<F>>,
    step: impl FnOnce(&F, &mut usize) -> T,
) -> Option<T> {
    let mut state = guard(lock);
    if state.file.is_none() {
        drop(state);
        let loaded = load_file(load);
        state = guard(lock);
        // Another thread may have started the enumeration meanwhile: its file stays.
        if state.file.is_none() {
            *state = Enumeration {
                file: loaded,
                position: 0,
            };
        }
    }
    let Enumeration { file, position } = &mut *state;
    let file = file.as_deref()?;
    Some(step(file, position))
}

/// A caller's `get*ent_r` arguments: the entry, the buffer and its length, the result pointer.
pub type Out<E> = (*mut E, *mut c_char, usize, *mut *mut E);

/// The body of `get*ent_r` for a database whose file is one [`Table`] (services, protocols,
/// networks): `*result` cleared, then the next entry written by `write` into the caller's objects with
/// glibc's buffer rules (`ERANGE` when glibc could not read its line into the buffer, `ENOENT` at the
/// end), the position moved past it. `None` when the file cannot be read.
///
/// # Safety
/// The entry and `result` are null or writable; the buffer is null or has its length in writable bytes.
pub unsafe fn next_table_entry<F, R: AsRef<Record>, E>(
    lock: &'static Lock<Enumeration<F>>,
    load: impl FnOnce() -> Option<Arc<F>>,
    table: impl FnOnce(&F) -> &Table<R>,
    write: impl FnOnce(&F, usize, &mut E, &mut CBuffer),
    (entry, buf, buflen, result): Out<E>,
) -> Option<c_int> {
    if !result.is_null() {
        // SAFETY: writable per the caller.
        unsafe { *result = core::ptr::null_mut() };
    }
    // SAFETY: the caller passes `buflen` writable bytes at `buf`.
    let mut buffer = unsafe { CBuffer::new(buf, buflen) };
    step(lock, load, |file, position| {
        match table(file).next_fits(*position, buffer.address(0), buffer.len()) {
            (_, Fit::TooSmall) => fail(libc::ERANGE),
            (None, Fit::Fits) => libc::ENOENT,
            (Some(_), Fit::Fits) if entry.is_null() || result.is_null() => libc::EINVAL,
            (Some(index), Fit::Fits) => {
                *position = index + 1;
                // SAFETY: non-null caller objects.
                unsafe {
                    write(file, index, &mut *entry, &mut buffer);
                    *result = entry;
                }
                0
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static NUMBERS: Lock<Enumeration<Vec<u32>>> = Lock::new(Enumeration::new());

    fn next_number() -> Option<Option<u32>> {
        step(
            &NUMBERS,
            || Some(Arc::new(vec![7, 8])),
            |file, position| {
                let number = file.get(*position).copied();
                *position += usize::from(number.is_some());
                number
            },
        )
    }

    #[test]
    fn enumerates_from_the_first_call_to_the_end_and_again_after_a_restart() {
        assert_eq!(next_number(), Some(Some(7)));
        assert_eq!(next_number(), Some(Some(8)));
        assert_eq!(next_number(), Some(None));
        assert_eq!(next_number(), Some(None));
        restart(&NUMBERS, || Some(Arc::new(vec![9])));
        assert_eq!(next_number(), Some(Some(9)));
        end(&NUMBERS);
        assert_eq!(next_number(), Some(Some(7)));
        restart(&NUMBERS, || None);
        assert_eq!(
            next_number(),
            Some(Some(7)),
            "no file: the next call loads again"
        );
        end(&NUMBERS);
    }

    static MISSING: Lock<Enumeration<Vec<u32>>> = Lock::new(Enumeration::new());

    #[test]
    fn an_unreadable_file_is_none() {
        assert_eq!(step(&MISSING, || None, |_, _| ()), None);
    }
}
