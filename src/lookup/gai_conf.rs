//! `/etc/gai.conf` (`NETLIBC_GAI_CONF` overrides the path): the tables of RFC 3484 destination sorting.
//!
//! The format and its quirks are glibc 2.36's (`gaiconf_init`): `label` and `precedence` take an IPv6
//! prefix and a value, `scopev4` an IPv4 prefix (dotted or `::ffff:` mapped) and a scope, `reload yes`
//! re-reads a changed file before each sort. A table given in the file *replaces* that default table (a
//! catch-all `::/0` entry — label 1, precedence 40, scope 14 — is added when the file has none) and is
//! ordered most specific first; a table absent from the file keeps glibc's RFC 3484 default.

use std::net::Ipv4Addr;
use std::sync::Arc;

// glibc reads the prefixes with `inet_pton`; so do we, with its exact rules.
use crate::inet::ipv4::parse_ipv4_strict as parse_ipv4;
use crate::inet::ipv6::parse_ipv6;
use crate::sys::lock::ForkSafeMutex;

/// One `label` or `precedence` entry: addresses whose first `bits` bits equal `prefix`'s get `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixEntry {
    pub prefix: [u8; 16],
    pub bits: u32,
    pub value: i32,
}

/// One `scopev4` entry, in network byte order as glibc keeps it: `address & netmask == masked` → `scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeEntry {
    pub masked: [u8; 4],
    pub netmask: [u8; 4],
    pub scope: i32,
}

/// The three tables destination sorting uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortPolicy {
    pub labels: Vec<PrefixEntry>,
    pub precedence: Vec<PrefixEntry>,
    pub scopes: Vec<ScopeEntry>,
}

/// What a gai.conf file says: the tables (defaults where absent) and its `reload` line, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaiConf {
    pub policy: SortPolicy,
    /// `Some(true)` for `reload yes`, `Some(false)` for any other `reload` value; the last line wins.
    pub reload: Option<bool>,
}

const fn entry(prefix: [u8; 16], bits: u32, value: i32) -> PrefixEntry {
    PrefixEntry {
        prefix,
        bits,
        value,
    }
}

