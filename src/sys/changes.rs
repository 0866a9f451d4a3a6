//! The change check: has any file netlibc parsed, or the network configuration, changed since the
//! last look? One system call answers, whatever the number of files.
//!
//! Every file netlibc keeps parsed (hosts, services, protocols, networks, nsswitch.conf) is watched
//! by one process-wide inotify instance: the file itself (writes, attribute changes, its deletion or
//! move) and its directory (a name created, deleted or renamed over: an editor's rename, a bind of
//! another file is not one, see below). The kernel queues an event in the very system call that changes
//! the file, so a queue found empty means that nothing changed before the look. Destination sorting's
//! facts are watched by an rtnetlink socket subscribed to link, address, route and rule changes.
//!
//! A library call looks once ([`check`], through [`super::call`]): `ioctl(FIONREAD)` on the inotify
//! descriptor, or, when the call also relies on the network facts (getaddrinfo), one `poll` of both
//! descriptors with a zero timeout. Neither reads or changes anything, whatever the descriptor has
//! become. When something is queued, the events are read under the state's lock and each is
//! dispatched to the files it concerns (a counter per file, [`Ticket`]); events about other names
//! of a watched directory (a busy /tmp) are dropped.
//!
//! What the events cannot tell is left to a `stat`: a bind mount over the path, a symlinked path's
//! target, a descriptor the program closed and reused behind our back. Each file is `stat`ed at least
//! once a second (the caller's job, with [`Checked::now`], one clock read per call), and the
//! descriptors' identities (device and inode of the inotify instance, the netlink socket's own port
//! id) are verified once a second too, and before anything is read from them.
//!
//! Rules kept: the descriptors are opened on first use (never at load), close-on-exec and
//! non-blocking; a descriptor is read or closed only once it is known to be ours (the program may
//! close every descriptor it does not know, e.g. a daemon starting up, and reuse the numbers); a
//! forked child (fork epoch, one `pthread_atfork` handler) never reads the parent's instance or
//! socket, which it shares: it closes its copies and opens its own on first use; the lock is held
//! only for non-blocking work (reading a queue that is known to be non-empty, `fstat`), never across
//! a path walk; no thread is started.

use core::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Once;

use super::lock::ForkSafeMutex;
use super::netlink::NotificationSocket;
use super::syscall::{check as checked_call, syscall6};
use super::Errno;

const IN_NONBLOCK: usize = 0o4000;
const IN_CLOEXEC: usize = 0o2000000;
const IN_MODIFY: u32 = 0x2;
const IN_ATTRIB: u32 = 0x4;
const IN_CLOSE_WRITE: u32 = 0x8;
const IN_MOVED_FROM: u32 = 0x40;
const IN_MOVED_TO: u32 = 0x80;
const IN_CREATE: u32 = 0x100;
const IN_DELETE: u32 = 0x200;
const IN_DELETE_SELF: u32 = 0x400;
const IN_MOVE_SELF: u32 = 0x800;
const IN_EXCL_UNLINK: u32 = 0x0400_0000;
const IN_DONT_FOLLOW: u32 = 0x0200_0000;
const FILE_EVENTS: u32 =
    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVE_SELF | IN_DELETE_SELF | IN_DONT_FOLLOW;
const DIRECTORY_EVENTS: u32 = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;

/// RTMGRP_LINK, IPV4_IFADDR, IPV4_ROUTE, IPV4_RULE, IPV6_IFADDR, IPV6_ROUTE, and IPV6_RULE (group 19).
const NETWORK_GROUPS: u32 = 0x1 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | (1 << 18);

/// How often the descriptors' identities are verified (and, by the callers, files `stat`ed).
pub(crate) const REVALIDATE_NS: u64 = 1_000_000_000;

/// How many forks separate this process from the one that first used netlibc: descriptors opened in
/// another epoch are a parent's.
static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);
static FORK_HANDLER: Once = Once::new();

extern "C" fn after_fork_in_child() {
    FORK_EPOCH.fetch_add(1, Ordering::Relaxed);
}

