//! Whole getaddrinfo results, kept per thread for as long as nothing they were computed from can have
//! changed, so that a repeated lookup (the same node, service and hints) is answered without walking
//! the sources again.
//!
//! A result is kept only when every answer the call relied on came from a cache that vouched for it
//! without looking anywhere ([`crate::sys::call::keepable_until`]: parsed files no event concerned,
//! a DNS cache hit, remembered sorting facts); it is kept until the earliest time one of those caches
//! would have looked again (a file's once-a-second `stat`, the DNS entry's expiry, resolv.conf's
//! recheck), and while
//! - the call's change check vouches for the same inotify instance and network generation (no event
//!   about a watched file, no change of links, addresses, routes or rules: glibc re-reads them on
//!   every call, and so does the next call here when they changed),
//! - no cache of files or DNS answers was filled or replaced meanwhile
//!   ([`crate::sys::changes::world`], read before the result was computed),
//! - the environment's values this thread sees are the same ([`crate::sys::call::env_generation`]).
//!
//! The result is then exactly what the sources would give again: the same inputs through the same
//! steps. Only successes are kept; calls that depend on the locale (`AI_IDN`), name an interface
//! (`%scope`) or are traced are never kept.

use core::cell::RefCell;

use super::getaddrinfo::{Hints, Resolution};

/// How many results a thread keeps (the oldest is replaced).
const KEPT: usize = 4;

/// What a kept result was computed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    /// The inotify instance and network generation the change check vouched for.
    watched: (u64, u64),
    /// The change counter, read before the result was computed.
    world: u64,
    /// The environment's generation on this thread, when the result depended on the environment
    /// (the call that computed it looked at a variable).
    environment: Option<u64>,
}

#[derive(Debug)]
struct Entry {
    node: Option<Box<[u8]>>,
    service: Option<Box<[u8]>>,
    hints: Option<Hints>,
    stamp: Stamp,
    /// Until when (coarse clock, nanoseconds) the caches it came from vouch for it.
    until: u64,
    resolution: Resolution,
}

impl Entry {
    fn is_for(&self, node: Option<&[u8]>, service: Option<&[u8]>, hints: Option<&Hints>) -> bool {
        self.node.as_deref() == node
            && self.service.as_deref() == service
            && self.hints.as_ref() == hints
    }
}

struct Kept {
    entries: [Option<Entry>; KEPT],
    /// The slot the next result goes to.
    next: usize,
}

thread_local! {
    static MEMO: RefCell<Kept> = const {
        RefCell::new(Kept { entries: [const { None }; KEPT], next: 0 })
    };
}

/// Whether a call with this node and these hints may be kept at all (see also [`keep`]: nodes with
/// a `%scope`). Without a node (the wildcard or loopback addresses) the lookup itself is cheaper
/// than checking a kept result.
pub fn may_keep(node: Option<&[u8]>, hints: Option<&Hints>) -> bool {
    const IDN_FLAGS: i32 = super::constants::AI_IDN | super::constants::AI_CANONIDN;
    node.is_some() && !crate::trace::tracing() && hints.is_none_or(|h| h.flags & IDN_FLAGS == 0)
}

/// What a lookup starting now must remember to keep its result: the change counter before any
/// source is asked.
#[derive(Clone, Copy, Debug)]
pub struct Start {
    world: u64,
}

/// Marks the start of a lookup whose result may be kept.
pub fn start() -> Start {
    Start {
        world: crate::sys::changes::world(),
    }
}

/// The stamp of this call's state: its change check (made now if the call made none yet), the
/// environment's generation if `environment` (the kept result depends on it), then the change
/// counter (read after the check, which dispatched every event queued before it).
fn stamp_now(environment: bool) -> Option<Stamp> {
    let watched = crate::sys::call::changes().watched()?;
    let environment = match environment {
        true => Some(crate::sys::call::env_generation()?),
        false => None,
    };
    Some(Stamp {
        watched,
        world: crate::sys::changes::world(),
        environment,
    })
}