const LOOPBACK: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const SIX_TO_FOUR: [u8; 16] = [0x20, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const ANY: [u8; 16] = [0; 16];
const V4_MAPPED: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
const SITE_LOCAL: [u8; 16] = [0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const UNIQUE_LOCAL: [u8; 16] = [0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const TEREDO: [u8; 16] = [0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

impl Default for SortPolicy {
    /// glibc's built-in RFC 3484 tables (with its site-local, ULA and Teredo label additions).
    fn default() -> SortPolicy {
        SortPolicy {
            labels: vec![
                entry(LOOPBACK, 128, 0),
                entry(SIX_TO_FOUR, 16, 2),
                entry(ANY, 96, 3),
                entry(V4_MAPPED, 96, 4),
                entry(SITE_LOCAL, 10, 5),
                entry(UNIQUE_LOCAL, 7, 6),
                entry(TEREDO, 32, 7),
                entry(ANY, 0, 1),
            ],
            precedence: vec![
                entry(LOOPBACK, 128, 50),
                entry(SIX_TO_FOUR, 16, 30),
                entry(ANY, 96, 20),
                entry(V4_MAPPED, 96, 10),
                entry(ANY, 0, 40),
            ],
            scopes: vec![
                ScopeEntry {
                    masked: [169, 254, 0, 0],
                    netmask: [255, 255, 0, 0],
                    scope: 2,
                },
                ScopeEntry {
                    masked: [127, 0, 0, 0],
                    netmask: [255, 0, 0, 0],
                    scope: 2,
                },
                ScopeEntry {
                    masked: [0; 4],
                    netmask: [0; 4],
                    scope: 14,
                },
            ],
        }
    }
}

impl SortPolicy {
    /// The label of an IPv6 address (IPv4 ones as `::ffff:a.b.c.d`); glibc's default for no match.
    pub fn label(&self, address: &[u8; 16]) -> i32 {
        match_prefix(&self.labels, address).unwrap_or(i32::MAX)
    }

    /// The precedence of an IPv6 address (IPv4 ones as `::ffff:a.b.c.d`).
    pub fn precedence(&self, address: &[u8; 16]) -> i32 {
        match_prefix(&self.precedence, address).unwrap_or(0)
    }

    /// The scope of an IPv4 address: the first matching `scopev4` entry.
    pub fn ipv4_scope(&self, address: Ipv4Addr) -> i32 {
        let octets = address.octets();
        let matches = |e: &&ScopeEntry| (0..4).all(|i| octets[i] & e.netmask[i] == e.masked[i]);
        self.scopes.iter().find(matches).map_or(14, |e| e.scope)
    }
}

/// The first entry whose prefix matches `address`' first `bits` bits (the tables are ordered).
fn match_prefix(table: &[PrefixEntry], address: &[u8; 16]) -> Option<i32> {
    table
        .iter()
        .find(|e| prefix_matches(&e.prefix, address, e.bits))
        .map(|e| e.value)
}

fn prefix_matches(prefix: &[u8; 16], address: &[u8; 16], bits: u32) -> bool {
    let whole = (bits / 8) as usize;
    if prefix[..whole] != address[..whole] {
        return false;
    }
    let rest = bits % 8;
    let mask = (0xff00u16 >> rest) as u8;
    whole >= 16 || prefix[whole] & mask == address[whole] & mask
}

/// Parses a gai.conf file's bytes. Malformed lines are ignored, as in glibc.
pub fn parse(text: &[u8]) -> GaiConf {
    let mut labels = Vec::new();
    let mut precedence = Vec::new();
    let mut scopes = Vec::new();
    let mut reload = None;
    for line in text.split(|&b| b == b'\n') {
        let line = line.split(|&b| b == 0 || b == b'#').next().unwrap_or(&[]);
        let mut words = line.split(|b| is_c_space(*b)).filter(|w| !w.is_empty());
        let (command, value1, value2) = (
            words.next().unwrap_or(&[]),
            words.next().unwrap_or(&[]),
            words.next().unwrap_or(&[]),
        );
        match command {
            b"label" => labels.extend(parse_prefix_entry(value1, value2)),
            b"precedence" => precedence.extend(parse_prefix_entry(value1, value2)),
            b"scopev4" => scopes.extend(parse_scope_entry(value1, value2)),
            b"reload" => reload = Some(value1 == b"yes"),
            _ => {}
        }
    }
    let defaults = SortPolicy::default();
    let policy = SortPolicy {
        labels: finish_prefix_table(labels, 1).unwrap_or(defaults.labels),
        precedence: finish_prefix_table(precedence, 40).unwrap_or(defaults.precedence),
        scopes: finish_scope_table(scopes).unwrap_or(defaults.scopes),
    };
    GaiConf { policy, reload }
}

/// C's `isspace` in the C locale.
fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// C's `strtoul(token, &end, 10)` where the whole token must be consumed: `None` for trailing bytes or
/// overflow. An empty token is 0 (no digits, nothing left over), and a `-` negates modulo 2^64.
fn strtoul_whole(token: &[u8]) -> Option<u64> {
    let (negative, digits) = match token.first() {
        Some(b'-') => (true, &token[1..]),
        Some(b'+') => (false, &token[1..]),
        _ => (false, token),
    };
    if digits.is_empty() {
        return token.is_empty().then_some(0);
    }
    let mut value: u64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// Splits `address/bits` at the first slash.
fn split_prefix(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    match text.iter().position(|&b| b == b'/') {
        Some(slash) => (&text[..slash], Some(&text[slash + 1..])),
        None => (text, None),
    }
}

/// A value: a whole decimal number up to `INT_MAX`.
fn parse_value(text: &[u8]) -> Option<i32> {
    i32::try_from(strtoul_whole(text)?).ok()
}

fn parse_prefix_entry(value1: &[u8], value2: &[u8]) -> Option<PrefixEntry> {
    let (address, bits) = split_prefix(value1);
    let prefix = parse_ipv6(address)?;
    // Without `/bits` glibc tests a pointer strtoul never set (undefined behaviour); glibc 2.36 as built
    // here rejects such lines (tests/sort_glibc.rs), and so do we.
    let bits = strtoul_whole(bits?)?;
    if bits > 128 {
        return None;
    }
    Some(PrefixEntry {
        prefix,
        bits: bits as u32,
        value: parse_value(value2)?,
    })
}

/// A `scopev4` entry; its `bits` count within the mapped IPv6 address (96 = everything).
fn parse_scope_entry(value1: &[u8], value2: &[u8]) -> Option<(ScopeEntry, u64)> {
    let (address, bits_text) = split_prefix(value1);
    let (last_four, bits) = if let Some(v6) = parse_ipv6(address) {
        if v6[..12] != V4_MAPPED[..12] {
            return None;
        }
        let bits = strtoul_whole(bits_text?)?;
        if !(96..=128).contains(&bits) {
            return None;
        }
        ([v6[12], v6[13], v6[14], v6[15]], bits)
    } else {
        let v4 = parse_ipv4(address)?;
        let bits = strtoul_whole(bits_text?)?;
        if bits > 32 {
            return None;
        }
        (v4, bits + 96)
    };
    let scope = parse_value(value2)?;
    let netmask = if bits == 96 {
        0
    } else {
        u32::MAX << (128 - bits)
    }
    .to_be_bytes();
    let masked = [0, 1, 2, 3].map(|i| last_four[i] & netmask[i]);
    Some((
        ScopeEntry {
            masked,
            netmask,
            scope,
        },
        bits,
    ))
}

/// A table from the file: the catch-all appended when no entry has 0 bits, then most specific first
/// (glibc's merge sort is stable, so equal lengths keep file order). `None` when the file had none.
fn finish_prefix_table(mut entries: Vec<PrefixEntry>, catch_all: i32) -> Option<Vec<PrefixEntry>> {
    if entries.is_empty() {
        return None;
    }
    if !entries.iter().any(|e| e.bits == 0) {
        entries.push(entry(ANY, 0, catch_all));
    }
    entries.sort_by_key(|e| core::cmp::Reverse(e.bits));
    Some(entries)
}

/// As [`finish_prefix_table`] for scopes. glibc orders them by the netmask *as stored* (network byte
/// order read as a native integer), largest first; on little-endian machines that is not quite "most
/// specific first", and we keep its order.
fn finish_scope_table(entries: Vec<(ScopeEntry, u64)>) -> Option<Vec<ScopeEntry>> {
    if entries.is_empty() {
        return None;
    }
    let has_catch_all = entries.iter().any(|(_, bits)| *bits == 96);
    let mut scopes: Vec<ScopeEntry> = entries.into_iter().map(|(e, _)| e).collect();
    if !has_catch_all {
        scopes.push(ScopeEntry {
            masked: [0; 4],
            netmask: [0; 4],
            scope: 14,
        });
    }
    scopes.sort_by_key(|e| core::cmp::Reverse(u32::from_ne_bytes(e.netmask)));
    Some(scopes)
}

/// The file's path: `NETLIBC_GAI_CONF`, else `/etc/gai.conf`.
fn path() -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    crate::sys::call::with_env(crate::sys::env::Var::GaiConf, |value| {
        std::ffi::OsStr::from_bytes(value.unwrap_or(b"/etc/gai.conf")).into()
    })
}

/// The file's modification time (seconds, nanoseconds), if it can be stat'ed.
fn modification_time(path: &std::path::Path) -> Option<(i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.mtime(), metadata.mtime_nsec()))
}

struct Loaded {
    policy: Arc<SortPolicy>,
    /// Different for every load: what results computed with the tables remember them by.
    serial: u64,
    modified: Option<(i64, i64)>,
    reload: bool,
}

static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The serial of the loaded tables when they are loaded for good (no `reload yes`), else 0: read
/// without the lock.
static STABLE_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The process's tables: read once on first use; with `reload yes`, re-read whenever the file's
/// modification time changed (a vanished file means the defaults, with the reload flag kept).
static LOADED: ForkSafeMutex<Option<Loaded>> = ForkSafeMutex::new(None);

/// The tables in force now (the file is read outside the lock).
pub fn current_policy() -> Arc<SortPolicy> {
    current_policy_and_serial().0
}

/// The serial of the tables in force now: without `reload yes`, one look under the lock (no
/// reference count touched).
pub fn current_serial() -> u64 {
    match STABLE_SERIAL.load(std::sync::atomic::Ordering::Acquire) {
        0 => {
            // Not loaded yet, or `reload yes` (the file is `stat`ed on every call).
            crate::sys::call::not_keepable();
            current_policy_and_serial().1
        }
        serial => serial,
    }
}

/// The tables in force now and their serial.
pub fn current_policy_and_serial() -> (Arc<SortPolicy>, u64) {
    let snapshot = LOADED
        .lock()
        .as_ref()
        .map(|l| (Arc::clone(&l.policy), l.serial, l.modified, l.reload));
    let path;
    let reload_flag = match snapshot {
        Some((policy, serial, _, false)) => return (policy, serial),
        Some((policy, serial, modified, true)) => {
            path = self::path();
            let now = modification_time(&path);
            if now.is_some() && now == modified {
                return (policy, serial);
            }
            true
        }
        None => {
            path = self::path();
            false
        }
    };
    crate::sys::call::not_keepable();
    let loaded = load(&path, reload_flag);
    let found = (Arc::clone(&loaded.policy), loaded.serial);
    let stable = if loaded.reload { 0 } else { loaded.serial };
    *LOADED.lock() = Some(loaded);
    crate::sys::changes::note_change();
    STABLE_SERIAL.store(stable, std::sync::atomic::Ordering::Release);
    found
}

fn load(path: &std::path::Path, reload_flag: bool) -> Loaded {
    let modified = modification_time(path);
    match std::fs::read(path) {
        Ok(text) => {
            let conf = parse(&text);
            Loaded {
                policy: Arc::new(conf.policy),
                serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                modified,
                reload: conf.reload.unwrap_or(reload_flag),
            }
        }
        Err(_) => Loaded {
            policy: Arc::new(SortPolicy::default()),
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            modified: None,
            reload: reload_flag,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(text: &str) -> [u8; 16] {
        text.parse::<std::net::Ipv6Addr>().unwrap().octets()
    }

    #[test]
    fn default_tables_give_rfc3484_values() {
        let policy = SortPolicy::default();
        assert_eq!(policy.precedence(&v6("::1")), 50);
        assert_eq!(policy.precedence(&v6("2002::1")), 30);
        assert_eq!(policy.precedence(&v6("::ffff:192.0.2.1")), 10);
        assert_eq!(policy.precedence(&v6("::192.0.2.1")), 20);
        assert_eq!(policy.precedence(&v6("2001:db8::1")), 40);
        assert_eq!(policy.label(&v6("fec0::1")), 5);
        assert_eq!(policy.label(&v6("fd00::1")), 6);
        assert_eq!(policy.label(&v6("2001::1")), 7);
        assert_eq!(policy.label(&v6("2001:db8::1")), 1);
        assert_eq!(policy.ipv4_scope(Ipv4Addr::new(169, 254, 3, 4)), 2);
        assert_eq!(policy.ipv4_scope(Ipv4Addr::new(127, 9, 9, 9)), 2);
        assert_eq!(policy.ipv4_scope(Ipv4Addr::new(192, 0, 2, 1)), 14);
    }

    #[test]
    fn a_table_in_the_file_replaces_only_that_table() {
        let conf = parse(
            b"# comment\nprecedence ::ffff:0:0/96 100 # IPv4 first\n  label 2001:db8::/32 9\n",
        );
        assert_eq!(
            conf.policy.precedence,
            vec![entry(V4_MAPPED, 96, 100), entry(ANY, 0, 40)]
        );
        assert_eq!(conf.policy.labels[0], entry(v6("2001:db8::"), 32, 9));
        assert_eq!(conf.policy.labels[1], entry(ANY, 0, 1));
        assert_eq!(conf.policy.scopes, SortPolicy::default().scopes);
        assert_eq!(conf.reload, None);
    }

    #[test]
    fn entries_are_ordered_by_prefix_length_stably() {
        let conf = parse(b"label ::/0 3\nlabel 2001::/16 4\nlabel fc00::/16 5\nlabel ::1/128 6\n");
        let bits: Vec<_> = conf
            .policy
            .labels
            .iter()
            .map(|e| (e.bits, e.value))
            .collect();
        assert_eq!(
            bits,
            vec![(128, 6), (16, 4), (16, 5), (0, 3)],
            "no catch-all added: ::/0 given"
        );
    }

    #[test]
    fn malformed_lines_are_ignored() {
        let text = b"label ::1/129 1\nlabel nonsense/8 1\nlabel ::1/8x 1\nlabel ::1/8 2147483648\n\
                     label ::1/8 -1\nprecedence ::1/99999999999999999999999 1\nlabelx ::/0 1\n";
        assert_eq!(parse(text).policy, SortPolicy::default());
    }

    #[test]
    fn strtoul_quirks_are_kept() {
        // An empty value or length is 0; a leading + is fine.
        let conf = parse(b"label ::1/ \nprecedence 2001::/+16 +7\n");
        assert_eq!(conf.policy.labels, vec![entry(LOOPBACK, 0, 0)]);
        assert_eq!(conf.policy.precedence[0], entry(v6("2001::"), 16, 7));
        assert_eq!(strtoul_whole(b"-1"), Some(u64::MAX));
        assert_eq!(strtoul_whole(b"-"), None);
    }

    #[test]
    fn scopes_in_both_spellings() {
        let conf = parse(
            b"scopev4 ::ffff:10.0.0.0/104 3\nscopev4 192.168.0.0/16 4\nscopev4 0.0.0.0/0 9\n",
        );
        let policy = conf.policy;
        assert_eq!(policy.ipv4_scope(Ipv4Addr::new(10, 1, 2, 3)), 3);
        assert_eq!(policy.ipv4_scope(Ipv4Addr::new(192, 168, 7, 7)), 4);
        assert_eq!(
            policy.ipv4_scope(Ipv4Addr::new(8, 8, 8, 8)),
            9,
            "the file's catch-all, not 14"
        );
        assert_eq!(policy.scopes.len(), 3);
    }

    #[test]
    fn prefixes_without_a_length_are_rejected() {
        // glibc ignores `label`/`precedence` lines without `/bits` and crashes on such `scopev4` lines.
        let conf = parse(b"precedence ::ffff:0:0 100\nlabel ::1 3\nscopev4 192.0.2.1 1\n");
        assert_eq!(conf.policy, SortPolicy::default());
    }

    #[test]
    fn reload_takes_the_last_line() {
        assert_eq!(parse(b"reload yes\n").reload, Some(true));
        assert_eq!(parse(b"reload yes\nreload no\n").reload, Some(false));
        assert_eq!(parse(b"reload\n").reload, Some(false));
    }

    #[test]
    fn path_follows_the_environment_and_a_missing_file_means_defaults() {
        let file = std::env::temp_dir().join(format!("netlibc-gai-{}.conf", std::process::id()));
        std::env::set_var("NETLIBC_GAI_CONF", &file);
        assert_eq!(path(), file);
        std::env::remove_var("NETLIBC_GAI_CONF");
        assert_eq!(path(), std::path::PathBuf::from("/etc/gai.conf"));

        let missing = load(&file, true);
        assert_eq!(*missing.policy, SortPolicy::default());
        assert!(missing.reload, "a vanished file keeps the reload flag");
        std::fs::write(&file, "reload yes\nprecedence ::ffff:0:0/96 100\n").unwrap();
        let loaded = load(&file, false);
        assert!(loaded.reload && loaded.modified.is_some());
        assert_eq!(loaded.policy.precedence[0].value, 100);
        std::fs::write(&file, "label ::/0 1\n").unwrap();
        assert!(
            load(&file, true).reload,
            "no reload line: the flag stays as it was"
        );
        std::fs::remove_file(&file).unwrap();
    }

    #[test]
    fn prefix_matching_counts_bits() {
        assert!(prefix_matches(&v6("fe80::"), &v6("febf::1"), 10));
        assert!(!prefix_matches(&v6("fe80::"), &v6("fec0::1"), 10));
        assert!(prefix_matches(&v6("::1"), &v6("::1"), 128));
        assert!(prefix_matches(&v6("2001:db8::"), &v6("::"), 0));
    }
}
