//! The TTL cache (netlibc's own; glibc has none in-process): answers are kept for the smallest TTL
//! of their records, negative answers (NXDOMAIN, NODATA) for the RFC 2308 SOA TTL, nothing with TTL 0,
//! and never a failure to reach a server. Entries are keyed by the configuration generation and the
//! hosts file's version, so a changed resolv.conf or hosts file empties the cache in effect.
//!
//! Bounded to [`CAPACITY`] entries: when it is full, a new entry takes the place of the entry that
//! expires soonest (an expired one first), found through an index ordered by expiry, so that an insert
//! costs O(log n) however many distinct names a program asks. Thread-safe, and fork-safe through
//! [`crate::sys::lock::ForkSafeMutex`]; the lock is held only for in-memory work, never across I/O.

use super::conf::FileVersion;
use super::{Families, HostAnswer, LookupError, PtrAnswer};
use crate::sys::lock::ForkSafeMutex;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The most entries kept; the soonest to expire is dropped to make room.
pub(crate) const CAPACITY: usize = 1024;

/// What was asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Host(Vec<u8>, Families),
    Ptr(IpAddr),
}

/// What was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Host(Result<HostAnswer, LookupError>),
    Ptr(Result<PtrAnswer, LookupError>),
}

/// The state the entries are valid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    pub conf_generation: u64,
    pub hosts_version: Option<FileVersion>,
}

struct Entry {
    value: Value,
    /// The entry's place in [`Cache::by_expiry`].
    expiry: Expiry,
}

/// When an entry expires, with a sequence number that tells apart entries expiring at the same time.
type Expiry = (Instant, u64);

struct Cache {
    validity: Option<Validity>,
    entries: HashMap<Key, Entry>,
    /// Every entry's key by expiry, soonest first.
    by_expiry: BTreeMap<Expiry, Key>,
    sequence: u64,
}

static CACHE: ForkSafeMutex<Option<Cache>> = ForkSafeMutex::new(None);

/// Names compare without case.
pub fn host_key(name: &[u8], families: Families) -> Key {
    Key::Host(name.to_ascii_lowercase(), families)
}

/// The cached value for `key`, if fresh and valid for `validity`.
pub fn get(key: &Key, validity: Validity) -> Option<Value> {
    let guard = CACHE.lock();
    let cache = guard.as_ref()?;
    if cache.validity != Some(validity) {
        return None;
    }
    let entry = cache.entries.get(key)?;
    (entry.expiry.0 > Instant::now()).then(|| entry.value.clone())
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
        by_expiry: BTreeMap::new(),
        sequence: 0,
    });
    if cache.validity != Some(validity) {
        cache.entries.clear();
        cache.by_expiry.clear();
        cache.validity = Some(validity);
    }
    if let Some(old) = cache.entries.remove(&key) {
        cache.by_expiry.remove(&old.expiry);
    }
    while cache.entries.len() >= CAPACITY {
        let Some((_, soonest)) = cache.by_expiry.pop_first() else {
            break;
        };
        cache.entries.remove(&soonest);
    }
    cache.sequence += 1;
    let expiry = (expires, cache.sequence);
    cache.by_expiry.insert(expiry, key.clone());
    cache.entries.insert(key, Entry { value, expiry });
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
