//! The environment variables netlibc reads, found in one pass over `environ`.
//!
//! glibc's `getenv` walks the whole environment for each variable it is asked for; a lookup that reads
//! six variables (the database paths, host.conf's, `RESOLV_MULTI`…) walked it six times, which was a
//! third of a `gethostbyname("localhost")`. Here one walk looks at each entry's first byte and keeps
//! where every variable of [`Var`] is; a call of the library makes that walk once
//! ([`super::call`]) and answers all its reads from it. Nothing is cached between calls, so a program
//! (or a test) that changes the environment with `setenv`, `putenv` or `unsetenv` between two calls
//! is seen by the second, exactly as with `getenv`.
//!
//! The values are read in place (no copy, no lock), as `getenv`'s callers read them: they stay valid
//! while no other thread modifies the environment, which is the C library's contract.

use core::cell::Cell;

/// The variables netlibc reads on its lookups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Var {
    Hosts,
    Services,
    Protocols,
    Networks,
    ResolvConf,
    NsswitchConf,
    GaiConf,
    HostConf,
    DnsCache,
    ResolvMulti,
    ResolvHostConf,
    LocalDomain,
    ResOptions,
    HostAliases,
}

/// How many variables [`Var`] has.
pub(crate) const COUNT: usize = 14;

impl Var {
    /// The variable's name.
    pub const fn name(self) -> &'static str {
        match self {
            Var::Hosts => "NETLIBC_HOSTS",
            Var::Services => "NETLIBC_SERVICES",
            Var::Protocols => "NETLIBC_PROTOCOLS",
            Var::Networks => "NETLIBC_NETWORKS",
            Var::ResolvConf => "NETLIBC_RESOLV_CONF",
            Var::NsswitchConf => "NETLIBC_NSSWITCH_CONF",
            Var::GaiConf => "NETLIBC_GAI_CONF",
            Var::HostConf => "NETLIBC_HOST_CONF",
            Var::DnsCache => "NETLIBC_DNS_CACHE",
            Var::ResolvMulti => "RESOLV_MULTI",
            Var::ResolvHostConf => "RESOLV_HOST_CONF",
            Var::LocalDomain => "LOCALDOMAIN",
            Var::ResOptions => "RES_OPTIONS",
            Var::HostAliases => "HOSTALIASES",
        }
    }
}

/// The `NETLIBC_` variables by what follows the prefix, and the others by their whole name (with the
/// `=`, so a longer name never matches).
const NETLIBC: &[(&[u8], Var)] = &[
    (b"HOSTS=", Var::Hosts),
    (b"SERVICES=", Var::Services),
    (b"PROTOCOLS=", Var::Protocols),
    (b"NETWORKS=", Var::Networks),
    (b"RESOLV_CONF=", Var::ResolvConf),
    (b"NSSWITCH_CONF=", Var::NsswitchConf),
    (b"GAI_CONF=", Var::GaiConf),
    (b"HOST_CONF=", Var::HostConf),
    (b"DNS_CACHE=", Var::DnsCache),
];
const STARTING_R: &[(&[u8], Var)] = &[
    (b"RESOLV_MULTI=", Var::ResolvMulti),
    (b"RESOLV_HOST_CONF=", Var::ResolvHostConf),
    (b"RES_OPTIONS=", Var::ResOptions),
];
const STARTING_L: &[(&[u8], Var)] = &[(b"LOCALDOMAIN=", Var::LocalDomain)];
const STARTING_H: &[(&[u8], Var)] = &[(b"HOSTALIASES=", Var::HostAliases)];
/// Non-zero for the first letters of the variables: H, L, N and R.
static FIRST_LETTER: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'H' as usize] = 1;
    table[b'L' as usize] = 1;
    table[b'N' as usize] = 1;
    table[b'R' as usize] = 1;
    table
};

/// Where each variable's value is: its address and length, `(0, 0)` when unset. The values are the
/// environment's own bytes. (Cells, so that a call's snapshot can be refilled in place.)
#[derive(Debug)]
pub struct Snapshot {
    values: [Cell<(usize, usize)>; COUNT],
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot::new()
    }
}

