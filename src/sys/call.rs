//! One library call's shared answers: the change check, the environment and the clock, each obtained
//! at most once per call however many files, variables or timeouts the call looks at.
//!
//! The C entry points that look anything up open a [`Call`] (a guard, per thread, nestable). While one
//! is open, [`changes`] makes the change check ([`super::changes::check`]: one system call) on its
//! first use and answers every later use from it, and [`with_env`] brings the thread's snapshot of
//! the environment up to date once ([`super::env::Snapshot::refresh`]: a comparison of pointers, a
//! walk when one changed) for every variable the call reads. When the outermost guard ends, the
//! call's answers are forgotten: the next call looks again, so a file edited or a variable set
//! between two calls is seen by the second.
//!
//! Without a guard (code reached from Rust, unit tests) each use looks afresh: correct, only slower.

use core::cell::Cell;
use core::marker::PhantomData;

use super::changes::{self, Checked};
use super::env::{Snapshot, Value, Var};

struct CallState {
    /// How many guards are open on this thread.
    depth: Cell<u32>,
    /// Whether the call relies on the network facts (its check then covers the netlink socket).
    network: Cell<bool>,
    /// Whether the call keeps its result if it can ([`Call::keep_results`]).
    keeping: Cell<bool>,
    checked: Cell<Option<Checked>>,
    /// The coarse clock as the call first read it.
    now: Cell<Option<u64>>,
    /// Whether `env` was brought up to date in this call.
    env_taken: Cell<bool>,
    /// Until when (the coarse clock) everything this call relied on holds without a new look: the
    /// earliest time one of its caches must be checked again ([`keep_until`]); 0 when something it
    /// relied on is looked at afresh on every call ([`not_keepable`]).
    keep_until: Cell<u64>,
    /// What this thread knows of the environment (kept between calls, checked once per call).
    env: Snapshot,
}

thread_local! {
    static CALL: CallState = const {
        CallState {
            depth: Cell::new(0),
            network: Cell::new(false),
            keeping: Cell::new(false),
            checked: Cell::new(None),
            now: Cell::new(None),
            env_taken: Cell::new(false),
            keep_until: Cell::new(u64::MAX),
            env: Snapshot::new(),
        }
    };
}

impl CallState {
    /// The change check of this call, made now if it is the first use.
    #[inline]
    fn changes(&self) -> Checked {
        if self.depth.get() == 0 {
            return changes::check(false, self.now());
        }
        if let Some(checked) = self.checked.get() {
            return checked;
        }
        let checked =
            changes::check(self.network.get(), self.now()).with_keeping(self.keeping.get());
        self.checked.set(Some(checked));
        checked
    }

    /// Where `var`'s value is (the snapshot brought up to date once per call); `None` outside a
    /// call.
    #[inline]
    fn env_value(&self, var: Var) -> Option<Value> {
        if self.depth.get() == 0 {
            return None;
        }
        if !self.env_taken.get() {
            self.env.refresh(self.now());
            self.env_taken.set(true);
        }
        Some(self.env.value(var))
    }

    /// Forgets what the call learned (the environment's snapshot is kept: the next call compares it).
    fn forget(&self) {
        self.checked.set(None);
        self.now.set(None);
        self.env_taken.set(false);
        self.keep_until.set(u64::MAX);
        self.keeping.set(false);
    }

    /// The call's clock reading (made now if it is the first).
    fn now(&self) -> u64 {
        match self.now.get() {
            Some(now) => now,
            None => {
                let now = changes::coarse_now();
                if self.depth.get() > 0 {
                    self.now.set(Some(now));
                }
                now
            }
        }
    }
}

/// An open library call on this thread (see the module's documentation). Not `Send`: it belongs to
/// the thread that opened it.
pub struct Call {
    _thread: PhantomData<*const ()>,
}

impl Call {
    /// Opens a call that looks at files only.
    #[inline]
    pub fn enter() -> Call {
        Call::begin(false)
    }

    /// Opens a call that also relies on the network facts (getaddrinfo: destination sorting,
    /// `AI_ADDRCONFIG`): its one check covers the netlink socket too.
    #[inline]
    pub fn enter_network() -> Call {
        Call::begin(true)
    }

