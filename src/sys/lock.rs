//! A mutex that a forked child can always take: glibc-compatible fork safety for global state.
//!
//! A `std::sync::Mutex` held by another thread at `fork()` stays locked forever in the child, which then
//! deadlocks on its first lookup (a known glibc-era pain, shared/glibc-behaviour.md D5). Every
//! `ForkSafeMutex` registers itself, on first use (never at load), with one `pthread_atfork` handler
//! set: before a fork the forking thread takes every registered lock, so no lock is mid-update when the
//! address space is copied, and both parent and child release them afterwards.
//!
//! Rules for users: hold a lock only for memory work (never across I/O or a system call that can block),
//! and never take one `ForkSafeMutex` while holding another.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// How many distinct locks the process can register; netlibc has a handful.
const MAX_LOCKS: usize = 64;

static REGISTRY: [AtomicPtr<AtomicBool>; MAX_LOCKS] =
    [const { AtomicPtr::new(core::ptr::null_mut()) }; MAX_LOCKS];
static REGISTERED: AtomicUsize = AtomicUsize::new(0);
static ATFORK_INSTALLED: AtomicBool = AtomicBool::new(false);

/// A mutual-exclusion lock whose state is consistent and free in a forked child.
pub struct ForkSafeMutex<T> {
    locked: AtomicBool,
    registered: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` is serialised by `locked`, as for std's Mutex.
unsafe impl<T: Send> Sync for ForkSafeMutex<T> {}
// SAFETY: moving the mutex moves the value; T: Send makes that sound.
unsafe impl<T: Send> Send for ForkSafeMutex<T> {}

/// Proof of holding a [`ForkSafeMutex`]; releases it when dropped.
pub struct ForkSafeGuard<'a, T> {
    mutex: &'a ForkSafeMutex<T>,
}

impl<T> ForkSafeMutex<T> {
    /// A new, unlocked mutex (usable in a `static`).
    pub const fn new(value: T) -> Self {
        ForkSafeMutex {
            locked: AtomicBool::new(false),
            registered: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the lock, waiting (spinning, then yielding) while another thread holds it.
    pub fn lock(&'static self) -> ForkSafeGuard<'static, T> {
        if !self.registered.load(Ordering::Acquire) {
            self.register();
        }
        acquire(&self.locked);
        ForkSafeGuard { mutex: self }
    }

    fn register(&'static self) {
        if self.registered.swap(true, Ordering::AcqRel) {
            return;
        }
        install_atfork_handlers();
        let slot = REGISTERED.fetch_add(1, Ordering::AcqRel);
        if let Some(entry) = REGISTRY.get(slot) {
            entry.store(
                &self.locked as *const AtomicBool as *mut AtomicBool,
                Ordering::Release,
            );
        }
    }
}

impl<T> Deref for ForkSafeGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves this thread holds the lock, so no one else touches the value.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for ForkSafeGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; the guard is borrowed mutably, so this is the only reference.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for ForkSafeGuard<'_, T> {
    fn drop(&mut self) {
        self.mutex.locked.store(false, Ordering::Release);
    }
}

fn acquire(flag: &AtomicBool) {
    let mut spins = 0u32;
    while flag
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        spins += 1;
        if spins < 64 {
            core::hint::spin_loop();
        } else {
            // SAFETY: sched_yield takes no arguments and cannot fail in a way that matters here.
            unsafe { super::syscall::syscall6(libc::SYS_sched_yield as usize, 0, 0, 0, 0, 0, 0) };
        }
    }
}

fn registered_locks() -> impl Iterator<Item = &'static AtomicBool> {
    let count = REGISTERED.load(Ordering::Acquire).min(MAX_LOCKS);
    REGISTRY[..count].iter().filter_map(|entry| {
        let ptr = entry.load(Ordering::Acquire);
        // SAFETY: only pointers to the `locked` field of `'static` mutexes are stored.
        (!ptr.is_null()).then(|| unsafe { &*ptr })
    })
}

extern "C" fn before_fork() {
    registered_locks().for_each(acquire);
}

extern "C" fn after_fork() {
    registered_locks().for_each(|flag| flag.store(false, Ordering::Release));
}

fn install_atfork_handlers() {
    if !ATFORK_INSTALLED.swap(true, Ordering::AcqRel) {
        // SAFETY: the handlers are plain functions. glibc's `pthread_atfork` (from libc_nonshared.a)
        // registers them with this library's `__dso_handle`, so `dlclose` unregisters them.
        unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork), Some(after_fork)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    static COUNTER: ForkSafeMutex<u64> = ForkSafeMutex::new(0);
    static HELD_AT_FORK: ForkSafeMutex<Vec<u32>> = ForkSafeMutex::new(Vec::new());

    #[test]
    fn serialises_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..10_000).for_each(|_| *COUNTER.lock() += 1)))
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(*COUNTER.lock(), 40_000);
    }

    #[test]
    fn child_can_lock_what_another_thread_held_at_fork() {
        for _ in 0..5 {
            let holder = std::thread::spawn(|| {
                let mut guard = HELD_AT_FORK.lock();
                guard.push(1);
                std::thread::sleep(Duration::from_millis(20));
                guard.push(2);
            });
            std::thread::sleep(Duration::from_millis(5));
            // SAFETY: the child only takes the lock, reads, and exits with _exit.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let consistent = HELD_AT_FORK.lock().len().is_multiple_of(2);
                // SAFETY: _exit is async-signal-safe and ends the child at once.
                unsafe { libc::_exit(if consistent { 0 } else { 1 }) };
            }
            let mut status = 0;
            // SAFETY: waiting for our own child.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            holder.join().unwrap();
            assert!(
                libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
                "child saw a half-done update or hung"
            );
        }
    }
}