/// The current fork epoch; the first call registers the fork handler (never at load).
pub fn fork_epoch() -> u64 {
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a plain function with no state; glibc's pthread_atfork is not one of ours.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
    FORK_EPOCH.load(Ordering::Relaxed)
}

/// The coarse monotonic clock in nanoseconds (the vDSO: no system call, a few nanoseconds).
pub fn coarse_now() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec to the pointer; it is glibc's (vDSO), not ours.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut now) };
    (now.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(now.tv_nsec as u64)
}

/// The inotify instance: its descriptor and what tells it from any other descriptor.
struct Inotify {
    fd: i32,
    /// Device and inode of the descriptor. Every inotify instance shares one anonymous inode, so this
    /// only tells that the number still holds *an* inotify instance.
    identity: (u64, u64),
    /// The line /proc/self/fdinfo shows for the instance's first watch, on /dev/null with a mask
    /// nothing else uses: what tells this instance from another one put on the same number (the
    /// program's own, after it closed ours). A character device is never one of the watched files
    /// (regular files) or directories, so no registration changes that watch. `None` when /proc or
    /// /dev/null could not be read (then `identity` alone).
    canary: Option<Box<[u8]>>,
}

/// Whether a descriptor is still what we opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Ours,
    NotOurs,
    /// /proc cannot be read just now (out of descriptors): neither read nor closed nor given up.
    CannotTell,
}

/// The canary watch's mask: self events of /dev/null (which do not come) with the exclude-unlinked
/// flag, a combination no program has a reason to use.
const CANARY_EVENTS: u32 = IN_DELETE_SELF | IN_MOVE_SELF | IN_EXCL_UNLINK;

impl Inotify {
    /// Whether the descriptor still holds this instance (a `fstat`, then /proc/self/fdinfo).
    fn verdict(&self) -> Verdict {
        if fd_identity(self.fd) != Some(self.identity) {
            return Verdict::NotOurs;
        }
        match &self.canary {
            None => Verdict::Ours,
            Some(canary) => match fdinfo(self.fd) {
                Some(info) if contains_line(&info, canary) => Verdict::Ours,
                Some(_) => Verdict::NotOurs,
                None => Verdict::CannotTell,
            },
        }
    }
}

/// A watched file: the watch descriptors of the file and of its directory, the file's name in the
/// directory, and the counter its events bump.
struct Target {
    file_wd: i32,
    directory_wd: i32,
    name: Box<[u8]>,
    changes: &'static AtomicU64,
}

struct State {
    /// The fork epoch the descriptors below were opened in.
    epoch: u64,
    inotify: Option<Inotify>,
    targets: Vec<Target>,
    /// Counters of files being registered: every event bumps them (their watch descriptors are not
    /// known yet), so an event that comes before the registration ends is never lost.
    pending: Vec<&'static AtomicU64>,
    netlink: Option<NotificationSocket>,
}

static STATE: ForkSafeMutex<State> = ForkSafeMutex::new(State {
    epoch: 0,
    inotify: None,
    targets: Vec::new(),
    pending: Vec::new(),
    netlink: None,
});

/// What the check reads without the lock: the descriptors (-1: none), and serial numbers that change
/// whenever a descriptor is opened, replaced or given up, so that a check can tell that what it looked
/// at is still what is in use.
static INOTIFY_FD: AtomicI32 = AtomicI32::new(-1);
static INSTANCE: AtomicU64 = AtomicU64::new(1);
static NETLINK_FD: AtomicI32 = AtomicI32::new(-1);
static SOCKET_SERIAL: AtomicU64 = AtomicU64::new(1);
/// The network generation: changes whenever links, addresses, routes or rules may have changed.
static GENERATION: AtomicU64 = AtomicU64::new(1);
/// The epoch of `STATE` (mirrored, so that the check tells a fork without the lock).
static STATE_EPOCH: AtomicU64 = AtomicU64::new(0);
/// When the descriptors' identities are next verified (coarse nanoseconds).
static NEXT_AUDIT: AtomicU64 = AtomicU64::new(0);
/// Registrations with an instance below this one are known to have missed events: a forked child
/// found events queued in the instance it inherited (it may not read them: they are the parent's),
/// so every file registered there changed, as far as the child can tell.
static STALE_BEFORE: AtomicU64 = AtomicU64::new(0);
/// Bumped whenever something a lookup relies on may have changed: events dispatched (about any watched
/// file), a cache of parsed files or DNS answers replaced or filled ([`note_change`]). What was computed
/// from the caches may be kept while it stays the same (and the check's instance and network
/// generation do, [`Checked::watched`]).
static WORLD: AtomicU64 = AtomicU64::new(1);