/// Calls `f` with the kept result of this call's arguments, if one is kept and still holds (within
/// a library call: the call's change check is made if it was not). `None` otherwise.
pub fn with_kept<R>(
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
    f: impl FnOnce(&Resolution) -> R,
) -> Option<R> {
    MEMO.try_with(|memo| {
        let memo = memo.try_borrow().ok()?;
        let entry = memo
            .entries
            .iter()
            .flatten()
            .find(|e| e.is_for(node, service, hints))?;
        let stamp = stamp_now(entry.stamp.environment.is_some())?;
        let now = crate::sys::call::now();
        (stamp == entry.stamp && now < entry.until).then(|| f(&entry.resolution))
    })
    .ok()
    .flatten()
}

/// Keeps `resolution`, the result of this call (started at `start`) for these arguments, if
/// everything it relied on allows (see the module's documentation). Makes no system call.
pub fn keep(
    start: Start,
    node: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
    resolution: &Resolution,
) {
    // A scope names an interface, which is looked up afresh on every call.
    if node.is_some_and(|n| n.contains(&b'%')) {
        return;
    }
    let Some(until) = crate::sys::call::keepable_until() else {
        return;
    };
    // Only a call that made its change check (one that looked at a source) is kept.
    let Some(watched) = crate::sys::call::changes_made().and_then(|c| c.watched()) else {
        return;
    };
    let environment = match crate::sys::call::env_taken() {
        true => match crate::sys::call::env_generation() {
            Some(generation) => Some(generation),
            None => return,
        },
        false => None,
    };
    let stamp = Stamp {
        watched,
        world: start.world,
        environment,
    };
    let _ = MEMO.try_with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return;
        };
        let entry = Entry {
            node: node.map(Box::from),
            service: service.map(Box::from),
            hints: hints.copied(),
            stamp,
            until,
            resolution: resolution.clone(),
        };
        let slot = match memo
            .entries
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.is_for(node, service, hints)))
        {
            Some(slot) => slot,
            None => {
                let slot = memo.next % KEPT;
                memo.next = (slot + 1) % KEPT;
                slot
            }
        };
        if let Some(place) = memo.entries.get_mut(slot) {
            *place = Some(entry);
        }
    });
}

/// Forgets every result this thread keeps (for tests).
pub fn forget() {
    let _ = MEMO.try_with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut() {
            memo.entries = [const { None }; KEPT];
        }
    });
}

/// The stamp of a lookup that relies on files and DNS answers only, no network facts
/// (gethostbyname): as [`Stamp`] without the network generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilesStamp {
    instance: u64,
    world: u64,
    environment: u64,
}

/// This call's [`FilesStamp`]: its change check (made now if it made none yet), then the change
/// counter.
pub fn files_stamp_now() -> Option<FilesStamp> {
    let instance = crate::sys::call::changes().files_watched()?;
    let environment = crate::sys::call::env_generation()?;
    Some(FilesStamp {
        instance,
        world: crate::sys::changes::world(),
        environment,
    })
}

/// The [`FilesStamp`] and deadline of this call's result (started at `start`), when what it relied
/// on allows keeping it (see the module's documentation). Makes no system call.
pub fn files_stamp_kept(start: Start) -> Option<(FilesStamp, u64)> {
    let until = crate::sys::call::keepable_until()?;
    let instance = crate::sys::call::changes_made()?.files_watched()?;
    let environment = crate::sys::call::env_generation()?;
    Some((
        FilesStamp {
            instance,
            world: start.world,
            environment,
        },
        until,
    ))
}

/// Whether a result kept under `stamp` until `until` still holds in this call.
pub fn files_stamp_holds(stamp: FilesStamp, until: u64) -> bool {
    crate::sys::call::now() < until && files_stamp_now() == Some(stamp)
}
