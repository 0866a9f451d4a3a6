//! The environment variables netlibc reads, kept per thread while no entry of `environ` changes.
//!
//! glibc's `getenv` walks the whole environment for each variable it is asked for; a lookup that reads
//! six variables (the database paths, host.conf's, `RESOLV_MULTI`…) walked it six times, which was a
//! third of a `gethostbyname("localhost")`. Here a thread keeps a copy of every variable of [`Var`]
//! and the addresses of `environ`'s entries, and a call only compares those addresses with the live
//! ones ([`Snapshot::refresh`], once per call: [`super::call`]; four entries a turn, no string read):
//! any `setenv`, `putenv`, `unsetenv`, `clearenv` or assignment to `environ` between two calls changes
//! one, and the second call reads the variables again, so it sees the change, as with `getenv`.

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

/// How many entries of `environ` a thread remembers to tell cheaply that nothing changed; a larger
/// environment is walked on every call.
const REMEMBERED: usize = 256;

/// How long a walk is trusted (nanoseconds of the caller's coarse clock): what no pointer tells, a
/// string given to `putenv` rewritten in place, is seen after this much at most.
pub(crate) const REWALK_NS: u64 = 1_000_000_000;

/// What one thread knows of the environment: a copy of each variable's value, and the entries of
/// `environ` at the last walk, so that the next call can tell by comparing pointers (no string is
/// read) that nothing changed.
///
/// Every way a program changes its environment changes a pointer: `setenv` and `putenv` put a new
/// entry in the array (in place of the old one, or appended), `unsetenv` moves the entries after the
/// removed one, `clearenv` and an assignment to `environ` replace the array. A change of a pointer
/// means a new walk. The one change no pointer shows, a string given to `putenv` that the program
/// then rewrites in place (which POSIX allows: the string is the environment), is seen by the walk
/// made at least once a second.
///
/// The walk reads the values through `std::env::var_os`, which holds std's environment lock: a Rust
/// caller's `set_var` on another thread (the tests do that) then cannot free the array under the walk
/// (glibc's `setenv` frees the old array before it publishes the new one). The comparison of pointers
/// reads no string, so a stale array read there only makes the next walk happen.
pub struct Snapshot {
    /// The array `environ` pointed to at the last walk (0: no walk yet).
    array: Cell<usize>,
    /// How many entries it had then (more than [`REMEMBERED`]: not remembered).
    count: Cell<usize>,
    /// Their addresses.
    entries: [Cell<usize>; REMEMBERED],
    /// The values found, one after the other.
    values: Cell<Vec<u8>>,
    /// For each variable: the address and length of its value in `values`, `(0, 0)` when unset.
    found: [Cell<(usize, usize)>; COUNT],
    /// When the last walk was made.
    walked_at: Cell<u64>,
    /// How many walks this snapshot made: the values are the same while this does not change.
    walks: Cell<u64>,
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot::new()
    }
}