/// Notes that something a lookup relies on changed (see [`WORLD`]).
pub fn note_change() {
    WORLD.fetch_add(1, Ordering::SeqCst);
}

/// The current value of the change counter (see [`WORLD`]).
pub fn world() -> u64 {
    WORLD.load(Ordering::SeqCst)
}

/// Threads that read events and have not dispatched them yet: a check that found the queues empty
/// waits for them (its own look may have come after their read).
static BUSY: AtomicUsize = AtomicUsize::new(0);

/// A file's registration with the inotify instance, valid while that instance is in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    instance: u64,
    /// The file's counter when the registration began.
    seen: u64,
}

/// What a check tells about a registered file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Nothing happened to it.
    Quiet,
    /// It was written, replaced, renamed or deleted (or the event queue overflowed).
    Changed,
    /// The check cannot tell (no registration, a new instance, no instance): ask `stat`.
    Unknown,
}

/// What one check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The inotify instance whose queue the check emptied and dispatched; 0 when there was none.
    instance: u64,
    /// The network generation, when the check covered the netlink socket.
    pub network: Option<u64>,
    /// The coarse monotonic clock at the check, in nanoseconds.
    pub now: u64,
    /// The call keeps its result if it can ([`super::call::keep_results`]): the caches it
    /// asks note how long their answers hold ([`super::call::keep_until`]); other calls skip that.
    pub keeping: bool,
}

impl Checked {
    /// The same check, marked as made for a call that keeps its result or not.
    pub fn with_keeping(self, keeping: bool) -> Checked {
        Checked { keeping, ..self }
    }

    /// The same check, with the network generation learned after it (for the rest of the call).
    pub fn with_network(self, network: Option<u64>) -> Checked {
        Checked { network, ..self }
    }

    /// The inotify instance and network generation the check vouched for, when it vouched for both:
    /// while a later check finds the same ones (and [`world`] did not move), no watched file and no
    /// network fact changed in between.
    pub fn watched(&self) -> Option<(u64, u64)> {
        match (self.instance, self.network) {
            (0, _) | (_, None) => None,
            (instance, Some(network)) => Some((instance, network)),
        }
    }

    /// The inotify instance the check vouched for (the files' part of [`Checked::watched`]).
    pub fn files_watched(&self) -> Option<u64> {
        (self.instance != 0).then_some(self.instance)
    }

    /// What the check tells about the file registered with `ticket`, whose events bump `changes`.
    pub fn file_state(&self, ticket: Option<Ticket>, changes: &AtomicU64) -> FileState {
        match ticket {
            Some(ticket) if ticket.instance < STALE_BEFORE.load(Ordering::Acquire) => {
                FileState::Changed
            }
            Some(ticket) if self.instance != 0 && ticket.instance == self.instance => {
                if changes.load(Ordering::Acquire) == ticket.seen {
                    FileState::Quiet
                } else {
                    FileState::Changed
                }
            }
            _ => FileState::Unknown,
        }
    }
}

