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
use std::net::IpAddr;

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
    /// SERVFAIL, a timeout, or no server reachable: TRY_AGAIN (EAI_AGAIN).
    TryAgain,
    /// FORMERR, NOTIMP, REFUSED, or a name that cannot be asked: NO_RECOVERY (EAI_FAIL).
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

/// Whether the cache is on: not with `NETLIBC_DNS_CACHE=0` nor `options no-cache`.
fn cache_enabled(conf: &ResolvConf) -> bool {
    !conf.options.no_cache && std::env::var_os("NETLIBC_DNS_CACHE").is_none_or(|v| v != "0")
}

/// The path of the hosts file, whose changes also empty the cache.
fn hosts_path() -> std::path::PathBuf {
    std::env::var_os("NETLIBC_HOSTS").map_or_else(|| "/etc/hosts".into(), Into::into)
}

fn validity(generation: u64) -> cache::Validity {
    cache::Validity {
        conf_generation: generation,
        hosts_version: conf::FileVersion::of(&hosts_path()),
    }
}

/// Looks `name` up in DNS (search list, ndots, as glibc's `res_nsearch`), with the current
/// resolv.conf and the TTL cache.
pub fn lookup_host(name: &[u8], families: Families) -> Result<HostAnswer, LookupError> {
    let (conf, generation) = conf::current();
    // A single label may be a HOSTALIASES alias, which the cache key does not cover.
    let may_be_alias = !name.contains(&b'.') && std::env::var_os("HOSTALIASES").is_some();
    if !cache_enabled(&conf) || may_be_alias {
        return lookup_host_with(&conf, name, families);
    }
    let key = cache::host_key(name, families);
    let valid_for = validity(generation);
    if let Some(cache::Value::Host(result)) = cache::get(&key, valid_for) {
        return result;
    }
    let result = resolver::lookup_host(&conf, name, families);
    let ttl = match &result {
        Ok(answer) => answer.ttl,
        Err((_, negative_ttl)) => negative_ttl.unwrap_or(0),
    };
    let result = result.map_err(|(error, _)| error);
    if matches!(
        result,
        Ok(_) | Err(LookupError::NotFound | LookupError::NoData)
    ) {
        cache::put(key, cache::Value::Host(result.clone()), ttl, valid_for);
    }
    result
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
/// resolv.conf and the TTL cache.
pub fn lookup_ptr(address: IpAddr) -> Result<PtrAnswer, LookupError> {
    let (conf, generation) = conf::current();
    if !cache_enabled(&conf) {
        return lookup_ptr_with(&conf, address);
    }
    let key = cache::Key::Ptr(address);
    let valid_for = validity(generation);
    if let Some(cache::Value::Ptr(result)) = cache::get(&key, valid_for) {
        return result;
    }
    let result = resolver::lookup_ptr(&conf, address);
    let ttl = match &result {
        Ok(answer) => answer.ttl,
        Err((_, negative_ttl)) => negative_ttl.unwrap_or(0),
    };
    let result = result.map_err(|(error, _)| error);
    if matches!(
        result,
        Ok(_) | Err(LookupError::NotFound | LookupError::NoData)
    ) {
        cache::put(key, cache::Value::Ptr(result.clone()), ttl, valid_for);
    }
    result
}

/// [`lookup_ptr`] with an explicit configuration and no cache.
pub fn lookup_ptr_with(conf: &ResolvConf, address: IpAddr) -> Result<PtrAnswer, LookupError> {
    resolver::lookup_ptr(conf, address).map_err(|(error, _)| error)
}