impl core::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Snapshot")
            .field("array", &self.array)
            .field("count", &self.count)
            .field("found", &self.found)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// A snapshot that has walked nothing yet.
    pub const fn new() -> Snapshot {
        Snapshot {
            array: Cell::new(0),
            count: Cell::new(0),
            entries: [const { Cell::new(0) }; REMEMBERED],
            values: Cell::new(Vec::new()),
            found: [const { Cell::new((0, 0)) }; COUNT],
            walked_at: Cell::new(0),
            walks: Cell::new(0),
        }
    }

    /// A snapshot of the environment now (walked).
    pub fn take() -> Snapshot {
        let snapshot = Snapshot::new();
        snapshot.walk(environment(), &process_value);
        snapshot
    }

    /// Makes the snapshot agree with `environ`: a comparison of pointers when nothing changed since
    /// the last walk (less than `REWALK_NS` before `now`), a new walk otherwise.
    pub fn refresh(&self, now: u64) {
        self.refresh_with(environment(), now, &process_value);
    }

    fn refresh_with(
        &self,
        environment: *const *const u8,
        now: u64,
        value_of: &dyn Fn(Var) -> Option<Vec<u8>>,
    ) {
        if !self.unchanged(environment) || now.wrapping_sub(self.walked_at.get()) >= REWALK_NS {
            self.walk(environment, value_of);
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

    /// Remembers the entries of `environment` (pointers only: no string is read), then copies the
    /// value of each variable (`value_of`). In that order: a change between the two shows as a
    /// changed pointer at the next call. (Out of line: one copy for every caller.)
    #[inline(never)]
    fn walk(&self, environment: *const *const u8, value_of: &dyn Fn(Var) -> Option<Vec<u8>>) {
        self.array.set(environment as usize);
        let mut count = 0;
        if !environment.is_null() {
            // At most one entry past what can be remembered: more means "not remembered".
            while count <= REMEMBERED {
                // SAFETY: the entries before index `count` were not null, so the array goes on at
                // least to index `count` (its terminating null, at the latest).
                let entry = unsafe { *environment.add(count) };
                if entry.is_null() {
                    break;
                }
                if let Some(remembered) = self.entries.get(count) {
                    remembered.set(entry as usize);
                }
                count += 1;
            }
        }
        self.count.set(count);
        let mut values = Vec::new();
        let mut spans = [None; COUNT];
        for (span, var) in spans.iter_mut().zip(ALL) {
            if let Some(value) = value_of(var) {
                *span = Some((values.len(), value.len()));
                values.extend_from_slice(&value);
            }
        }
        let base = values.as_ptr() as usize;
        for (found, span) in self.found.iter().zip(spans) {
            found.set(span.map_or((0, 0), |(at, length)| (base + at, length)));
        }
        // The old values go; nothing refers to them between calls (see `Value`).
        drop(self.values.replace(values));
        self.walks.set(self.walks.get().wrapping_add(1));
    }

    /// How many walks the snapshot made: what was computed from its values holds while this does
    /// not change.
    pub fn walks(&self) -> u64 {
        self.walks.get()
    }

    /// The value of `var`, unset or as the environment held it at the last walk (possibly empty).
    pub fn get(&self, var: Var) -> Option<&[u8]> {
        self.value(var).into_bytes()
    }

    /// Where the value of `var` is, to be read within the call (before the next walk).
    pub(crate) fn value(&self, var: Var) -> Value {
        let (address, length) = self.found[var as usize].get();
        Value { address, length }
    }
}

/// The variables in [`Var`]'s order.
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

/// A variable of the process's environment, read under std's environment lock.
fn process_value(var: Var) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(var.name()).map(OsStringExt::into_vec)
}

/// `environ`: null, or a null-terminated array of NUL-terminated strings.
fn environment() -> *const *const u8 {
    // SAFETY: `environ` is glibc's (netlibc does not define it); only the pointer is read here.
    unsafe { libc::environ as *const *const u8 }
}