/// Looks for changes: one system call (none when nothing is watched yet). With `network`, the netlink
/// socket is looked at too, when it is open. Every event queued before the call is dispatched when it
/// returns, whichever thread read it.
pub fn check(network: bool, now: u64) -> Checked {
    let epoch = fork_epoch();
    if STATE_EPOCH.load(Ordering::Acquire) != epoch || now >= NEXT_AUDIT.load(Ordering::Relaxed) {
        audit(epoch, now);
    }
    let instance = INSTANCE.load(Ordering::SeqCst);
    let inotify = INOTIFY_FD.load(Ordering::SeqCst);
    let serial = SOCKET_SERIAL.load(Ordering::SeqCst);
    let netlink = if network {
        NETLINK_FD.load(Ordering::SeqCst)
    } else {
        -1
    };
    let (mut files_ok, mut network_ok) = (inotify >= 0, netlink >= 0);
    if netlink >= 0 {
        (files_ok, network_ok) = poll_both(inotify, netlink);
    } else if inotify >= 0 {
        files_ok = match pending_bytes(inotify) {
            Ok(0) => true,
            Ok(_) => drain_files(inotify),
            Err(_) => {
                give_up_files(inotify);
                false
            }
        };
    }
    if BUSY.load(Ordering::SeqCst) != 0 {
        // Another thread read events (maybe the ones our look missed) and is dispatching them.
        drop(STATE.lock());
    }
    let files_ok = files_ok && INSTANCE.load(Ordering::SeqCst) == instance;
    let network_ok = network_ok && SOCKET_SERIAL.load(Ordering::SeqCst) == serial;
    Checked {
        keeping: false,
        instance: if files_ok { instance } else { 0 },
        network: network_ok.then(|| GENERATION.load(Ordering::SeqCst)),
        now,
    }
}

/// `ioctl(FIONREAD)`: how many bytes of events are queued. Harmless on any descriptor.
fn pending_bytes(fd: i32) -> Result<usize, Errno> {
    let mut pending: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int to the pointer.
    let raw = unsafe {
        syscall6(
            libc::SYS_ioctl as usize,
            fd as usize,
            libc::FIONREAD as usize,
            &mut pending as *mut _ as usize,
            0,
            0,
            0,
        )
    };
    checked_call(raw).map(|_| pending.max(0) as usize)
}