    fn begin(network: bool) -> Call {
        let _ = CALL.try_with(|call| {
            let depth = call.depth.get();
            if depth == 0 {
                call.forget();
                call.network.set(network);
            } else if network {
                call.network.set(true);
            }
            call.depth.set(depth.saturating_add(1));
        });
        Call {
            _thread: PhantomData,
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        let _ = CALL.try_with(|call| {
            let depth = call.depth.get().saturating_sub(1);
            call.depth.set(depth);
            if depth == 0 {
                call.forget();
            }
        });
    }
}

/// The change check of this call (made now if it is the first use).
pub fn changes() -> Checked {
    CALL.try_with(CallState::changes)
        .unwrap_or_else(|_| changes::check(false, changes::coarse_now()))
}

/// The change check this call already made, if it made one (none is made here).
pub fn changes_made() -> Option<Checked> {
    CALL.try_with(|call| call.checked.get()).ok().flatten()
}

/// The network generation for this call: from its check when that covered the netlink socket,
/// otherwise looked up now (and kept for the rest of the call). `None` when changes cannot be
/// watched.
pub fn network_generation() -> Option<u64> {
    let checked = changes();
    if checked.network.is_some() {
        return checked.network;
    }
    let generation = changes::network_generation();
    if generation.is_some() {
        let _ = CALL.try_with(|call| {
            if call.depth.get() > 0 {
                call.checked.set(Some(checked.with_network(generation)));
            }
        });
    }
    generation
}

/// The coarse monotonic clock (nanoseconds) as this call first read it, or now.
pub fn now() -> u64 {
    CALL.try_with(CallState::now)
        .unwrap_or_else(|_| changes::coarse_now())
}

/// Calls `f` with the value of `var` (unset, or the bytes as set, possibly empty), read in place
/// from the environment: from this call's one walk of it, or, outside a call, from a walk made now.
pub fn with_env<R>(var: Var, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    let value = CALL.try_with(|call| call.env_value(var)).ok().flatten();
    match value {
        Some(value) => f(value.bytes()),
        None => f(Snapshot::take().get(var)),
    }
}

/// Within a call, a number that stays the same as long as the environment's values this thread sees
/// do: what is computed from them can be kept while it does not change. `None` outside a call.
pub fn env_generation() -> Option<u64> {
    CALL.try_with(|call| {
        call.env_value(Var::Hosts)?;
        Some(call.env.walks())
    })
    .ok()
    .flatten()
}

/// Marks the open call as one that keeps its result if it can (getaddrinfo, gethostbyname): the
/// caches it asks then note how long their answers hold ([`keep_until`]). Before anything is looked
/// up (the call's change check carries the mark).
pub fn keep_results() {
    let _ = CALL.try_with(|call| {
        if call.depth.get() > 0 {
            call.keeping.set(true);
        }
    });
}

/// Notes that something this call relied on (a cached file, a DNS cache entry) holds until `deadline`
/// (the coarse clock, nanoseconds) without being looked at again: what is computed from this call's
/// answers may be kept until the earliest such deadline ([`keepable_until`]).
pub fn keep_until(deadline: u64) {
    let _ = CALL.try_with(|call| {
        if deadline < call.keep_until.get() {
            call.keep_until.set(deadline);
        }
    });
}

/// Notes that something this call relied on is looked at afresh on every call (a file `stat`ed every
/// time, an answer from the network, facts that could not be cached): nothing computed from this
/// call's answers may be kept.
pub fn not_keepable() {
    keep_until(0);
}

/// Until when what this call computed may be kept (see [`keep_until`]); `None` when it may not be, or
/// outside a call.
pub fn keepable_until() -> Option<u64> {
    CALL.try_with(|call| {
        let until = call.keep_until.get();
        (call.depth.get() > 0 && until > call.now()).then_some(until)
    })
    .ok()
    .flatten()
}

/// Whether this call has looked at the environment (what it computed may depend on it).
pub fn env_taken() -> bool {
    CALL.try_with(|call| call.depth.get() > 0 && call.env_taken.get())
        .unwrap_or(true)
}

/// [`with_env`] for several variables at once.
pub fn with_envs<const N: usize, R>(vars: [Var; N], f: impl FnOnce([Option<&[u8]>; N]) -> R) -> R {
    let mut values = [Value::default(); N];
    let in_call = CALL
        .try_with(|call| {
            if call.depth.get() == 0 {
                return false;
            }
            for (value, &var) in values.iter_mut().zip(&vars) {
                *value = call.env_value(var).unwrap_or_default();
            }
            true
        })
        .unwrap_or(false);
    if in_call {
        let mut bytes = [None; N];
        for (bytes, value) in bytes.iter_mut().zip(&values) {
            *bytes = value.bytes();
        }
        return f(bytes);
    }
    let snapshot = Snapshot::take();
    let mut bytes = [None; N];
    for (bytes, &var) in bytes.iter_mut().zip(&vars) {
        *bytes = snapshot.get(var);
    }
    f(bytes)
}

/// [`with_env`] and [`changes`] in one look at the call's state (what a cached file needs: its
/// path, and whether it changed).
pub fn with_env_and_changes<R>(var: Var, f: impl FnOnce(Option<&[u8]>, Checked) -> R) -> R {
    let found = CALL
        .try_with(|call| call.env_value(var).map(|value| (value, call.changes())))
        .ok()
        .flatten();
    match found {
        Some((value, checked)) => f(value.bytes(), checked),
        None => f(Snapshot::take().get(var), changes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_walks_the_environment_once_and_the_next_call_again() {
        // A variable of netlibc's that no test sets: NETLIBC_DNS_CACHE is only read.
        let outside = with_env(Var::LocalDomain, |v| v.map(<[u8]>::to_vec));
        {
            let _call = Call::enter();
            let first = with_env(Var::LocalDomain, |v| v.map(<[u8]>::to_vec));
            assert_eq!(first, outside);
            {
                let _nested = Call::enter_network();
                assert_eq!(with_env(Var::LocalDomain, |v| v.map(<[u8]>::to_vec)), first);
            }
            let checked = changes();
            assert_eq!(changes(), checked, "one check per call");
            assert_eq!(now(), checked.now);
        }
        assert_eq!(CALL.with(|c| c.depth.get()), 0);
        assert!(CALL.with(|c| c.checked.get()).is_none());
    }
}
