//! The environment variables netlibc reads, found in one walk of `environ` and kept while no entry
//! of `environ` changes.
//!
//! glibc's `getenv` walks the whole environment for each variable it is asked for; a lookup that reads
//! six variables (the database paths, host.conf's, `RESOLV_MULTI`…) walked it six times, which was a
//! third of a `gethostbyname("localhost")`. Here one walk looks at each entry's first letters and
//! keeps where every variable of [`Var`] is, and the next call only compares the entries' addresses
//! with the ones the walk saw ([`Snapshot::refresh`], once per call: [`super::call`]): any `setenv`,
//! `putenv`, `unsetenv`, `clearenv` or assignment to `environ` between two calls changes one, and the
//! second call walks again, so it sees the change, as with `getenv`.
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

/// For the first letters of the variables (H, L, N, R), an index into [`NEXT_LETTERS`]; 0 for the
/// others.
static FIRST_LETTER: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'H' as usize] = 1;
    table[b'L' as usize] = 2;
    table[b'N' as usize] = 3;
    table[b'R' as usize] = 4;
    table
};
/// The second and third letters that go with each first letter: HOS, LOC, NET, RES.
const NEXT_LETTERS: [[u8; 2]; 5] = [[0, 0], *b"OS", *b"OC", *b"ET", *b"ES"];

/// How many entries of `environ` a thread remembers to tell cheaply that nothing changed; a larger
/// environment is walked on every call.
const REMEMBERED: usize = 128;

/// How long a walk is trusted (nanoseconds of the caller's coarse clock): what no pointer tells, a
/// string given to `putenv` rewritten in place under another name, is seen after this much at most.
pub(crate) const REWALK_NS: u64 = 1_000_000_000;

/// What one thread knows of the environment: where each variable's entry is, and the entries of
/// `environ` at the last walk, so that the next call can tell by comparing pointers (no string is
/// read) that nothing changed.
///
/// Every way a program changes its environment changes a pointer: `setenv` and `putenv` put a new
/// entry in the array (in place of the old one, or appended), `unsetenv` moves the entries after the
/// removed one, `clearenv` and an assignment to `environ` replace the array. A change of a pointer
/// means a new walk. The one change no pointer shows, a string given to `putenv` that the program
/// then rewrites in place (which POSIX allows: the string is the environment), is seen by the walk
/// made at least once a second.
#[derive(Debug)]
pub struct Snapshot {
    /// The array `environ` pointed to at the last walk (0: no walk yet).
    array: Cell<usize>,
    /// How many entries it had then.
    count: Cell<usize>,
    /// Their addresses, when there were at most [`REMEMBERED`].
    entries: [Cell<usize>; REMEMBERED],
    /// For each variable: the address and length of its value, `(0, 0)` when unset.
    found: [Cell<(usize, usize)>; COUNT],
    /// When the last walk was made.
    walked_at: Cell<u64>,
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot::new()
    }
}

impl Snapshot {
    /// A snapshot that has walked nothing yet.
    pub const fn new() -> Snapshot {
        Snapshot {
            array: Cell::new(0),
            count: Cell::new(0),
            entries: [const { Cell::new(0) }; REMEMBERED],
            found: [const { Cell::new((0, 0)) }; COUNT],
            walked_at: Cell::new(0),
        }
    }

    /// A snapshot of the environment now (walked).
    pub fn take() -> Snapshot {
        let snapshot = Snapshot::new();
        snapshot.walk(environment());
        snapshot
    }

    /// Makes the snapshot agree with `environ`: a comparison of pointers when nothing changed since
    /// the last walk (less than [`REWALK_NS`] before `now`), a new walk otherwise.
    pub fn refresh(&self, now: u64) {
        self.refresh_with(environment(), now);
    }

    fn refresh_with(&self, environment: *const *const u8, now: u64) {
        if !self.unchanged(environment) || now.wrapping_sub(self.walked_at.get()) >= REWALK_NS {
            self.walk(environment);
            self.walked_at.set(now);
        }
    }