impl Snapshot {
    /// A snapshot with every variable unset.
    pub const fn new() -> Snapshot {
        Snapshot {
            values: [const { Cell::new((0, 0)) }; COUNT],
        }
    }

    /// Walks `environ` once. As `getenv`, the first entry of a name wins.
    pub fn take() -> Snapshot {
        let snapshot = Snapshot::new();
        snapshot.refill();
        snapshot
    }

    /// Forgets what the snapshot held and walks `environ` again.
    pub fn refill(&self) {
        // SAFETY: `environ` is glibc's (netlibc does not define it): null or a null-terminated array
        // of NUL-terminated strings, as every `getenv` caller assumes. Reading it races only with a
        // thread that changes the environment, which `getenv` does too.
        let environment = unsafe { libc::environ } as *const *const u8;
        self.fill(environment);
    }

    /// Walks `environment`: null, or a null-terminated array of NUL-terminated strings.
    fn fill(&self, environment: *const *const u8) {
        for value in &self.values {
            value.set((0, 0));
        }
        let mut entry = environment;
        if entry.is_null() {
            return;
        }
        loop {
            // SAFETY: `entry` points into the array, at most at its terminating null.
            let text = unsafe { *entry };
            if text.is_null() {
                return;
            }
            // Entries are told apart by their first two letters (NE, RE, LO, HO: the variables'),
            // with one table load for the first; the rare entry that passes is looked at out of line.
            // SAFETY: a non-null entry is a NUL-terminated string: its first byte can be read.
            let first = unsafe { *text };
            let second = match FIRST_LETTER[usize::from(first)] {
                0 => 0,
                // SAFETY: the first byte is not NUL (no table letter is), so the string goes on at
                // least to its second byte (NUL at the latest).
                _ => unsafe { *text.add(1) },
            };
            if second == b'E' || second == b'O' {
                self.candidate(text);
            }
            // SAFETY: the entry was not the terminating null, so the next one is in the array.
            entry = unsafe { entry.add(1) };
        }
    }

    /// An entry whose first letter is one of the variables'.
    #[cold]
    #[inline(never)]
    fn candidate(&self, text: *const u8) {
        // SAFETY: `text` is a NUL-terminated string whose first byte is not NUL, so the second byte
        // (NUL at the latest) can be read.
        let (first, second) = unsafe { (*text, *text.add(1)) };
        match (first, second) {
            (b'N', b'E') => {
                if let Some(rest) = after_prefix(text, b"NETLIBC_") {
                    self.note(rest, NETLIBC);
                }
            }
            (b'R', b'E') => self.note(text, STARTING_R),
            (b'L', b'O') => self.note(text, STARTING_L),
            (b'H', b'O') => self.note(text, STARTING_H),
            _ => {}
        }
    }

    /// Records the value of the variable of `table` that `text` starts with, if any and if not seen.
    fn note(&self, text: *const u8, table: &[(&[u8], Var)]) {
        for &(name, var) in table {
            if let Some(value) = after_prefix(text, name) {
                let slot = &self.values[var as usize];
                if slot.get().0 == 0 {
                    slot.set((value as usize, c_length(value)));
                }
                return;
            }
        }
    }

    /// The value of `var`, unset or as the environment holds it (possibly empty).
    pub fn get(&self, var: Var) -> Option<&[u8]> {
        let (address, length) = self.values[var as usize].get();
        Value { address, length }.into_bytes()
    }

    /// Where the value of `var` is, to be read after the snapshot is out of reach.
    pub fn value(&self, var: Var) -> Value {
        let (address, length) = self.values[var as usize].get();
        Value { address, length }
    }
}

/// Where one variable's value is in the environment (or that it is unset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    address: usize,
    length: usize,
}

impl Value {
    /// The value's bytes, `None` when the variable is unset.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.into_bytes()
    }

    fn into_bytes<'a>(self) -> Option<&'a [u8]> {
        if self.address == 0 {
            return None;
        }
        // SAFETY: `address` and `length` describe the value part of an environment string found by
        // a walk of `environ`; environment strings are never freed by glibc (`setenv` keeps the old
        // ones, as `getenv`'s contract requires), so the bytes stay readable. Callers use them only
        // within the library call that read them, as `getenv`'s callers do.
        Some(unsafe { core::slice::from_raw_parts(self.address as *const u8, self.length) })
    }
}

