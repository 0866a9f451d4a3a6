//! Shared helpers of the integration tests: glibc itself, reached through `dlopen("libc.so.6")`, as the
//! oracle that netlibc is compared with, and a small deterministic random generator for generated inputs.
#![allow(dead_code)]

pub mod namespace;

use std::ffi::{c_void, CStr};

/// glibc 2.36, opened with `dlopen`, so that its functions can be called side by side with netlibc's.
pub struct Glibc {
    handle: *mut c_void,
}

// SAFETY: a dlopen handle may be used from any thread.
unsafe impl Send for Glibc {}
// SAFETY: dlsym on a shared handle is thread-safe.
unsafe impl Sync for Glibc {}

impl Glibc {
    /// Opens glibc's `libc.so.6`.
    pub fn open() -> Glibc {
        // SAFETY: the name is a NUL-terminated string; libc.so.6 is already loaded in the process.
        let handle =
            unsafe { libc::dlopen(c"libc.so.6".as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        assert!(!handle.is_null(), "dlopen(libc.so.6) failed");
        Glibc { handle }
    }

    /// Returns glibc's definition of `name` as a function pointer of type `F`.
    ///
    /// # Safety
    /// `F` must be an `extern "C" fn` type with the symbol's true prototype.
    pub unsafe fn function<F: Copy>(&self, name: &CStr) -> F {
        assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
        // SAFETY: handle is valid; name is NUL-terminated.
        let ptr = unsafe { libc::dlsym(self.handle, name.as_ptr()) };
        assert!(!ptr.is_null(), "glibc has no {name:?}");
        // SAFETY: the caller vouches that F is the symbol's function pointer type.
        unsafe { std::mem::transmute_copy::<*mut c_void, F>(&ptr) }
    }
}

/// The calling thread's errno.
pub fn errno() -> i32 {
    // SAFETY: __errno_location always returns the thread's errno slot.
    unsafe { *libc::__errno_location() }
}

/// Sets the calling thread's errno.
pub fn set_errno(value: i32) {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = value };
}

/// A small, seedable xorshift generator, so generated-input tests are reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}
