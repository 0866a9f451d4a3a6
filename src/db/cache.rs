//! A parsed file kept in memory and re-read only when the file changes.
//!
//! glibc opens and parses a database file on every lookup. Here each lookup makes one `stat` and
//! compares the file's identity (device, inode), size and modification time (with nanoseconds) with
//! those of the parsed copy; when they differ the file is read and parsed again *outside* the lock, and
//! the new index is swapped in as an `Arc`, so readers holding the old one are never disturbed and no
//! lock is held across I/O.

use std::ffi::{CStr, OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::watch::{Watch, WatchState};

/// The lock of the global caches (and of the enumeration positions): fork-safe, held only to clone or
/// swap an `Arc` (and to ask the non-blocking inotify queue), never across I/O, never nested.
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

/// Calls `f` with the value of environment variable `variable` when it is set and not empty.
///
/// Reads the environment in place with `getenv` (no copy, no lock: what a C library's own `getenv`
/// callers do); the bytes are only looked at during `f`.
pub fn with_env<R>(variable: &CStr, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    with_env_raw(variable, |value| f(value.filter(|value| !value.is_empty())))
}

/// [`with_env`], with an empty value passed as it is (for variables where "set but empty" means an
/// empty path, as `std::env::var_os` would give it).
pub fn with_env_raw<R>(variable: &CStr, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    // SAFETY: `variable` is NUL-terminated; getenv returns null or a NUL-terminated string of the
    // environment, which stays valid while no other thread modifies the environment (as for any
    // getenv caller); it is read only inside `f`.
    let value = unsafe {
        let pointer = libc::getenv(variable.as_ptr());
        (!pointer.is_null()).then(|| CStr::from_ptr(pointer).to_bytes())
    };
    f(value)
}

/// The path of a database: the `NETLIBC_*` variable when set and not empty, else the system file.
pub fn database_path(variable: &str, default: &str) -> PathBuf {
    match std::env::var_os(variable) {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => PathBuf::from(default),
    }
}

struct Parsed<T> {
    path: OsString,
    stamp: FileStamp,
    value: Arc<T>,
    /// Tells cheaply that the file is unchanged; `None` means "stat every time".
    watch: Option<Watch>,
    /// When a full `stat` last confirmed the stamp.
    verified: Instant,
}

/// How long the inotify answer is trusted before a full `stat` confirms it (what inotify cannot see:
/// a bind mount over the path, a symlinked directory).
const REVALIDATE: Duration = Duration::from_secs(1);

/// One database file, parsed by `parse` and cached until the file changes.
pub struct FileCache<T> {
    variable: &'static CStr,
    default: &'static str,
    parse: fn(&[u8]) -> T,
    slot: Lock<Option<Parsed<T>>>,
}

impl<T> FileCache<T> {
    /// A cache of the file named by environment variable `variable`, or `default`.
    pub const fn new(
        variable: &'static CStr,
        default: &'static str,
        parse: fn(&[u8]) -> T,
    ) -> Self {
        FileCache {
            variable,
            default,
            parse,
            slot: Lock::new(None),
        }
    }

    /// The current parsed file, or `None` when it cannot be read (glibc's "unavailable").
    pub fn get(&'static self) -> Option<Arc<T>> {
        with_env(self.variable, |value| {
            let path = Path::new(OsStr::from_bytes(value.unwrap_or(self.default.as_bytes())));
            self.get_path(path)
        })
    }

    fn get_path(&'static self, path: &Path) -> Option<Arc<T>> {
        let seen_change = match self.unchanged(path) {
            Ok(value) => return Some(value),
            Err(seen_change) => seen_change,
        };
        // The watch starts before the stat, so an edit after the stat is an event for the next call.
        let watch = Watch::new(path);
        let stamp = FileStamp::of(&std::fs::metadata(path).ok()?);
        if let Some(parsed) = guard(&self.slot).as_mut() {
            // An event for the file means new content even when size and times look the same.
            if !seen_change && parsed.stamp == stamp && parsed.path == path.as_os_str() {
                parsed.watch = watch;
                parsed.verified = Instant::now();
                return Some(Arc::clone(&parsed.value));
            }
        }
        let (stamp, content) = read_file(path)?;
        let value = Arc::new((self.parse)(&content));
        let path = path.as_os_str().to_os_string();
        let verified = Instant::now();
        let parsed = Parsed {
            path,
            stamp,
            value: Arc::clone(&value),
            watch,
            verified,
        };
        *guard(&self.slot) = Some(parsed);
        Some(value)
    }

    /// The cached value when its watch says the file is unchanged (no `stat`); otherwise whether the
    /// watch saw the file change. A watch that saw something is dropped; the caller checks with `stat`.
    fn unchanged(&'static self, path: &Path) -> Result<Arc<T>, bool> {
        let mut slot = guard(&self.slot);
        let Some(parsed) = slot.as_mut() else {
            return Err(false);
        };
        if parsed.path != path.as_os_str() {
            return Err(false);
        }
        // The inotify query cannot block: it only counts (and reads) queued events.
        let state = parsed.watch.as_ref().map(Watch::state);
        if state == Some(WatchState::Quiet) && parsed.verified.elapsed() < REVALIDATE {
            return Ok(Arc::clone(&parsed.value));
        }
        parsed.watch = None;
        Err(state == Some(WatchState::FileChanged))
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
        static VARIABLE_VALUE: &CStr = c"NETLIBC_TEST_CACHE_FILE";
        std::env::set_var(VARIABLE_VALUE.to_str().unwrap(), &path);
        static CACHE: FileCache<usize> =
            FileCache::new(VARIABLE_VALUE, "/nonexistent", count_lines);
        let cache = &CACHE;
        let first = cache.get().unwrap();
        assert_eq!(*first, 1);
        assert!(Arc::ptr_eq(&first, &cache.get().unwrap()));
        // Same size, same second: only the inode or nanoseconds can tell; a rename changes the inode.
        let tmp = dir.join("db.new");
        std::fs::File::create(&tmp)
            .unwrap()
            .write_all(b"b\nc\n")
            .unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(*cache.get().unwrap(), 2);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"d\n")
            .unwrap();
        assert_eq!(*cache.get().unwrap(), 3);
        // Same size, rewritten in place at once: the watch sees it even if the times look equal.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .write_all(b"x\ny\nz\n")
            .unwrap();
        let rewritten = cache.get().unwrap();
        assert_eq!(*rewritten, 3);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .write_all(b"x y z\n")
            .unwrap();
        assert_eq!(*cache.get().unwrap(), 1);
        // Another file of the directory changing costs nothing and keeps the parsed copy.
        let kept = cache.get().unwrap();
        std::fs::write(dir.join("other"), "o").unwrap();
        assert!(Arc::ptr_eq(&kept, &cache.get().unwrap()));
        std::fs::remove_file(&path).unwrap();
        assert!(cache.get().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