/// One `poll` of the inotify instance (when there is one) and the netlink socket, zero timeout;
/// handles what it finds. Whether each answer can be trusted.
fn poll_both(inotify: i32, netlink: i32) -> (bool, bool) {
    // POLLOUT is asked of the inotify descriptor, which never reports it: a descriptor that does is
    // not ours any more (a file, a socket, a pipe's end reusing the number).
    let mut fds = [
        libc::pollfd {
            fd: inotify,
            events: libc::POLLIN | libc::POLLOUT,
            revents: 0,
        },
        libc::pollfd {
            fd: netlink,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let polled: &mut [libc::pollfd] = if inotify >= 0 {
        &mut fds
    } else {
        &mut fds[1..]
    };
    // SAFETY: poll reads and writes `polled.len()` pollfd structures at the pointer.
    let raw = unsafe {
        syscall6(
            libc::SYS_poll as usize,
            polled.as_mut_ptr() as usize,
            polled.len(),
            0,
            0,
            0,
            0,
        )
    };
    match checked_call(raw) {
        Ok(0) => (inotify >= 0, true),
        Ok(_) => {
            let files_ok = match fds[0].revents {
                _ if inotify < 0 => false,
                0 => true,
                libc::POLLIN => drain_files(inotify),
                _ => {
                    give_up_files(inotify);
                    false
                }
            };
            let network_ok = match fds[1].revents {
                0 => true,
                libc::POLLNVAL => {
                    give_up_network(netlink);
                    false
                }
                _ => drain_network(netlink),
            };
            (files_ok, network_ok)
        }
        // Cannot happen with a zero timeout but for lack of memory: trust nothing.
        Err(_) => (false, false),
    }
}

/// Runs `f` on the state with [`BUSY`] raised, so that checks that found nothing wait for `f`.
fn with_busy_lock<R>(f: impl FnOnce(&mut State) -> R) -> R {
    BUSY.fetch_add(1, Ordering::SeqCst);
    let result = f(&mut STATE.lock());
    BUSY.fetch_sub(1, Ordering::SeqCst);
    result
}

/// Reads the queued events of instance `fd` and dispatches them; false if the instance had to be given
/// up (it is not ours any more, or cannot be read).
fn drain_files(fd: i32) -> bool {
    with_busy_lock(|state| {
        let Some(inotify) = state.inotify.as_ref().filter(|i| i.fd == fd) else {
            // Replaced or given up by another thread since the look.
            return false;
        };
        match inotify.verdict() {
            Verdict::Ours => {}
            Verdict::NotOurs => {
                state.forget_inotify();
                return false;
            }
            Verdict::CannotTell => return false,
        }
        let mut buffer = [0u8; 4096];
        loop {
            // SAFETY: read writes at most `buffer.len()` bytes into the buffer.
            let raw = unsafe {
                syscall6(
                    libc::SYS_read as usize,
                    fd as usize,
                    buffer.as_mut_ptr() as usize,
                    buffer.len(),
                    0,
                    0,
                    0,
                )
            };
            match checked_call(raw) {
                Ok(length) if length > 0 => state.dispatch(&buffer[..length]),
                Err(Errno(libc::EAGAIN)) => return true,
                Err(Errno(libc::EINTR)) => {}
                _ => {
                    // Cannot be read: every file is unknown, and the instance is closed.
                    state.close_inotify();
                    return false;
                }
            }
        }
    })
}

/// Gives up instance `fd` (if it is still the one in use) without closing it: it is not ours.
fn give_up_files(fd: i32) {
    with_busy_lock(|state| {
        if state.inotify.as_ref().is_some_and(|i| i.fd == fd) {
            state.forget_inotify();
        }
    });
}

/// Reads the netlink notifications of socket `fd` (once it is known to be ours); false if the
/// socket had to be given up.
fn drain_network(fd: i32) -> bool {
    with_busy_lock(|state| {
        if state.netlink.as_ref().is_none_or(|s| s.fd() != fd) {
            return false;
        }
        state.drain_netlink()
    })
}

/// Gives up socket `fd` (if it is still the one in use) without closing it: it is not ours.
fn give_up_network(fd: i32) {
    with_busy_lock(|state| {
        if state.netlink.as_ref().is_some_and(|s| s.fd() == fd) {
            state.forget_netlink();
        }
    });
}

/// After a fork, and once a second: a forked child closes the parent's descriptors (its copies) and
/// will open its own; otherwise the descriptors' identities are verified.
fn audit(epoch: u64, now: u64) {
    with_busy_lock(|state| {
        if state.epoch != epoch {
            if let Some(inotify) = state.inotify.as_ref() {
                let verdict = inotify.verdict();
                // Counted, never read: what is queued is the parent's to read. Something queued
                // (or a queue that cannot be vouched for) means a watched file may have changed
                // before the fork.
                let quiet = verdict == Verdict::Ours
                    && pending_bytes(inotify.fd).is_ok_and(|bytes| bytes == 0);
                if !quiet {
                    let current = INSTANCE.load(Ordering::SeqCst);
                    STALE_BEFORE.store(current + 1, Ordering::Release);
                    note_change();
                }
                if verdict == Verdict::Ours {
                    state.close_inotify();
                } else {
                    state.forget_inotify();
                }
            }
            // Registrations of threads that do not exist in the child.
            state.pending.clear();
            if let Some(socket) = state.netlink.take() {
                if socket.is_still_ours() {
                    socket.close();
                }
                state.forget_netlink();
            }
            state.epoch = epoch;
            STATE_EPOCH.store(epoch, Ordering::Release);
        }
        if now >= NEXT_AUDIT.load(Ordering::Relaxed) {
            if state
                .inotify
                .as_ref()
                .is_some_and(|i| i.verdict() == Verdict::NotOurs)
            {
                state.forget_inotify();
            }
            if state.netlink.as_ref().is_some_and(|s| !s.is_still_ours()) {
                state.forget_netlink();
            }
            NEXT_AUDIT.store(now.saturating_add(REVALIDATE_NS), Ordering::Relaxed);
        }
    });
}

impl State {
    /// Gives the instance up without closing it; every registration with it becomes void.
    fn forget_inotify(&mut self) {
        self.inotify = None;
        self.targets.clear();
        INOTIFY_FD.store(-1, Ordering::SeqCst);
        INSTANCE.fetch_add(1, Ordering::SeqCst);
    }

    /// Closes the instance (known to be ours) and gives it up.
    fn close_inotify(&mut self) {
        if let Some(inotify) = self.inotify.as_ref() {
            close(inotify.fd);
        }
        self.forget_inotify();
    }

    /// Gives the socket up (closing it is the caller's business): a new generation begins.
    fn forget_netlink(&mut self) {
        self.netlink = None;
        NETLINK_FD.store(-1, Ordering::SeqCst);
        SOCKET_SERIAL.fetch_add(1, Ordering::SeqCst);
        GENERATION.fetch_add(1, Ordering::SeqCst);
    }

    /// Drains the socket (checked to be ours first); false if it had to be given up.
    fn drain_netlink(&mut self) -> bool {
        let Some(socket) = self.netlink.as_ref() else {
            return false;
        };
        if !socket.is_still_ours() {
            self.forget_netlink();
            return false;
        }
        match socket.drain() {
            Ok(false) => true,
            Ok(true) => {
                GENERATION.fetch_add(1, Ordering::SeqCst);
                true
            }
            Err(_) => {
                if let Some(socket) = self.netlink.take() {
                    socket.close();
                }
                self.forget_netlink();
                false
            }
        }
    }

    /// Walks `struct inotify_event` records (wd, mask, cookie, len, then `len` bytes of NUL-padded
    /// name) and bumps the counters of the files they concern.
    fn dispatch(&self, mut events: &[u8]) {
        let field = |bytes: &[u8], at: usize| {
            bytes
                .get(at..at + 4)
                .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        };
        while events.len() >= 16 {
            let wd = field(events, 0) as i32;
            let name_len = field(events, 12) as usize;
            let name = events.get(16..16 + name_len).unwrap_or(&[]);
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            for target in &self.targets {
                // wd -1: the queue overflowed, events were lost.
                let concerned = wd == -1
                    || wd == target.file_wd
                    || (wd == target.directory_wd && name == &*target.name);
                if concerned {
                    target.changes.fetch_add(1, Ordering::Release);
                }
            }
            for changes in &self.pending {
                changes.fetch_add(1, Ordering::Release);
            }
            events = events.get(16 + name_len..).unwrap_or(&[]);
        }
        // After the counters: whoever reads the change counter after this sees them bumped.
        note_change();
    }

    /// The instance to register with (opened if there is none, outside the lock), its serial, and
    /// whether it is known to be ours this very moment (just opened). Returns with the lock released.
    fn instance_for_registration(changes: &'static AtomicU64) -> Option<(i32, u64, bool)> {
        {
            let mut state = STATE.lock();
            if let Some(inotify) = state.inotify.as_ref() {
                let found = (inotify.fd, INSTANCE.load(Ordering::SeqCst), false);
                state.pending.push(changes);
                return Some(found);
            }
        }
        let opened = open_inotify()?;
        let mut state = STATE.lock();
        if let Some(inotify) = state.inotify.as_ref() {
            // Another thread opened one meanwhile: use it, close ours.
            let found = (inotify.fd, INSTANCE.load(Ordering::SeqCst), false);
            state.pending.push(changes);
            drop(state);
            close(opened.fd);
            return Some(found);
        }
        let fd = opened.fd;
        state.inotify = Some(opened);
        let instance = INSTANCE.fetch_add(1, Ordering::SeqCst) + 1;
        INOTIFY_FD.store(fd, Ordering::SeqCst);
        state.pending.push(changes);
        Some((fd, instance, true))
    }
}

/// Starts watching `path` (a regular file, not a symlink) and its directory for the file whose events
/// bump `changes`; `None` when that is not possible (the caller then relies on `stat` alone). Call it
/// before the `stat` or read that the registration vouches for: an event after that is then seen.
/// Path walks happen outside the lock.
pub fn watch(path: &Path, changes: &'static AtomicU64) -> Option<Ticket> {
    if !std::fs::symlink_metadata(path).ok()?.file_type().is_file() {
        return None;
    }
    let name: Box<[u8]> = path.file_name()?.as_bytes().into();
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let epoch = fork_epoch();
    if STATE_EPOCH.load(Ordering::Acquire) != epoch {
        audit(epoch, coarse_now());
    }
    let seen = changes.load(Ordering::Acquire);
    let (fd, instance, fresh) = State::instance_for_registration(changes)?;
    let mut added = None;
    if fresh || still_ours(fd, instance) {
        added = add_watch(fd, path, FILE_EVENTS)
            .and_then(|file_wd| Some((file_wd, add_watch(fd, directory, DIRECTORY_EVENTS)?)));
    }
    let mut state = STATE.lock();
    if let Some(at) = state
        .pending
        .iter()
        .position(|c| core::ptr::eq(*c, changes))
    {
        state.pending.swap_remove(at);
    }
    let (file_wd, directory_wd) = added?;
    if INSTANCE.load(Ordering::SeqCst) != instance {
        return None;
    }
    let previous = state
        .targets
        .iter()
        .position(|t| core::ptr::eq(t.changes, changes))
        .map(|at| state.targets.swap_remove(at));
    state.targets.push(Target {
        file_wd,
        directory_wd,
        name,
        changes,
    });
    if let Some(previous) = previous {
        // Watches nothing uses any more (the file's old inode, a directory left): removed, so that
        // they neither queue events nor count against the user's watch limit.
        for wd in [previous.file_wd, previous.directory_wd] {
            let used = state
                .targets
                .iter()
                .any(|t| t.file_wd == wd || t.directory_wd == wd);
            if !used {
                // SAFETY: inotify_rm_watch takes no pointers; `fd` was verified as ours above.
                unsafe {
                    syscall6(
                        libc::SYS_inotify_rm_watch as usize,
                        fd as usize,
                        wd as usize,
                        0,
                        0,
                        0,
                        0,
                    )
                };
            }
        }
    }
    Some(Ticket { instance, seen })
}

/// Whether instance `instance` is still in use with descriptor `fd` and the descriptor still ours.
fn still_ours(fd: i32, instance: u64) -> bool {
    with_busy_lock(|state| {
        let verdict = match state.inotify.as_ref() {
            Some(i) if i.fd == fd && INSTANCE.load(Ordering::SeqCst) == instance => i.verdict(),
            _ => return false,
        };
        if verdict == Verdict::NotOurs {
            state.forget_inotify();
        }
        verdict == Verdict::Ours
    })
}

/// The network generation now, for a call whose check did not cover the socket: opens the socket
/// when there is none (first use, after a fork, after it was lost), verifies that it is ours and
/// drains it. `None` when changes cannot be watched (then nothing may be cached).
pub fn network_generation() -> Option<u64> {
    let epoch = fork_epoch();
    if STATE_EPOCH.load(Ordering::Acquire) != epoch {
        audit(epoch, coarse_now());
    }
    with_busy_lock(|state| {
        if state.netlink.is_none() {
            let socket = NotificationSocket::open(NETWORK_GROUPS).ok()?;
            NETLINK_FD.store(socket.fd(), Ordering::SeqCst);
            state.netlink = Some(socket);
            // Nothing seen before this point was watched: a new generation.
            SOCKET_SERIAL.fetch_add(1, Ordering::SeqCst);
            GENERATION.fetch_add(1, Ordering::SeqCst);
        }
        state
            .drain_netlink()
            .then(|| GENERATION.load(Ordering::SeqCst))
    })
}

fn open_inotify() -> Option<Inotify> {
    // SAFETY: inotify_init1 takes flags only.
    let fd = checked_call(unsafe {
        syscall6(
            libc::SYS_inotify_init1 as usize,
            IN_NONBLOCK | IN_CLOEXEC,
            0,
            0,
            0,
            0,
            0,
        )
    })
    .ok()? as i32;
    let Some(identity) = fd_identity(fd) else {
        close(fd);
        return None;
    };
    let canary = add_watch(fd, Path::new("/dev/null"), CANARY_EVENTS).and_then(|wd| {
        let prefix = format!("inotify wd:{wd:x} ");
        let info = fdinfo(fd)?;
        info.split(|&b| b == b'\n')
            .find(|line| line.starts_with(prefix.as_bytes()))
            .map(Box::from)
    });
    Some(Inotify {
        fd,
        identity,
        canary,
    })
}

/// The text of /proc/self/fdinfo/`fd` (at most 64 KiB), `None` when it cannot be read.
fn fdinfo(fd: i32) -> Option<Vec<u8>> {
    let path = format!("/proc/self/fdinfo/{fd}\0");
    // SAFETY: `path` is NUL-terminated and outlives the call.
    let info = checked_call(unsafe {
        syscall6(
            libc::SYS_openat as usize,
            libc::AT_FDCWD as usize,
            path.as_ptr() as usize,
            (libc::O_RDONLY | libc::O_CLOEXEC) as usize,
            0,
            0,
            0,
        )
    })
    .ok()? as i32;
    let mut text = vec![0u8; 8192];
    let mut length = 0;
    let complete = loop {
        if length == text.len() {
            if text.len() >= 64 * 1024 {
                break false;
            }
            text.resize(text.len() * 2, 0);
        }
        let room = &mut text[length..];
        // SAFETY: read writes at most `room.len()` bytes into `room`.
        let raw = unsafe {
            syscall6(
                libc::SYS_read as usize,
                info as usize,
                room.as_mut_ptr() as usize,
                room.len(),
                0,
                0,
                0,
            )
        };
        match checked_call(raw) {
            Ok(0) => break true,
            Ok(read) => length += read,
            Err(Errno(libc::EINTR)) => {}
            Err(_) => break false,
        }
    };
    close(info);
    text.truncate(length);
    complete.then_some(text)
}

/// Whether `text` has a line equal to `line`.
fn contains_line(text: &[u8], line: &[u8]) -> bool {
    text.split(|&b| b == b'\n').any(|l| l == line)
}

fn close(fd: i32) {
    // SAFETY: the caller owns `fd`; close's result does not matter here.
    unsafe { syscall6(libc::SYS_close as usize, fd as usize, 0, 0, 0, 0, 0) };
}

/// Device and inode of descriptor `fd`.
fn fd_identity(fd: i32) -> Option<(u64, u64)> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat writes one `struct stat` to the pointer, which has room for it.
    checked_call(unsafe {
        syscall6(
            libc::SYS_fstat as usize,
            fd as usize,
            stat.as_mut_ptr() as usize,
            0,
            0,
            0,
            0,
        )
    })
    .ok()?;
    // SAFETY: fstat succeeded, so the struct is initialised.
    let stat = unsafe { stat.assume_init() };
    Some((stat.st_dev, stat.st_ino))
}

fn add_watch(fd: i32, path: &Path, mask: u32) -> Option<i32> {
    let mut name = path.as_os_str().as_bytes().to_vec();
    name.push(0);
    // SAFETY: `name` is a NUL-terminated path that outlives the call.
    let raw = unsafe {
        syscall6(
            libc::SYS_inotify_add_watch as usize,
            fd as usize,
            name.as_ptr() as usize,
            mask as usize,
            0,
            0,
            0,
        )
    };
    checked_call(raw).ok().map(|wd| wd as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forked_child_is_in_a_new_epoch_and_watches_on_its_own() {
        let parent_generation = network_generation().expect("netlink is available");
        let parent_epoch = fork_epoch();
        // SAFETY: the child only runs netlibc code and exits with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let ok = fork_epoch() == parent_epoch + 1
                && network_generation().is_some_and(|g| g > parent_generation);
            // SAFETY: ends the child without running the parent's test harness.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "child status {status}"
        );
        assert_eq!(fork_epoch(), parent_epoch);
        assert!(network_generation().is_some());
    }

    #[test]
    fn the_network_generation_is_stable_without_changes() {
        let first = network_generation().expect("netlink is available");
        // Without network changes between the calls (this test does none), it stays the same, and
        // a check that covers the socket agrees.
        let second = network_generation().unwrap();
        assert!(second >= first);
        assert_eq!(network_generation(), Some(second));
        let checked = check(true, coarse_now());
        assert!(checked.network.is_none_or(|g| g >= second));
    }
}