/// Where one variable's value is (in a snapshot's copy of the values), or that it is unset.
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
        // SAFETY: `address` and `length` describe a value in a snapshot's `values`, which is replaced
        // only by a walk; callers read a value within the library call that took it, and a call
        // walks at most once, at its start, before any value is taken (`crate::sys::call`).
        Some(unsafe { core::slice::from_raw_parts(self.address as *const u8, self.length) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    /// An environment of our own (not the process's: tests run in parallel): its array, and the
    /// values `getenv` would find in it.
    struct Fake {
        strings: Vec<CString>,
        array: Vec<*const u8>,
    }

    impl Fake {
        fn new(entries: &[&str]) -> Fake {
            let strings: Vec<CString> = entries.iter().map(|e| CString::new(*e).unwrap()).collect();
            let mut array: Vec<*const u8> = strings.iter().map(|s| s.as_ptr().cast()).collect();
            array.push(core::ptr::null());
            Fake { strings, array }
        }

        /// `getenv`: the first entry `NAME=…` wins.
        fn value(&self, var: Var) -> Option<Vec<u8>> {
            let prefix = format!("{}=", var.name());
            self.strings.iter().find_map(|s| {
                s.as_bytes()
                    .strip_prefix(prefix.as_bytes())
                    .map(<[u8]>::to_vec)
            })
        }

        fn snapshot(&self) -> Snapshot {
            let snapshot = Snapshot::new();
            snapshot.walk(self.array.as_ptr(), &|var| self.value(var));
            snapshot
        }
    }

    #[test]
    fn every_variable_is_found_as_getenv_finds_it() {
        for (i, var) in ALL.into_iter().enumerate() {
            assert_eq!(var as usize, i);
            let name = var.name();
            let set = format!("{name}=value of {name}");
            let empty = format!("{name}=");
            let other = "OTHER=1";
            let found = Fake::new(&[other, &set, &empty]).snapshot();
            let expected = format!("value of {name}");
            assert_eq!(found.get(var), Some(expected.as_bytes()), "{name}");
            for unrelated in ALL.into_iter().filter(|&v| v != var) {
                assert_eq!(found.get(unrelated), None);
            }
            assert_eq!(
                Fake::new(&[&empty, &set]).snapshot().get(var),
                Some(&b""[..])
            );
            assert_eq!(Fake::new(&[other]).snapshot().get(var), None);
        }
        // The process's environment, read through std.
        let process = Snapshot::take();
        for var in ALL {
            let expected = std::env::var_os(var.name());
            let expected = expected
                .as_deref()
                .map(std::os::unix::ffi::OsStrExt::as_bytes);
            // Another test may set a variable in between; none of those this compares.
            if matches!(var, Var::LocalDomain | Var::ResOptions | Var::HostAliases) {
                assert_eq!(process.get(var), expected, "{}", var.name());
            }
        }
    }

    #[test]
    fn any_changed_pointer_means_a_new_walk() {
        let fake = Fake::new(&["A=1", "NETLIBC_HOSTS=/a", "B=2", "HOSTALIASES=/h"]);
        let snapshot = fake.snapshot();
        assert!(snapshot.unchanged(fake.array.as_ptr()));
        assert_eq!(snapshot.get(Var::Hosts), Some(&b"/a"[..]));
        assert_eq!(snapshot.get(Var::HostAliases), Some(&b"/h"[..]));
        // Another array with the same entries (clearenv, an assignment to `environ`).
        let copy = fake.array.clone();
        assert!(!snapshot.unchanged(copy.as_ptr()));
        // In the same array: an entry replaced (setenv of a set variable), one appended (setenv,
        // putenv), one removed (unsetenv moves the rest down).
        let replaced = CString::new("B=3").unwrap();
        let mut array = fake.array.clone();
        snapshot.array.set(array.as_ptr() as usize);
        array[2] = replaced.as_ptr().cast();
        assert!(!snapshot.unchanged(array.as_ptr()));
        let mut appended = fake.array.clone();
        appended.insert(4, replaced.as_ptr().cast());
        snapshot.walk(appended.as_ptr(), &|var| fake.value(var));
        assert!(snapshot.unchanged(appended.as_ptr()));
        let mut shrunk = appended.clone();
        let before = shrunk.as_ptr();
        shrunk.remove(1);
        assert_eq!(shrunk.as_ptr(), before);
        assert!(!snapshot.unchanged(shrunk.as_ptr()));
        let null: *const *const u8 = core::ptr::null();
        assert!(!snapshot.unchanged(null));
        // A new walk forgets what the previous environment held.
        snapshot.walk(null, &|_| None);
        assert_eq!(snapshot.get(Var::Hosts), None);
    }

    #[test]
    fn a_large_environment_is_walked_every_time() {
        let entries: Vec<String> = (0..REMEMBERED + 1).map(|i| format!("V{i}=x")).collect();
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        let fake = Fake::new(&entries);
        let snapshot = fake.snapshot();
        assert!(!snapshot.unchanged(fake.array.as_ptr()));
        let fits = Fake::new(&entries[..REMEMBERED]);
        let snapshot = fits.snapshot();
        assert!(snapshot.unchanged(fits.array.as_ptr()));
    }

    #[test]
    fn a_string_rewritten_in_place_is_seen_by_the_next_walk() {
        // A string given to putenv belongs to the program, which may rewrite it in place: no pointer
        // changes, so the snapshot holds until its walk is a second old.
        let text: *mut u8 = Box::into_raw(Box::new(*b"NETLIBC_HOSTX=/a\0")).cast();
        let array: [*const u8; 2] = [text, core::ptr::null()];
        let value_of = |var: Var| {
            // SAFETY: the leaked box's 17 bytes, NUL-terminated.
            let text = unsafe { core::ffi::CStr::from_ptr(text.cast()) }.to_bytes();
            let prefix = format!("{}=", var.name());
            text.strip_prefix(prefix.as_bytes()).map(<[u8]>::to_vec)
        };
        let snapshot = Snapshot::new();
        snapshot.refresh_with(array.as_ptr(), 5, &value_of);
        assert_eq!(snapshot.get(Var::Hosts), None);
        // SAFETY: within the 17 bytes of the leaked box, which nothing else references.
        unsafe { *text.add(12) = b'S' };
        assert!(snapshot.unchanged(array.as_ptr()));
        snapshot.refresh_with(array.as_ptr(), 5 + REWALK_NS - 1, &value_of);
        assert_eq!(snapshot.get(Var::Hosts), None, "no pointer changed");
        snapshot.refresh_with(array.as_ptr(), 5 + REWALK_NS, &value_of);
        assert_eq!(snapshot.get(Var::Hosts), Some(&b"/a"[..]), "walked again");
    }
}
