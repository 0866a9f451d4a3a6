//! `NETLIBC_TRACE` lines of the database lookups: the call with its arguments, what it returned (the
//! return value of a `_r` call, the name of the entry found or NULL, h_errno for the hosts calls) and,
//! from [`crate::trace::note_source`], who answered.

use core::ffi::{c_char, c_int, CStr};
use core::fmt;

use super::buffer::c_bytes;
use crate::trace::{self, Quoted, Timer};

/// A C string argument as a trace line shows it.
///
/// # Safety
/// `text` is null or a C string that outlives the result.
pub unsafe fn quoted<'a>(text: *const c_char) -> Quoted<'a> {
    // SAFETY: per the caller.
    Quoted(unsafe { c_bytes(text) })
}

/// An entry a lookup returned: its name, or NULL.
pub struct Found<'a>(Option<&'a CStr>);

impl Found<'_> {
    /// The entry at `entry` (null: nothing found).
    ///
    /// # Safety
    /// `entry` is null or points to an entry whose name, read by `name`, is a C string that stays
    /// valid while the trace line is written.
    pub unsafe fn new<'a, T>(entry: *const T, name: fn(&T) -> *const c_char) -> Found<'a> {
        // SAFETY: per the caller.
        let name = unsafe { entry.as_ref() }.map(name).filter(|p| !p.is_null());
        // SAFETY: per the caller (the name is a C string while the line is written).
        Found(name.map(|p| unsafe { CStr::from_ptr(p) }))
    }

    /// What a `_r` call stored in `*result`.
    ///
    /// # Safety
    /// `result` is null or points to a pointer that [`Found::new`] can take.
    pub unsafe fn stored<'a, T>(result: *const *mut T, name: fn(&T) -> *const c_char) -> Found<'a> {
        // SAFETY: per the caller.
        let entry = unsafe { result.as_ref() }.map_or(core::ptr::null_mut(), |r| *r);
        // SAFETY: per the caller.
        unsafe { Found::new(entry, name) }
    }
}

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => Quoted(Some(name.to_bytes())).fmt(f),
            None => f.write_str("NULL"),
        }
    }
}

/// The line of a `_r` lookup: `<call> = <code>, <entry>` (and h_errno when given and nothing was
/// found).
pub fn emit_r(
    timer: Timer,
    call: fmt::Arguments,
    code: c_int,
    found: Found,
    h_errno: Option<c_int>,
) {
    match (found.0, h_errno) {
        (None, Some(h)) => {
            trace::emit_lookup(timer, call, format_args!("{code}, NULL, h_errno {h}"))
        }
        _ => trace::emit_lookup(timer, call, format_args!("{code}, {found}")),
    }
}

/// The line of a lookup that returns its entry: `<call> = <entry>` (and h_errno when given and
/// nothing was found).
pub fn emit_entry(timer: Timer, call: fmt::Arguments, found: Found, h_errno: Option<c_int>) {
    match (found.0, h_errno) {
        (None, Some(h)) => trace::emit_lookup(timer, call, format_args!("NULL, h_errno {h}")),
        _ => trace::emit_lookup(timer, call, format_args!("{found}")),
    }
}
