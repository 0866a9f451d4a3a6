//! The DNS stub resolver: resolv.conf, the wire codec, UDP/TCP transport, the lookup logic and the TTL
//! cache.
//!
//! The API for the rest of the library is [`lookup_host`] and [`lookup_ptr`] (configuration from
//! resolv.conf, with the cache), and their `_with` forms that take an explicit [`ResolvConf`] and skip
//! the cache. [`nsswitch`] gives the order of the `hosts:` sources.

pub mod cache;
pub mod conf;
pub mod nsswitch;
pub mod resolver;
pub mod sysio;
pub mod transport;
pub mod wire;

pub use conf::ResolvConf;
pub use resolver::asks_for;
use std::net::IpAddr;
use std::sync::Arc;

/// Which address families a forward lookup wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Families {
    /// A only (gethostbyname, AF_INET).
    V4,
    /// AAAA only (gethostbyname2 with AF_INET6).
    V6,
    /// A and AAAA, in parallel by default (getaddrinfo with AF_UNSPEC).
    Both,
}

/// A forward lookup's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostAnswer {
    /// The end of the CNAME chain (the queried name when there is none), as text without a final dot.
    pub canonical_name: Vec<u8>,
    /// The names that led to it through CNAMEs, in chain order.
    pub aliases: Vec<Vec<u8>>,
    /// Addresses in answer order (sorted by `sortlist` for [`Families::V4`]).
    pub v4: Vec<[u8; 4]>,
    pub v6: Vec<[u8; 16]>,
    /// The smallest TTL of the records used.
    pub ttl: u32,
}

/// A reverse lookup's answer: the PTR names in answer order (the first is the host's name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PtrAnswer {
    pub names: Vec<Vec<u8>>,
    pub ttl: u32,
}

/// Why a lookup gave no answer, as glibc's h_errno tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LookupError {
    /// NXDOMAIN: HOST_NOT_FOUND (EAI_NONAME).
    NotFound,
    /// The name exists without addresses of the type asked: NO_DATA (EAI_NODATA).
    NoData,
    /// SERVFAIL, REFUSED or NOTIMP from every server, a timeout, or no server reachable: TRY_AGAIN
    /// (EAI_AGAIN).
    TryAgain,
    /// FORMERR (or another unusual rcode), a malformed answer, an answer without a usable record:
    /// NO_RECOVERY. glibc's getaddrinfo reports it as EAI_NONAME, not EAI_FAIL (compared in
    /// tests/dns_glibc.rs).
    NoRecovery,
}

impl LookupError {
    /// The h_errno value glibc sets for this error.
    pub fn h_errno(self) -> i32 {
        match self {
            LookupError::NotFound => 1,
            LookupError::TryAgain => 2,
            LookupError::NoRecovery => 3,
            LookupError::NoData => 4,
        }
    }
}

/// Whether `NETLIBC_DNS_CACHE=0` leaves the cache on (with `options no-cache`, the other switch).
fn cache_variable_on() -> bool {
    crate::db::cache::with_env_raw(crate::sys::env::Var::DnsCache, |value| value != Some(b"0"))
}

/// The variable naming the hosts file (whose changes also empty the cache), and the default.
const HOSTS_VARIABLE: crate::sys::env::Var = crate::sys::env::Var::Hosts;
const HOSTS_DEFAULT: &str = "/etc/hosts";

/// The path of the hosts file.
fn hosts_path() -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    crate::db::cache::with_env_raw(HOSTS_VARIABLE, |value| {
        std::ffi::OsStr::from_bytes(value.unwrap_or(HOSTS_DEFAULT.as_bytes())).into()
    })
}

/// Whether `variable` (or `default` when it is unset) still names `path`, read without a copy.
fn still_names(variable: crate::sys::env::Var, default: &str, path: &std::path::Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    crate::db::cache::with_env_raw(variable, |value| {
        value.unwrap_or(default.as_bytes()) == path.as_os_str().as_bytes()
    })
}

