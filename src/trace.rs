//! `NETLIBC_TRACE`: one line per lookup and per socket call, for people debugging name resolution.
//!
//! `NETLIBC_TRACE=1` writes to standard error; any other value except `0` and the empty string names a
//! file to append to. Each line gives the function, its arguments, the result or error, the source that
//! answered (files, dns, cache), the server asked, and the time taken. When the variable is unset, the
//! cost of a traced call is one relaxed atomic load and a branch: the environment is read once, on the
//! first traced call, never at load.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicI32, AtomicU8, Ordering};
use std::time::Instant;

use crate::sys::syscall::{check, syscall6};

const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
static OUTPUT_FD: AtomicI32 = AtomicI32::new(2);

/// Longest line written; longer ones are cut (arguments can be attacker-sized strings).
const MAX_LINE: usize = 512;

/// A traced call in progress: when it started.
#[derive(Clone, Copy)]
pub struct Timer(Instant);

/// Starts timing a call, or returns `None` (at the cost of one load) when tracing is off.
#[inline(always)]
pub fn start() -> Option<Timer> {
    if !cfg!(feature = "trace") {
        return None;
    }
    match STATE.load(Ordering::Relaxed) {
        OFF => None,
        ON => Some(Timer(Instant::now())),
        _ => configure().then(|| Timer(Instant::now())),
    }
}

/// Writes one trace line: `netlibc[pid]: <call> (<microseconds> us)`.
pub fn emit(timer: Timer, call: fmt::Arguments) {
    let micros = timer.0.elapsed().as_secs_f64() * 1e6;
    let mut line = LineBuffer::new();
    let _ = write!(
        line,
        "netlibc[{}]: {call} ({micros:.1} us)",
        std::process::id()
    );
    line.finish();
    write_all(OUTPUT_FD.load(Ordering::Relaxed), line.as_bytes());
}

/// Who answered the lookup being traced on this thread: noted by the layer that answered (the files,
/// the resolver with the server that replied, its cache, or the name itself when it is numeric) and
/// read by the ABI function that writes the trace line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Numeric,
    Files,
    Dns(Option<std::net::SocketAddr>),
    Cache,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Numeric => f.write_str("numeric"),
            Source::Files => f.write_str("files"),
            Source::Dns(Some(server)) => write!(f, "dns {server}"),
            Source::Dns(None) => f.write_str("dns"),
            Source::Cache => f.write_str("cache"),
        }
    }
}

std::thread_local! {
    static ANSWERED_BY: core::cell::Cell<Option<Source>> = const { core::cell::Cell::new(None) };
}

/// Starts timing a lookup (as [`start`]) and forgets any source noted before it.
#[inline(always)]
pub fn start_lookup() -> Option<Timer> {
    let timer = start()?;
    ANSWERED_BY.with(|cell| cell.set(None));
    Some(timer)
}

/// Whether calls are being traced (one load; false until a traced call configured it).
#[inline(always)]
pub fn tracing() -> bool {
    cfg!(feature = "trace") && STATE.load(Ordering::Relaxed) != OFF
}

/// Notes who answered the current lookup; costs one load when tracing is off.
#[inline(always)]
pub fn note_source(source: Source) {
    if cfg!(feature = "trace") && STATE.load(Ordering::Relaxed) == ON {
        ANSWERED_BY.with(|cell| cell.set(Some(source)));
    }
}

/// The source noted so far for the current lookup, left in place.
pub fn noted_source() -> Option<Source> {
    ANSWERED_BY.with(|cell| cell.get())
}

/// Writes a lookup's trace line: `<call> = <result> [<source>]`, with the source noted since
/// [`start_lookup`] (none when no source answered).
pub fn emit_lookup(timer: Timer, call: fmt::Arguments, result: fmt::Arguments) {
    match ANSWERED_BY.with(|cell| cell.take()) {
        Some(source) => emit(timer, format_args!("{call} = {result} [{source}]")),
        None => emit(timer, format_args!("{call} = {result}")),
    }
}

/// Shows a byte string (a C string argument) quoted, with non-printable bytes escaped.
pub struct Quoted<'a>(pub Option<&'a [u8]>);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(bytes) = self.0 else {
            return f.write_str("NULL");
        };
        f.write_char('"')?;
        for &b in bytes {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", b as char)?,
                0x20..=0x7e => f.write_char(b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_char('"')
    }
}

/// Reads `NETLIBC_TRACE` once and opens the output; returns whether tracing is on.
#[cold]
fn configure() -> bool {
    let setting = std::env::var_os("NETLIBC_TRACE").unwrap_or_default();
    let on = !setting.is_empty() && setting != "0";
    if on && setting != "1" {
        if let Some(fd) = open_for_append(setting.as_encoded_bytes()) {
            OUTPUT_FD.store(fd, Ordering::Relaxed);
        }
    }
    STATE.store(if on { ON } else { OFF }, Ordering::Relaxed);
    on
}

fn open_for_append(path: &[u8]) -> Option<i32> {
    let mut c_path = path.to_vec();
    c_path.push(0);
    let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC;
    // SAFETY: c_path is NUL-terminated and outlives the call.
    let fd = check(unsafe {
        syscall6(
            libc::SYS_openat as usize,
            libc::AT_FDCWD as usize,
            c_path.as_ptr() as usize,
            flags as usize,
            0o644,
            0,
            0,
        )
    });
    fd.ok().map(|fd| fd as i32)
}

fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: bytes is a valid slice for the length given.
        let written = check(unsafe {
            syscall6(
                libc::SYS_write as usize,
                fd as usize,
                bytes.as_ptr() as usize,
                bytes.len(),
                0,
                0,
                0,
            )
        });
        match written {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
        }
    }
}

/// A fixed-size line: formatting never allocates, and what does not fit is cut with `...`.
struct LineBuffer {
    bytes: [u8; MAX_LINE],
    len: usize,
    cut: bool,
}

impl LineBuffer {
    fn new() -> Self {
        LineBuffer {
            bytes: [0; MAX_LINE],
            len: 0,
            cut: false,
        }
    }

    fn finish(&mut self) {
        let tail: &[u8] = if self.cut { b"...\n" } else { b"\n" };
        let at = self.len.min(MAX_LINE - tail.len());
        self.bytes[at..at + tail.len()].copy_from_slice(tail);
        self.len = at + tail.len();
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = MAX_LINE - 4 - self.len.min(MAX_LINE - 4);
        let take = s.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        self.cut |= take < s.len();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(call: fmt::Arguments) -> String {
        let mut line = LineBuffer::new();
        let _ = line.write_fmt(call);
        line.finish();
        String::from_utf8(line.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn quotes_and_escapes_c_strings() {
        let s = render(format_args!(
            "{} {}",
            Quoted(Some(b"a\"b\x01")),
            Quoted(None)
        ));
        assert_eq!(s, "\"a\\\"b\\x01\" NULL\n");
    }

    #[test]
    fn long_lines_are_cut_not_overflowed() {
        let long = vec![b'x'; 5000];
        let s = render(format_args!("{}", Quoted(Some(&long))));
        assert_eq!(s.len(), MAX_LINE);
        assert!(s.ends_with("...\n"));
    }
}
