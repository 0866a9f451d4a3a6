//! A cheap "has the network configuration changed?" for caches of interface facts.
//!
//! Destination sorting needs the address table, the kernel's source address per destination and the
//! links' types; learning them costs a netlink dump and several system calls per lookup, which is most
//! of what glibc spends on a sorted getaddrinfo. The kernel announces every change of links, addresses,
//! routes and routing rules on rtnetlink multicast groups; one subscribed socket, drained without
//! blocking, tells whether anything changed since the last look. Facts learned under one
//! [`generation`] stay valid while it does not change.
//!
//! The socket is opened on first use, never at load. Its descriptor is checked before each use (a
//! program may close every descriptor it does not know, and reuse the number), and a forked child opens
//! its own (a shared socket would split the notifications between the processes).
//!
//! Limit: the socket watches the network namespace it was opened in. A program that moves itself to
//! another namespace with `setns` keeps getting the old namespace's facts until they change there;
//! docs/deviations.md.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

use crate::sys::lock::ForkSafeMutex;
use crate::sys::netlink::NotificationSocket;

/// RTMGRP_LINK, IPV4_IFADDR, IPV4_ROUTE, IPV4_RULE, IPV6_IFADDR, IPV6_ROUTE, and IPV6_RULE (group 19).
const GROUPS: u32 = 0x1 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | (1 << 18);

struct Watch {
    /// The socket and the fork epoch it was opened in.
    socket: Option<(NotificationSocket, u64)>,
    generation: u64,
}

static WATCH: ForkSafeMutex<Watch> = ForkSafeMutex::new(Watch {
    socket: None,
    generation: 0,
});

/// How many forks separate this process from the one that first used the watch: a socket opened in
/// another epoch is a parent's.
static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);
static FORK_HANDLER: Once = Once::new();

extern "C" fn after_fork_in_child() {
    FORK_EPOCH.fetch_add(1, Ordering::Relaxed);
}

/// The current fork epoch; the first call registers the fork handler (never at load).
fn fork_epoch() -> u64 {
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a plain function with no state; glibc's pthread_atfork is not one of ours.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
    FORK_EPOCH.load(Ordering::Relaxed)
}

/// A number that changes whenever links, addresses, routes or rules may have changed since the
/// previous call; `None` when changes cannot be watched (then nothing may be cached).
pub fn generation() -> Option<u64> {
    let epoch = fork_epoch();
    let mut watch = WATCH.lock();
    if let Some((socket, owner)) = watch.socket.take() {
        match (owner == epoch, socket.is_still_ours()) {
            (true, true) => watch.socket = Some((socket, owner)),
            // A forked child's copy of the parent's socket: ours to close.
            (false, true) => socket.close(),
            // The program closed it (and may have reused the number): not ours to close any more.
            (_, false) => {}
        }
    }
    if watch.socket.is_none() {
        // Nothing seen before this point was watched: start a new generation.
        watch.generation += 1;
        watch.socket = Some((NotificationSocket::open(GROUPS).ok()?, epoch));
    }
    let drained = watch.socket.as_ref().map(|(socket, _)| socket.drain());
    match drained {
        Some(Ok(false)) => Some(watch.generation),
        Some(Ok(true)) => {
            watch.generation += 1;
            Some(watch.generation)
        }
        _ => {
            if let Some((socket, _)) = watch.socket.take() {
                socket.close();
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forked_child_is_in_a_new_epoch_and_watches_on_its_own() {
        let parent_generation = generation().expect("netlink is available");
        let parent_epoch = fork_epoch();
        // SAFETY: the child only runs netlibc code and exits with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let ok = fork_epoch() == parent_epoch + 1
                && generation().is_some_and(|g| g > parent_generation);
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
        assert!(generation().is_some());
    }

    #[test]
    fn generation_is_stable_without_changes() {
        let first = generation().expect("netlink is available");
        // Without network changes between the calls (this test does none), it stays the same.
        let second = generation().unwrap();
        assert!(second >= first);
        assert_eq!(generation(), Some(second));
    }
}