/// How long a cache hit may rely on the last check of resolv.conf and the hosts file (nanoseconds of
/// the call's coarse clock). Checking costs two `stat`s (about 2 µs here), more than the hit itself; a
/// lookup that goes to the network always checks first, so only answers already cached can outlive a
/// file change, and by this much at most.
const RECHECK_INTERVAL_NS: u64 = 100_000_000;

/// The configuration and cache validity found by the last check of the files.
struct Checked {
    /// When (the call's coarse clock, nanoseconds).
    at: u64,
    resolv_path: std::path::PathBuf,
    hosts_path: std::path::PathBuf,
    conf: std::sync::Arc<ResolvConf>,
    validity: cache::Validity,
}

/// What a lookup relies on: whether the configuration turns the cache off, and the state cache
/// entries must be valid for.
struct Recent {
    no_cache: bool,
    validity: cache::Validity,
    /// When the files were last checked (a cache hit relies on that check until
    /// [`RECHECK_INTERVAL_NS`] later).
    checked_at: u64,
    /// The configuration, when the files were checked by this very call (not taken from an earlier
    /// check: a cache hit needs none).
    conf: Option<std::sync::Arc<ResolvConf>>,
}

static LAST_CHECK: crate::sys::lock::ForkSafeMutex<Option<Checked>> =
    crate::sys::lock::ForkSafeMutex::new(None);

/// Checks resolv.conf (reloading it if changed) and the hosts file now. `paths` are those of the
/// last check when this lookup has just found that the environment still names them.
fn check_files(paths: Option<(std::path::PathBuf, std::path::PathBuf)>) -> Recent {
    let (resolv_path, hosts_path) =
        paths.unwrap_or_else(|| (conf::resolv_conf_path(), hosts_path()));
    let (conf, generation) = conf::current_at(&resolv_path);
    let validity = cache::Validity {
        conf_generation: generation,
        hosts_version: conf::FileVersion::of(&hosts_path),
    };
    let at = crate::sys::call::now();
    *LAST_CHECK.lock() = Some(Checked {
        at,
        resolv_path,
        hosts_path,
        conf: conf.clone(),
        validity,
    });
    Recent {
        no_cache: conf.options.no_cache,
        validity,
        checked_at: at,
        conf: Some(conf),
    }
}

/// The paths of the last check.
fn last_paths() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    LAST_CHECK
        .lock()
        .as_ref()
        .map(|c| (c.resolv_path.clone(), c.hosts_path.clone()))
}

/// The last check if it is recent and for the same paths, else a new one. The paths are compared
/// with the environment's bytes in place (memory work only, under the lock).
fn recent_check() -> Recent {
    if let Some(c) = LAST_CHECK.lock().as_ref() {
        if crate::sys::call::now().wrapping_sub(c.at) < RECHECK_INTERVAL_NS
            && still_names(
                conf::RESOLV_CONF_VARIABLE,
                conf::RESOLV_CONF_DEFAULT,
                &c.resolv_path,
            )
            && still_names(HOSTS_VARIABLE, HOSTS_DEFAULT, &c.hosts_path)
        {
            return Recent {
                no_cache: c.conf.options.no_cache,
                validity: c.validity,
                checked_at: c.at,
                conf: None,
            };
        }
    }
    check_files(None)
}

/// A resolver result with the TTL the cache may keep it for.
type Timed<T> = Result<T, (LookupError, Option<u32>)>;

/// Serves `key` from the cache, or resolves it with `resolve` (on freshly checked files) and keeps
/// what may be kept: answers, NXDOMAIN and NODATA, for their TTL (never failures to get an answer).
/// The cache is off with `NETLIBC_DNS_CACHE=0` or `options no-cache`.
fn cached<T: Clone>(
    key: cache::KeyRef<'_>,
    wrap: fn(Result<T, LookupError>) -> cache::Value,
    unwrap: fn(&cache::Value) -> Option<Result<&T, LookupError>>,
    ttl_of: fn(&T) -> u32,
    resolve: impl Fn(&ResolvConf) -> Timed<T>,
) -> Result<T, LookupError> {
    cached_map(key, wrap, unwrap, ttl_of, resolve, |result| result.cloned())
}

