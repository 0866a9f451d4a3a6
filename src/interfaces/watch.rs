//! A cheap "has the network configuration changed?" for caches of interface facts.
//!
//! Destination sorting needs the address table, the kernel's source address per destination and the
//! links' types; learning them costs a netlink dump and several system calls per lookup, which is most
//! of what glibc spends on a sorted getaddrinfo. The kernel announces every change of links, addresses,
//! routes and routing rules on rtnetlink multicast groups; one subscribed socket, drained without
//! blocking, tells whether anything changed since the last look. Facts learned under one
//! [`generation`] stay valid while it does not change.
//!
//! The socket belongs to the library's change check ([`crate::sys::changes`]): it is opened on first
//! use, never at load; a getaddrinfo call looks at it in the same one system call (`poll`) that looks
//! at the watched files; it is read only once known to be ours (a program may close every descriptor
//! it does not know, and reuse the number), and a forked child opens its own (a shared socket would
//! split the notifications between the processes).
//!
//! Limit: the socket watches the network namespace it was opened in. A program that moves itself to
//! another namespace with `setns` keeps getting the old namespace's facts until they change there;
//! docs/deviations.md.

/// A number that changes whenever links, addresses, routes or rules may have changed since the
/// previous call; `None` when changes cannot be watched (then nothing may be cached). Within one
/// library call, the answer of the call's change check.
pub fn generation() -> Option<u64> {
    crate::sys::call::network_generation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_stable_without_changes() {
        let first = generation().expect("netlink is available");
        // Without network changes between the calls (this test does none), it stays the same.
        let second = generation().unwrap();
        assert!(second >= first);
        assert_eq!(generation(), Some(second));
    }
}