    /// Whether `environment` is the array of the last walk with the same entries.
    fn unchanged(&self, environment: *const *const u8) -> bool {
        let count = self.count.get();
        if environment.is_null() || environment as usize != self.array.get() || count > REMEMBERED {
            return false;
        }
        // Four entries a turn; each is read only once the one before was found equal to a
        // remembered entry, which is not null, so no read goes past the array's terminating null.
        let remembered = &self.entries[..count];
        let mut chunks = remembered.chunks_exact(4);
        let mut at = environment;
        for chunk in &mut chunks {
            for remembered in chunk {
                // SAFETY: `at` is within the array (see above).
                if unsafe { *at } as usize != remembered.get() {
                    return false;
                }
                // SAFETY: the entry at `at` is not null, so the array goes on after it.
                at = unsafe { at.add(1) };
            }
        }
        for remembered in chunks.remainder() {
            // SAFETY: as above.
            if unsafe { *at } as usize != remembered.get() {
                return false;
            }
            // SAFETY: as above.
            at = unsafe { at.add(1) };
        }
        // SAFETY: the `count` entries before are not null (as above): index `count` is in the array.
        unsafe { *environment.add(count) }.is_null()
    }

    /// Walks `environment` (null, or a null-terminated array of NUL-terminated strings), noting where
    /// each variable is and remembering the entries. (Out of line: one copy of the walk for every
    /// caller.)
    #[inline(never)]
    fn walk(&self, environment: *const *const u8) {
        for found in &self.found {
            found.set((0, 0));
        }
        self.array.set(environment as usize);
        self.count.set(0);
        let mut entry = environment;
        if entry.is_null() {
            return;
        }
        let mut count = 0;
        loop {
            // SAFETY: `entry` points into the array, at most at its terminating null.
            let text = unsafe { *entry };
            if text.is_null() {
                break;
            }
            if let Some(remembered) = self.entries.get(count) {
                remembered.set(text as usize);
            }
            count += 1;
            // Entries are told apart by their first three letters (NET, RES, LOC, HOS: the
            // variables'), with one table load for the first; the rare entry that passes is looked
            // at out of line.
            // SAFETY: a non-null entry is a NUL-terminated string: its first byte can be read.
            let first = unsafe { *text };
            let [second, third] = NEXT_LETTERS[usize::from(FIRST_LETTER[usize::from(first)])];
            // SAFETY: `second` is not NUL when the first byte is a table letter (and then the string
            // goes on at least to its second byte); the second byte is read only then.
            if second != 0 && unsafe { *text.add(1) } == second {
                // SAFETY: the second byte matched a letter, so the string goes on to its third.
                if unsafe { *text.add(2) } == third {
                    self.candidate(text);
                }
            }
            // SAFETY: the entry was not the terminating null, so the next one is in the array.
            entry = unsafe { entry.add(1) };
        }
        self.count.set(count);
    }

    /// An entry whose first letters are one of the variables'.
    #[cold]
    #[inline(never)]
    fn candidate(&self, text: *const u8) {
        for (i, name) in ENTRY_NAMES.iter().enumerate() {
            if let Some(value) = after_prefix(text, name) {
                // As `getenv`, the first entry of a name wins.
                if self.found[i].get().0 == 0 {
                    self.found[i].set((value as usize, c_length(value)));
                }
                return;
            }
        }
    }

    /// The value of `var`, unset or as the environment holds it (possibly empty).
    pub fn get(&self, var: Var) -> Option<&[u8]> {
        self.value(var).into_bytes()
    }

    /// Where the value of `var` is, to be read after the snapshot is out of reach.
    pub(crate) fn value(&self, var: Var) -> Value {
        let (address, length) = self.found[var as usize].get();
        Value { address, length }
    }
}

/// `environ`: null, or a null-terminated array of NUL-terminated strings.
fn environment() -> *const *const u8 {
    // SAFETY: `environ` is glibc's (netlibc does not define it), read as every `getenv` caller reads
    // it; reading it races only with a thread that changes the environment, which `getenv` does too.
    unsafe { libc::environ as *const *const u8 }
}

/// Each variable's name with its `=`, in [`Var`]'s order (so a longer name never matches).
const ENTRY_NAMES: [&[u8]; COUNT] = [
    b"NETLIBC_HOSTS=",
    b"NETLIBC_SERVICES=",
    b"NETLIBC_PROTOCOLS=",
    b"NETLIBC_NETWORKS=",
    b"NETLIBC_RESOLV_CONF=",
    b"NETLIBC_NSSWITCH_CONF=",
    b"NETLIBC_GAI_CONF=",
    b"NETLIBC_HOST_CONF=",
    b"NETLIBC_DNS_CACHE=",
    b"RESOLV_MULTI=",
    b"RESOLV_HOST_CONF=",
    b"LOCALDOMAIN=",
    b"RES_OPTIONS=",
    b"HOSTALIASES=",
];

