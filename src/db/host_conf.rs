//! `/etc/host.conf` (or `NETLIBC_HOST_CONF`, or glibc's `RESOLV_HOST_CONF`): only `multi` changes what
//! the files lookups return; `RESOLV_MULTI` overrides it as in glibc's `res_hconf.c`.
//!
//! glibc reads the file once per process, and so does netlibc (once per path: a test that points
//! `NETLIBC_HOST_CONF` elsewhere gets the new file, and the old one's settings again when it points
//! back); `RESOLV_MULTI` is read on every call. The settings of the path last used are compared
//! without a lock.

use std::cell::Cell;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicPtr, Ordering};

use super::cache::{guard, Lock, Var};
use super::text::is_space;

/// The settings of host.conf that the files databases use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostConf {
    /// `multi on`: a name lookup returns the addresses of every matching hosts line.
    pub multi: bool,
}

/// glibc's `arg_bool`: a word starting with `on` sets, `off` clears, anything else is ignored.
fn apply_bool(value: &[u8], setting: &mut bool) {
    let value = &value[value.iter().take_while(|&&b| is_space(b)).count()..];
    let starts =
        |word: &[u8]| value.len() >= word.len() && value[..word.len()].eq_ignore_ascii_case(word);
    if starts(b"on") {
        *setting = true;
    } else if starts(b"off") {
        *setting = false;
    }
}

impl HostConf {
    /// Parses host.conf: `keyword args`, `#` comments, keywords in any case.
    pub fn parse(content: &[u8]) -> HostConf {
        let mut conf = HostConf::default();
        for line in content.split(|&b| b == b'\n') {
            let line = &line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())];
            let start = line.iter().take_while(|&&b| is_space(b)).count();
            let rest = &line[start..];
            let word_len = rest.iter().take_while(|&&b| !is_space(b)).count();
            if rest[..word_len].eq_ignore_ascii_case(b"multi") {
                apply_bool(&rest[word_len..], &mut conf.multi);
            }
        }
        conf
    }
}

/// One host.conf read: the path and its settings. Never freed: one per distinct path the process
/// ever names (glibc reads the file once per process; netlibc once per path).
struct Read {
    /// The default path itself (a static string), or a leaked copy of another.
    path: &'static [u8],
    conf: HostConf,
}

/// The file glibc reads (a static: one address, which tells it apart without reading it).
static DEFAULT_PATH: &[u8] = b"/etc/host.conf";

/// Every path read so far (the slow path looks here before reading a file).
static READ: Lock<Vec<&'static Read>> = Lock::new(Vec::new());
/// The last one used: what a lookup compares its path with, without a lock.
static LAST: AtomicPtr<Read> = AtomicPtr::new(core::ptr::null_mut());

/// The settings of the host.conf file at `path`, read once per path.
fn settings_of(path: &[u8]) -> HostConf {
    // SAFETY: `LAST` is null or points to a leaked `Read` (never freed, never written after it was
    // published with Release ordering, read here with Acquire).
    if let Some(last) = unsafe { LAST.load(Ordering::Acquire).as_ref() } {
        // The default path (the usual case) is the same static string: no comparison of bytes.
        if core::ptr::eq(last.path, path) || *last.path == *path {
            return last.conf;
        }
    }
    let known = guard(&READ).iter().copied().find(|r| *r.path == *path);
    let read = known.unwrap_or_else(|| {
        // Read outside the lock; two threads reading a new path at once both parse it, one is kept.
        let conf = std::fs::read(OsStr::from_bytes(path))
            .map(|content| HostConf::parse(&content))
            .unwrap_or_default();
        let mut all = guard(&READ);
        match all.iter().copied().find(|r| *r.path == *path) {
            Some(read) => read,
            None => {
                let path = if path == DEFAULT_PATH {
                    DEFAULT_PATH
                } else {
                    Box::leak(Box::<[u8]>::from(path))
                };
                let read: &'static Read = Box::leak(Box::new(Read { path, conf }));
                all.push(read);
                read
            }
        }
    });
    LAST.store(read as *const Read as *mut Read, Ordering::Release);
    read.conf
}

thread_local! {
    /// This thread's last answer and the environment generation it was computed under (the file of a
    /// path is read once, so the answer holds while the variables do).
    static KEPT: Cell<Option<(u64, HostConf)>> = const { Cell::new(None) };
}

/// The host.conf settings now in force, with `RESOLV_MULTI` applied. (Variables set but empty are
/// as unset.)
pub fn host_conf() -> HostConf {
    let generation = crate::sys::call::env_generation();
    if let Some(generation) = generation {
        if let Ok(Some((kept, conf))) = KEPT.try_with(Cell::get) {
            if kept == generation {
                return conf;
            }
        }
    }
    let conf = host_conf_now();
    if let Some(generation) = generation {
        let _ = KEPT.try_with(|kept| kept.set(Some((generation, conf))));
    }
    conf
}

/// [`host_conf`], from the variables and the file.
fn host_conf_now() -> HostConf {
    let variables = [Var::HostConf, Var::ResolvHostConf, Var::ResolvMulti];
    crate::sys::call::with_envs(variables, |values| {
        let [netlibc, glibc, multi] = values.map(|v| v.filter(|v| !v.is_empty()));
        let mut conf = settings_of(netlibc.or(glibc).unwrap_or(DEFAULT_PATH));
        if let Some(value) = multi {
            apply_bool(value, &mut conf.multi);
        }
        conf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_keyword() {
        assert!(HostConf::parse(b"multi on\n").multi);
        assert!(HostConf::parse(b"  MULTI\tOn # yes\n").multi);
        assert!(!HostConf::parse(b"multi on\nmulti off\n").multi);
        assert!(!HostConf::parse(b"# multi on\norder hosts,bind\n").multi);
        assert!(!HostConf::parse(b"multi maybe\n").multi);
        assert!(HostConf::parse(b"multi onward\n").multi);
        assert!(!HostConf::parse(b"multiple on\n").multi);
    }
}
