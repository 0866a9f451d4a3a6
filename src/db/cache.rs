//! A parsed file kept in memory and re-read only when the file changes.
//!
//! glibc opens and parses a database file on every lookup. Here the file is parsed once and watched
//! by the library's one inotify instance ([`crate::sys::changes`]); a lookup asks the call's change
//! check (one system call for every file the call looks at, [`crate::sys::call`]) whether an event
//! concerned the file, and makes a full `stat` (identity, size, modification and change times with
//! nanoseconds) only when one did, when the watch cannot tell, or when the last `stat` is a second old.
//! A changed file is read and parsed again *outside* the lock, and the new index is swapped in as an
//! `Arc`, so readers holding the old one are never disturbed and no lock is held across I/O. Hot
//! lookups do their (memory-only) work on the shared copy under the lock instead of taking a reference
//! ([`FileCache::with_value`]): one compare-and-swap instead of three atomic operations.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::sys::call;
use crate::sys::changes::{self, FileState, Ticket, REVALIDATE_NS};
pub use crate::sys::env::Var;

/// The lock of the global caches (and of the enumeration positions): fork-safe, held only to clone or
/// swap an `Arc` or for a lookup's memory work on the shared copy ([`FileCache::with_value`]), never
/// across I/O, never nested.
pub type Lock<T> = crate::sys::lock::ForkSafeMutex<T>;