/// What follows `prefix` at the start of the NUL-terminated string `text`, if it starts with it. Bytes
/// are compared one at a time, so nothing past the terminating NUL is read (`prefix` has no NUL).
fn after_prefix(text: *const u8, prefix: &[u8]) -> Option<*const u8> {
    for (i, &expected) in prefix.iter().enumerate() {
        // SAFETY: the bytes before index `i` matched `prefix`, which has no NUL, so the string goes on
        // at least to index `i` (its NUL, at the latest).
        if unsafe { *text.add(i) } != expected {
            return None;
        }
    }
    // SAFETY: as above, the string goes on at least to index `prefix.len()`.
    Some(unsafe { text.add(prefix.len()) })
}

/// The length of the NUL-terminated string at `text`.
fn c_length(text: *const u8) -> usize {
    // SAFETY: `text` is within an environment string, which is NUL-terminated.
    unsafe { core::ffi::CStr::from_ptr(text.cast()) }
        .to_bytes()
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    /// A snapshot of an environment made of `entries` (not the process's: tests run in parallel).
    fn snapshot_of(entries: &[&str]) -> Snapshot {
        let strings: Vec<CString> = entries.iter().map(|e| CString::new(*e).unwrap()).collect();
        let mut array: Vec<*const u8> = strings.iter().map(|s| s.as_ptr().cast()).collect();
        array.push(core::ptr::null());
        let snapshot = Snapshot::new();
        snapshot.fill(array.as_ptr());
        // The values point into `strings`: keep them alive for the process (the environment's are).
        std::mem::forget(strings);
        snapshot
    }

    const ALL: [Var; COUNT] = [
        Var::Hosts,
        Var::Services,
        Var::Protocols,
        Var::Networks,
        Var::ResolvConf,
        Var::NsswitchConf,
        Var::GaiConf,
        Var::HostConf,
        Var::DnsCache,
        Var::ResolvMulti,
        Var::ResolvHostConf,
        Var::LocalDomain,
        Var::ResOptions,
        Var::HostAliases,
    ];

    #[test]
    fn every_variable_is_found_as_getenv_finds_it() {
        for (i, var) in ALL.into_iter().enumerate() {
            assert_eq!(var as usize, i);
            let name = var.name();
            let set = format!("{name}=value of {name}");
            let empty = format!("{name}=");
            let other = "OTHER=1";
            let found = snapshot_of(&[other, &set, &empty]);
            let expected = format!("value of {name}");
            assert_eq!(found.get(var), Some(expected.as_bytes()), "{name}");
            for unrelated in ALL.into_iter().filter(|&v| v != var) {
                assert_eq!(found.get(unrelated), None);
            }
            assert_eq!(snapshot_of(&[&empty, &set]).get(var), Some(&b""[..]));
            assert_eq!(snapshot_of(&[other]).get(var), None);
        }
    }

    #[test]
    fn longer_or_shorter_names_do_not_match() {
        let snapshot = snapshot_of(&[
            "NETLIBC_HOSTSX=no",
            "NETLIBC_HOST=no",
            "NETLIBC_=no",
            "NETLIBC",
            "HOSTALIASE=no",
            "HOSTALIASES",
            "RES_OPTIONS_=no",
            "R",
            "",
            "LOCALDOMAIN2=no",
        ]);
        for var in ALL {
            assert_eq!(snapshot.get(var), None, "{}", var.name());
        }
        let empty = Snapshot::new();
        empty.fill(core::ptr::null());
        assert_eq!(empty.get(Var::Hosts), None);
        // A refill forgets what the previous environment held.
        let refilled = snapshot_of(&["NETLIBC_HOSTS=/a"]);
        refilled.fill(core::ptr::null());
        assert_eq!(refilled.get(Var::Hosts), None);
    }
}
