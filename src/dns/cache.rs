//! The TTL cache (netlibc's own; glibc has none in-process): answers are kept for the smallest TTL
//! of their records, negative answers (NXDOMAIN, NODATA) for the RFC 2308 SOA TTL, nothing with TTL 0,
//! and never a failure to reach a server. Entries are keyed by the configuration generation and the
//! hosts file's version, so a changed resolv.conf or hosts file empties the cache in effect.
//!
//! Bounded to [`CAPACITY`] entries: when it is full, the [`EVICTED`] entries that expire soonest
//! (expired ones first) make room in one pass over the table, so that an insert costs O(1) amortised
//! however many distinct names a program asks (a scan for the single soonest entry on every insert
//! made a full cache cost more than parsing the reply). Thread-safe, and fork-safe through
//! [`crate::sys::lock::ForkSafeMutex`]; the lock is held only for in-memory work, never across I/O.

use super::conf::FileVersion;
use super::{Families, HostAnswer, LookupError, PtrAnswer};
use crate::sys::lock::ForkSafeMutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most entries kept; the soonest to expire are dropped to make room.
pub(crate) const CAPACITY: usize = 1024;

/// How many entries a full cache drops at once.
const EVICTED: usize = CAPACITY / 8;

/// What was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// The name in lower case.
    Host(Arc<[u8]>, Families),
    Ptr(IpAddr),
}

impl std::hash::Hash for Key {
    /// The bytes that tell keys apart, in as few writes as possible (equal keys hash alike; the map
    /// compares keys in full).
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Key::Host(name, families) => {
                state.write(name);
                state.write_u8(*families as u8);
            }
            Key::Ptr(IpAddr::V4(v4)) => state.write(&v4.octets()),
            Key::Ptr(IpAddr::V6(v6)) => state.write(&v6.octets()),
        }
    }
}

/// What was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Shared with the callers served: a hit copies no addresses.
    Host(Result<Arc<HostAnswer>, LookupError>),
    Ptr(Result<Arc<PtrAnswer>, LookupError>),
}

/// The state the entries are valid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    pub conf_generation: u64,
    pub hosts_version: Option<FileVersion>,
}

struct Entry {
    value: Value,
    expires: Instant,
}

struct Cache {
    validity: Option<Validity>,
    entries: HashMap<Key, Entry>,
}

static CACHE: ForkSafeMutex<Option<Cache>> = ForkSafeMutex::new(None);

/// Names compare without case.
pub fn host_key(name: &[u8], families: Families) -> Key {
    Key::Host(name.iter().map(u8::to_ascii_lowercase).collect(), families)
}

/// The cached value for `key`, if fresh and valid for `validity`.
pub fn get(key: &Key, validity: Validity) -> Option<Value> {
    let guard = CACHE.lock();
    let cache = guard.as_ref()?;
    if cache.validity != Some(validity) {
        return None;
    }
    let entry = cache.entries.get(key)?;
    (entry.expires > Instant::now()).then(|| entry.value.clone())
}

/// Keeps `value` for `ttl` seconds (not at all for 0).
pub fn put(key: Key, value: Value, ttl: u32, validity: Validity) {
    if ttl == 0 {
        return;
    }
    let expires = Instant::now() + Duration::from_secs(u64::from(ttl));
    let mut guard = CACHE.lock();
    let cache = guard.get_or_insert_with(|| Cache {
        validity: None,
        entries: HashMap::new(),
    });
    if cache.validity != Some(validity) {
        cache.entries.clear();
        cache.validity = Some(validity);
    }
    if cache.entries.len() >= CAPACITY {
        evict_soonest(&mut cache.entries);
    }
    cache.entries.insert(key, Entry { value, expires });
}

/// Drops every expired entry and the [`EVICTED`] entries that expire soonest.
fn evict_soonest(entries: &mut HashMap<Key, Entry>) {
    let mut expiries: Vec<Instant> = entries.values().map(|e| e.expires).collect();
    let count = EVICTED.min(expiries.len());
    if count == 0 {
        return;
    }
    // The index is within bounds (count - 1 < len), so this cannot panic.
    let (_, &mut last_dropped, _) = expiries.select_nth_unstable(count - 1);
    let threshold = last_dropped.max(Instant::now());
    entries.retain(|_, e| e.expires > threshold);
}

/// The number of entries (for tests).
pub fn len() -> usize {
    CACHE.lock().as_ref().map_or(0, |c| c.entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The cache is global: one test exercises it, so parallel tests cannot disturb each other.
    #[test]
    fn expiry_validity_ttl_zero_and_bound() {
        let validity = Validity {
            conf_generation: 9_000_001,
            hosts_version: None,
        };
        let key = host_key(b"A.Test", Families::V4);
        let value = Value::Host(Err(LookupError::NotFound));
        put(key.clone(), value.clone(), 100, validity);
        assert_eq!(
            get(&host_key(b"a.test", Families::V4), validity),
            Some(value.clone())
        );
        assert_eq!(get(&host_key(b"a.test", Families::V6), validity), None);
        let other = Validity {
            conf_generation: 9_000_002,
            ..validity
        };
        assert_eq!(get(&key, other), None);
        put(
            host_key(b"zero.test", Families::V4),
            value.clone(),
            0,
            validity,
        );
        assert_eq!(get(&host_key(b"zero.test", Families::V4), validity), None);
        for i in 0..CAPACITY + 10 {
            put(
                host_key(format!("n{i}.test").as_bytes(), Families::V4),
                value.clone(),
                50,
                validity,
            );
        }
        assert!(len() <= CAPACITY);
        // The longest-lived entry survived the evictions of the soonest-expiring ones.
        assert_eq!(get(&key, validity), Some(value));
        put(
            host_key(b"x.test", Families::V4),
            Value::Host(Err(LookupError::NoData)),
            1,
            other,
        );
        assert_eq!(
            get(&key, validity),
            None,
            "a new generation empties the cache"
        );
    }
}