/// [`cached`], giving the answer to `map`: a cache hit is mapped in place, under the cache's lock
/// (no reference count is touched), so `map` must be memory work only and take no lock.
fn cached_map<T: Clone, R>(
    key: cache::KeyRef<'_>,
    wrap: fn(Result<T, LookupError>) -> cache::Value,
    unwrap: fn(&cache::Value) -> Option<Result<&T, LookupError>>,
    ttl_of: fn(&T) -> u32,
    resolve: impl Fn(&ResolvConf) -> Timed<T>,
    map: impl Fn(Result<&T, LookupError>) -> R,
) -> R {
    let timer = crate::trace::start();
    let variable_on = cache_variable_on();
    let recent = recent_check();
    if !variable_on || recent.no_cache {
        crate::sys::call::not_keepable();
        crate::trace::note_source(crate::trace::Source::Dns(None));
        let result = resolve(&conf::current().0).map_err(|(error, _)| error);
        if timer.is_some() {
            trace_lookup(timer, &key.to_key(), &result);
        }
        return map(result.as_ref().map_err(|error| *error));
    }
    let hit = cache::with(key, recent.validity, |value, expires| {
        let result = unwrap(value)?;
        // The answer holds until the entry expires or the files must be checked again.
        let recheck = recent.checked_at.saturating_add(RECHECK_INTERVAL_NS);
        crate::sys::call::keep_until(expires.min(recheck));
        crate::trace::note_source(crate::trace::Source::Cache);
        // Only a traced call copies the answer (its trace line is written after the lock is left).
        let traced = timer.is_some().then(|| result.cloned());
        Some((map(result), traced))
    });
    if let Some((mapped, traced)) = hit.flatten() {
        if let Some(result) = traced {
            trace_lookup(timer, &key.to_key(), &result);
        }
        return mapped;
    }
    // Asked of the network (or not kept): the next call may find another answer.
    crate::sys::call::not_keepable();
    // A lookup that goes to the network checks the files first (once: maybe just done above).
    let fresh = match recent.conf {
        Some(conf) => (conf, recent.validity),
        None => {
            let checked = check_files(last_paths());
            (
                checked.conf.unwrap_or_else(|| conf::current().0),
                checked.validity,
            )
        }
    };
    let (fresh_conf, fresh_validity) = fresh;
    crate::trace::note_source(crate::trace::Source::Dns(None));
    let result = resolve(&fresh_conf);
    let ttl = match &result {
        Ok(answer) => ttl_of(answer),
        Err((_, negative_ttl)) => negative_ttl.unwrap_or(0),
    };
    let result = result.map_err(|(error, _)| error);
    let keep = matches!(
        result,
        Ok(_) | Err(LookupError::NotFound | LookupError::NoData)
    );
    if timer.is_some() {
        trace_lookup(timer, &key.to_key(), &result);
    }
    if keep && variable_on && !fresh_conf.options.no_cache {
        cache::put(key.to_key(), wrap(result.clone()), ttl, fresh_validity);
    }
    map(result.as_ref().map_err(|error| *error))
}

/// One `NETLIBC_TRACE` line for a DNS lookup: what was asked, where the answer came from, the outcome.
fn trace_lookup<T>(
    timer: Option<crate::trace::Timer>,
    key: &cache::Key,
    result: &Result<T, LookupError>,
) {
    let Some(timer) = timer else { return };
    // What the cache or the transport noted: `cache`, or `dns` with the last server asked.
    let source = crate::trace::noted_source().unwrap_or(crate::trace::Source::Dns(None));
    let outcome = match result {
        Ok(_) => "found",
        Err(LookupError::NotFound) => "HOST_NOT_FOUND",
        Err(LookupError::NoData) => "NO_DATA",
        Err(LookupError::TryAgain) => "TRY_AGAIN",
        Err(LookupError::NoRecovery) => "NO_RECOVERY",
    };
    match key {
        cache::Key::Host(name, families) => {
            let name = crate::trace::Quoted(Some(name));
            crate::trace::emit(
                timer,
                format_args!("dns host {name} {families:?} -> {outcome} [{source}]"),
            );
        }
        cache::Key::Ptr(address) => {
            crate::trace::emit(
                timer,
                format_args!("dns ptr {address} -> {outcome} [{source}]"),
            );
        }
    }
}