/// Where one variable's value is in the environment (or that it is unset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Value {
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
        // a walk, and checked since to be still in the environment (its entry unchanged);
        // environment strings are never freed by glibc (`setenv` keeps the old ones, as `getenv`'s
        // contract requires), so the bytes stay readable. Callers use them only within the library
        // call that read them, as `getenv`'s callers do.
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
        snapshot.walk(array.as_ptr());
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
        empty.walk(core::ptr::null());
        assert_eq!(empty.get(Var::Hosts), None);
        // A new walk forgets what the previous environment held.
        let walked = snapshot_of(&["NETLIBC_HOSTS=/a"]);
        walked.walk(core::ptr::null());
        assert_eq!(walked.get(Var::Hosts), None);
    }

    #[test]
    fn any_changed_pointer_means_a_new_walk() {
        let strings: Vec<CString> = ["A=1", "NETLIBC_HOSTS=/a", "B=2", "HOSTALIASES=/h"]
            .iter()
            .map(|e| CString::new(*e).unwrap())
            .collect();
        let pointers: Vec<*const u8> = strings.iter().map(|s| s.as_ptr().cast()).collect();
        let with_null = |entries: &[*const u8]| {
            let mut array = entries.to_vec();
            array.push(core::ptr::null());
            array
        };
        let array = with_null(&pointers);
        let snapshot = Snapshot::new();
        snapshot.walk(array.as_ptr());
        assert!(snapshot.unchanged(array.as_ptr()));
        assert_eq!(snapshot.get(Var::Hosts), Some(&b"/a"[..]));
        assert_eq!(snapshot.get(Var::HostAliases), Some(&b"/h"[..]));
        // Another array with the same entries (clearenv, an assignment to `environ`).
        let copy = with_null(&pointers);
        assert!(!snapshot.unchanged(copy.as_ptr()));
        // In the same array: an entry replaced (setenv of a set variable), one appended (setenv,
        // putenv), one removed (unsetenv moves the rest down).
        let replaced = CString::new("B=3").unwrap();
        let mut array = with_null(&pointers);
        array[2] = replaced.as_ptr().cast();
        assert!(!snapshot.unchanged(array.as_ptr()));
        let mut appended = pointers.clone();
        appended.push(replaced.as_ptr().cast());
        let appended = with_null(&appended);
        assert!(!snapshot.unchanged(appended.as_ptr()));
        snapshot.walk(appended.as_ptr());
        assert!(snapshot.unchanged(appended.as_ptr()));
        // unsetenv moves the entries after the removed one down, in the same array.
        let mut shrunk = appended.clone();
        let before = shrunk.as_ptr();
        shrunk.remove(1);
        assert_eq!(shrunk.as_ptr(), before);
        snapshot.array.set(before as usize);
        assert!(!snapshot.unchanged(shrunk.as_ptr()));
        let null: *const *const u8 = core::ptr::null();
        assert!(!snapshot.unchanged(null));
    }

    #[test]
    fn a_string_rewritten_in_place_is_seen_by_the_next_walk() {
        // A string given to putenv belongs to the program, which may rewrite it in place: no pointer
        // changes, so the snapshot holds until its walk is a second old.
        let text: *mut u8 = Box::into_raw(Box::new(*b"NETLIBC_HOSTX=/a\0")).cast();
        let array: [*const u8; 2] = [text, core::ptr::null()];
        let snapshot = Snapshot::new();
        snapshot.refresh_with(array.as_ptr(), 5);
        assert_eq!(snapshot.get(Var::Hosts), None);
        // SAFETY: within the 17 bytes of the leaked box, which nothing else references.
        unsafe { *text.add(12) = b'S' };
        assert!(snapshot.unchanged(array.as_ptr()));
        snapshot.refresh_with(array.as_ptr(), 5 + REWALK_NS - 1);
        assert_eq!(snapshot.get(Var::Hosts), None, "no pointer changed");
        snapshot.refresh_with(array.as_ptr(), 5 + REWALK_NS);
        assert_eq!(snapshot.get(Var::Hosts), Some(&b"/a"[..]), "walked again");
    }
}
