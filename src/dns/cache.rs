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
use crate::db::hash::{Map, Seeded};
use crate::sys::lock::ForkSafeMutex;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::Arc;

/// The most entries kept; the soonest to expire are dropped to make room.
pub(crate) const CAPACITY: usize = 1024;

/// How many entries a full cache drops at once.
const EVICTED: usize = CAPACITY / 8;

/// What was asked, as the cache keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// The name in lower case.
    Host(Arc<[u8]>, Families),
    Ptr(IpAddr),
}

impl Key {
    /// The key as a lookup asks it.
    pub fn as_ref(&self) -> KeyRef<'_> {
        match self {
            Key::Host(name, families) => KeyRef::Host(name, *families),
            Key::Ptr(address) => KeyRef::Ptr(*address),
        }
    }
}

/// What a lookup asks, borrowed: a hit copies nothing (the name in any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRef<'a> {
    Host(&'a [u8], Families),
    Ptr(IpAddr),
}

impl KeyRef<'_> {
    /// The key to keep (the name in lower case).
    pub fn to_key(self) -> Key {
        match self {
            KeyRef::Host(name, families) => host_key(name, families),
            KeyRef::Ptr(address) => Key::Ptr(address),
        }
    }

    /// The hash of the key (names without case), with the cache's seed.
    fn hash(self, seed: &Seeded) -> u64 {
        let mut hasher = seed.build_hasher();
        match self {
            KeyRef::Host(name, families) => {
                for (word, length) in crate::db::hash::lower_words(name) {
                    hasher.write_u64(word ^ ((length as u64) << 59));
                }
                hasher.write_u8(families as u8);
            }
            KeyRef::Ptr(IpAddr::V4(v4)) => hasher.write(&v4.octets()),
            KeyRef::Ptr(IpAddr::V6(v6)) => hasher.write(&v6.octets()),
        }
        hasher.finish()
    }

    /// Whether `key` (as kept) is this one.
    fn matches(self, key: &Key) -> bool {
        match (self, key) {
            (KeyRef::Host(name, families), Key::Host(kept, kept_families)) => {
                families == *kept_families && crate::db::hash::same_name(name, kept)
            }
            (KeyRef::Ptr(address), Key::Ptr(kept)) => address == *kept,
            _ => false,
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
    key: Key,
    value: Value,
    /// When it expires, on the coarse monotonic clock (nanoseconds).
    expires: u64,
}

struct Cache {
    validity: Option<Validity>,
    /// The seed of the keys' hashes.
    keys: Seeded,
    /// Entries by the hash of their key. Two keys with one hash (a 64-bit collision) cannot both be
    /// kept: the later replaces the earlier, which is then only a miss, never a wrong answer (a hit
    /// compares the whole key).
    entries: Map<u64, Entry>,
}

static CACHE: ForkSafeMutex<Option<Cache>> = ForkSafeMutex::new(None);

/// Names compare without case.
pub fn host_key(name: &[u8], families: Families) -> Key {
    Key::Host(name.iter().map(u8::to_ascii_lowercase).collect(), families)
}

/// The cached value for `key`, if fresh and valid for `validity`.
pub fn get(key: KeyRef<'_>, validity: Validity) -> Option<Value> {
    with(key, validity, |value, _| value.clone())
}

/// `visit` on the cached value for `key`, if fresh and valid for `validity`, under the cache's lock
/// (no copy, no reference count touched): `visit` must be memory work only and take no lock. `visit`
/// is also given when the entry expires (the coarse clock, nanoseconds).
pub fn with<R>(
    key: KeyRef<'_>,
    validity: Validity,
    visit: impl FnOnce(&Value, u64) -> R,
) -> Option<R> {
    let now = crate::sys::call::now();
    let guard = CACHE.lock();
    let cache = guard.as_ref()?;
    if cache.validity != Some(validity) {
        return None;
    }
    let entry = cache.entries.get(&key.hash(&cache.keys))?;
    (key.matches(&entry.key) && entry.expires > now).then(|| visit(&entry.value, entry.expires))
}

/// Keeps `value` for `ttl` seconds (not at all for 0).
pub fn put(key: Key, value: Value, ttl: u32, validity: Validity) {
    if ttl == 0 {
        return;
    }
    let expires = crate::sys::call::now().saturating_add(u64::from(ttl) * 1_000_000_000);
    let mut guard = CACHE.lock();
    let cache = guard.get_or_insert_with(|| Cache {
        validity: None,
        keys: Seeded::default(),
        entries: Map::default(),
    });
    if cache.validity != Some(validity) {
        cache.entries.clear();
        cache.validity = Some(validity);
    }
    if cache.entries.len() >= CAPACITY {
        evict_soonest(&mut cache.entries);
    }
    let hash = key.as_ref().hash(&cache.keys);
    cache.entries.insert(
        hash,
        Entry {
            key,
            value,
            expires,
        },
    );
    // Under the lock, after the insertion: a lookup that read the counter before this finds its
    // stamp outdated; one that reads it after finds the entry.
    crate::sys::changes::note_change();
}

/// Drops every expired entry and the [`EVICTED`] entries that expire soonest.
fn evict_soonest(entries: &mut Map<u64, Entry>) {
    let mut expiries: Vec<u64> = entries.values().map(|e| e.expires).collect();
    let count = EVICTED.min(expiries.len());
    if count == 0 {
        return;
    }
    // The index is within bounds (count - 1 < len), so this cannot panic.
    let (_, &mut last_dropped, _) = expiries.select_nth_unstable(count - 1);
    let threshold = last_dropped.max(crate::sys::call::now());
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
            get(KeyRef::Host(b"a.test", Families::V4), validity),
            Some(value.clone())
        );
        assert_eq!(get(KeyRef::Host(b"a.test", Families::V6), validity), None);
        let other = Validity {
            conf_generation: 9_000_002,
            ..validity
        };
        assert_eq!(get(key.as_ref(), other), None);
        put(
            host_key(b"zero.test", Families::V4),
            value.clone(),
            0,
            validity,
        );
        assert_eq!(
            get(KeyRef::Host(b"zero.test", Families::V4), validity),
            None
        );
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
        assert_eq!(get(key.as_ref(), validity), Some(value));
        put(
            host_key(b"x.test", Families::V4),
            Value::Host(Err(LookupError::NoData)),
            1,
            other,
        );
        assert_eq!(
            get(key.as_ref(), validity),
            None,
            "a new generation empties the cache"
        );
    }
}