/// Looks `name` up in DNS (search list, ndots, as glibc's `res_nsearch`), with the current
/// resolv.conf and the TTL cache. The answer is shared with the cache.
pub fn lookup_host(name: &[u8], families: Families) -> Result<Arc<HostAnswer>, LookupError> {
    lookup_host_map(name, families, |result| result.cloned())
}

/// [`lookup_host`], giving the answer to `map` (on a cache hit, in place under the cache's lock: no
/// reference count touched; `map` must be memory work only and take no lock).
pub fn lookup_host_map<R>(
    name: &[u8],
    families: Families,
    map: impl Fn(Result<&Arc<HostAnswer>, LookupError>) -> R,
) -> R {
    // A single label may be a HOSTALIASES alias, which the cache key does not cover.
    if !name.contains(&b'.')
        && crate::db::cache::with_env_raw(crate::sys::env::Var::HostAliases, |v| v.is_some())
    {
        crate::sys::call::not_keepable();
        let answer = lookup_host_with(&conf::current().0, name, families).map(Arc::new);
        return map(answer.as_ref().map_err(|error| *error));
    }
    cached_map(
        cache::KeyRef::Host(name, families),
        cache::Value::Host,
        |value| match value {
            cache::Value::Host(result) => Some(result.as_ref().map_err(|error| *error)),
            cache::Value::Ptr(_) => None,
        },
        |answer| answer.ttl,
        |conf| resolver::lookup_host(conf, name, families).map(Arc::new),
        map,
    )
}

/// [`lookup_host`] with an explicit configuration and no cache.
pub fn lookup_host_with(
    conf: &ResolvConf,
    name: &[u8],
    families: Families,
) -> Result<HostAnswer, LookupError> {
    resolver::lookup_host(conf, name, families).map_err(|(error, _)| error)
}

/// Looks the names of `address` up (PTR under in-addr.arpa or ip6.arpa), with the current
/// resolv.conf and the TTL cache. The answer is shared with the cache.
pub fn lookup_ptr(address: IpAddr) -> Result<Arc<PtrAnswer>, LookupError> {
    cached(
        cache::KeyRef::Ptr(address),
        cache::Value::Ptr,
        |value| match value {
            cache::Value::Ptr(result) => Some(result.as_ref().map_err(|error| *error)),
            cache::Value::Host(_) => None,
        },
        |answer| answer.ttl,
        |conf| resolver::lookup_ptr(conf, address).map(Arc::new),
    )
}

/// The address a reverse lookup of `address` asks for, as glibc's `nss_dns` does: an IPv4-mapped
/// (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`, but not `::1`) IPv6 address is asked under
/// `in-addr.arpa` as the IPv4 address it carries.
pub fn ptr_address(address: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = address else {
        return address;
    };
    let octets = v6.octets();
    let mapped = octets[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
    let compatible = octets[..12] == [0; 12] && octets[12..] != [0, 0, 0, 1];
    if mapped || compatible {
        IpAddr::V4(std::net::Ipv4Addr::new(
            octets[12], octets[13], octets[14], octets[15],
        ))
    } else {
        address
    }
}

/// [`lookup_ptr`] with an explicit configuration and no cache.
pub fn lookup_ptr_with(conf: &ResolvConf, address: IpAddr) -> Result<PtrAnswer, LookupError> {
    resolver::lookup_ptr(conf, address).map_err(|(error, _)| error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_lookups_of_ipv4_in_ipv6_ask_the_ipv4_address() {
        let asked = |text: &str| ptr_address(text.parse().unwrap()).to_string();
        assert_eq!(asked("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(asked("::192.0.2.1"), "192.0.2.1");
        assert_eq!(
            asked("::1"),
            "::1",
            "the IPv6 loopback is not IPv4-compatible"
        );
        assert_eq!(asked("2001:db8::1"), "2001:db8::1");
        assert_eq!(asked("::ffff:0:192.0.2.1"), "::ffff:0:c000:201");
        assert_eq!(asked("192.0.2.7"), "192.0.2.7");
    }
}