/// Takes a global lock.
pub fn guard<T>(lock: &'static Lock<T>) -> crate::sys::lock::ForkSafeGuard<'static, T> {
    lock.lock()
}

/// What identifies one version of a file's content, cheaply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FileStamp {
    device: u64,
    inode: u64,
    size: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl FileStamp {
    fn of(metadata: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            device: metadata.dev(),
            inode: metadata.ino(),
            size: metadata.size(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
        }
    }
}

/// Calls `f` with the value of environment variable `var` when it is set and not empty.
///
/// Reads the environment in place (no copy, no lock: what a C library's own `getenv` callers do),
/// from the call's one walk of it ([`crate::sys::call::with_env`]); the bytes are only looked at
/// during `f`.
pub fn with_env<R>(var: Var, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    call::with_env(var, |value| f(value.filter(|value| !value.is_empty())))
}

/// [`with_env`], with an empty value passed as it is (for variables where "set but empty" means an
/// empty path, as `std::env::var_os` would give it).
pub fn with_env_raw<R>(var: Var, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    call::with_env(var, f)
}

struct Parsed<T> {
    path: OsString,
    /// `path` is the cache's default (no variable names another file).
    from_default: bool,
    stamp: FileStamp,
    value: Arc<T>,
    /// The file's registration with the change check; `None` means "stat every time".
    ticket: Option<Ticket>,
    /// When a full `stat` last confirmed the stamp (coarse monotonic nanoseconds).
    verified: u64,
}

/// One database file, parsed by `parse` and cached until the file changes.
pub struct FileCache<T> {
    variable: Var,
    default: &'static str,
    parse: fn(&[u8]) -> T,
    /// Bumped by the change check for every event about the file.
    changes: AtomicU64,
    slot: Lock<Option<Parsed<T>>>,
}

impl<T> FileCache<T> {
    /// Whether `parsed` came from `path` (the default path, the usual case, is told by its address:
    /// no comparison of bytes).
    fn same_path(&self, parsed: &Parsed<T>, path: &Path) -> bool {
        let default = path.as_os_str().as_bytes().as_ptr() == self.default.as_ptr();
        (default && parsed.from_default) || parsed.path == path.as_os_str()
    }
}

/// What a lookup knows about the cached file before looking at the disk.
enum Known<T> {
    /// Nothing cached for this path, or the change check cannot vouch for it.
    Unknown,
    /// An event concerned the file: read it again, even if size and times look the same.
    Changed,
    /// No event, but the last `stat` is a second old: the cached value if a `stat` agrees.
    Aged(Arc<T>),
}

impl<T> FileCache<T> {
    /// A cache of the file named by environment variable `variable`, or `default`.
    pub const fn new(variable: Var, default: &'static str, parse: fn(&[u8]) -> T) -> Self {
        FileCache {
            variable,
            default,
            parse,
            changes: AtomicU64::new(0),
            slot: Lock::new(None),
        }
    }

    /// The current parsed file, or `None` when it cannot be read (glibc's "unavailable").
    pub fn get(&'static self) -> Option<Arc<T>> {
        call::with_env_and_changes(self.variable, |value, checked| {
            let value = value.filter(|value| !value.is_empty());
            let path = Path::new(OsStr::from_bytes(value.unwrap_or(self.default.as_bytes())));
            self.get_checked(path, checked)
        })
    }

    /// Calls `f` with the current parsed file (`None` when it cannot be read). When nothing changed,
    /// `f` runs under the cache's lock on the shared copy (no reference counting): for a quick look or
    /// copy only, never for I/O or anything that takes another lock.
    pub fn with_value<R>(&'static self, f: impl FnOnce(Option<&T>) -> R) -> R {
        call::with_env_and_changes(self.variable, |value, checked| {
            let value = value.filter(|value| !value.is_empty());
            let path = Path::new(OsStr::from_bytes(value.unwrap_or(self.default.as_bytes())));
            {
                let slot = guard(&self.slot);
                if let Some(parsed) = slot.as_ref() {
                    if self.fresh(parsed, path, checked) {
                        if checked.keeping {
                            call::keep_until(parsed.verified.saturating_add(REVALIDATE_NS));
                        }
                        return f(Some(&parsed.value));
                    }
                }
            }
            f(self.get_checked(path, checked).as_deref())
        })
    }

    /// Whether `parsed` is the file at `path` as it is now: no event about it, and a `stat` less than
    /// a second old.
    fn fresh(&self, parsed: &Parsed<T>, path: &Path, checked: changes::Checked) -> bool {
        self.same_path(parsed, path)
            && checked.file_state(parsed.ticket, &self.changes) == FileState::Quiet
            && checked.now.wrapping_sub(parsed.verified) < REVALIDATE_NS
    }

    #[cfg(test)]
    fn get_path(&'static self, path: &Path) -> Option<Arc<T>> {
        self.get_checked(path, call::changes())
    }

    fn get_checked(&'static self, path: &Path, checked: changes::Checked) -> Option<Arc<T>> {
        let known = {
            let mut slot = guard(&self.slot);
            match slot.as_mut() {
                Some(parsed) if self.same_path(parsed, path) => {
                    match checked.file_state(parsed.ticket, &self.changes) {
                        FileState::Quiet
                            if checked.now.wrapping_sub(parsed.verified) < REVALIDATE_NS =>
                        {
                            if checked.keeping {
                                call::keep_until(parsed.verified.saturating_add(REVALIDATE_NS));
                            }
                            return Some(Arc::clone(&parsed.value));
                        }
                        FileState::Quiet => Known::Aged(Arc::clone(&parsed.value)),
                        FileState::Changed => Known::Changed,
                        FileState::Unknown => Known::Unknown,
                    }
                }
                _ => Known::Unknown,
            }
        };
        // Looked at on disk in this call: what is computed from it is not kept (the next call,
        // answered from the cache alone, may keep its results).
        call::not_keepable();
        if let Known::Aged(value) = &known {
            // A bind mount over the path, a symlinked directory: what no event tells.
            let stamp = FileStamp::of(&std::fs::metadata(path).ok()?);
            if let Some(parsed) = guard(&self.slot).as_mut() {
                if parsed.stamp == stamp && self.same_path(parsed, path) {
                    parsed.verified = checked.now;
                    return Some(Arc::clone(value));
                }
            }
        }
        // The watch starts before the stat, so an edit after the stat is an event for the next call.
        let ticket = changes::watch(path, &self.changes);
        if let Known::Unknown = &known {
            let stamp = FileStamp::of(&std::fs::metadata(path).ok()?);
            if let Some(parsed) = guard(&self.slot).as_mut() {
                if parsed.stamp == stamp && self.same_path(parsed, path) {
                    parsed.ticket = ticket;
                    parsed.verified = checked.now;
                    return Some(Arc::clone(&parsed.value));
                }
            }
        }
        let (stamp, content) = read_file(path)?;
        let value = Arc::new((self.parse)(&content));
        let parsed = Parsed {
            path: path.as_os_str().to_os_string(),
            from_default: path.as_os_str().as_bytes().as_ptr() == self.default.as_ptr(),
            stamp,
            value: Arc::clone(&value),
            ticket,
            verified: checked.now,
        };
        *guard(&self.slot) = Some(parsed);
        changes::note_change();
        Some(value)
    }
}

/// Reads a whole file, with the stamp of the very file that was read.
fn read_file(path: &Path) -> Option<(FileStamp, Vec<u8>)> {
    let mut file = std::fs::File::open(path).ok()?;
    let stamp = FileStamp::of(&file.metadata().ok()?);
    let mut content = Vec::with_capacity(stamp.size as usize);
    file.read_to_end(&mut content).ok()?;
    Some((stamp, content))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn count_lines(content: &[u8]) -> usize {
        content.iter().filter(|&&b| b == b'\n').count()
    }

    #[test]
    fn an_edit_is_seen_by_the_next_call_and_an_unchanged_file_is_not_reparsed() {
        let dir = std::env::temp_dir().join(format!("netlibc-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("db");
        std::fs::write(&path, "a\n").unwrap();
        static CACHE: FileCache<usize> = FileCache::new(Var::Hosts, "/nonexistent", count_lines);
        let cache = &CACHE;
        let first = cache.get_path(&path).unwrap();
        assert_eq!(*first, 1);
        assert!(Arc::ptr_eq(&first, &cache.get_path(&path).unwrap()));
        // Same size, same second: only the inode or nanoseconds can tell; a rename changes the inode.
        let tmp = dir.join("db.new");
        std::fs::File::create(&tmp)
            .unwrap()
            .write_all(b"b\nc\n")
            .unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(*cache.get_path(&path).unwrap(), 2);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"d\n")
            .unwrap();
        assert_eq!(*cache.get_path(&path).unwrap(), 3);
        // Same size, rewritten in place at once: the watch sees it even if the times look equal.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .write_all(b"x\ny\nz\n")
            .unwrap();
        let rewritten = cache.get_path(&path).unwrap();
        assert_eq!(*rewritten, 3);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .write_all(b"x y z\n")
            .unwrap();
        assert_eq!(*cache.get_path(&path).unwrap(), 1);
        // Another file of the directory changing costs nothing and keeps the parsed copy.
        let kept = cache.get_path(&path).unwrap();
        std::fs::write(dir.join("other"), "o").unwrap();
        assert!(Arc::ptr_eq(&kept, &cache.get_path(&path).unwrap()));
        std::fs::remove_file(&path).unwrap();
        assert!(cache.get_path(&path).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
