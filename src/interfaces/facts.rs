//! The facts destination sorting needs — the address table, each destination's source, the links'
//! types — cached for as long as the network configuration does not change ([`watch::generation`]).
//!
//! Without a watch (no netlink), every fact is learned afresh, exactly as glibc does on each call.

use std::net::SocketAddr;
use std::sync::Arc;

use super::families::{AddressTable, ConfiguredFamilies};
use super::rtnl::Link;
use super::source::{Probed, Source, SourceProbe};
use super::watch;
use crate::sys::lock::ForkSafeMutex;
use crate::sys::netlink::{RouteSocket, RTM_GETLINK, RTM_NEWLINK};

/// What AI_ADDRCONFIG assumes when the kernel cannot be asked: both families, as in glibc.
const BOTH_FAMILIES: ConfiguredFamilies = ConfiguredFamilies {
    ipv4: true,
    ipv6: true,
};

/// How many probe results are kept; more distinct destinations than this start the list over.
const SOURCES_MAX: usize = 128;

/// A remembered probe: destination and state before → result and state after.
type ProbeMemo = ((SocketAddr, Option<i32>), (Option<Source>, Option<i32>));

struct Cache {
    generation: u64,
    /// The address table; the inner `None` means netlink could not be read.
    table: Option<Arc<Option<AddressTable>>>,
    sources: Vec<ProbeMemo>,
    /// Every link's index and whether it is native (not a tunnel).
    links: Option<Arc<Vec<(u32, bool)>>>,
}

static CACHE: ForkSafeMutex<Option<Cache>> = ForkSafeMutex::new(None);

/// One sort's view of the facts.
pub struct NetworkFacts {
    generation: Option<u64>,
    table: Arc<Option<AddressTable>>,
    probe: SourceProbe,
    /// Every fact used so far is one the generation determines (a probe that failed for lack of a
    /// socket, or links that could not be read, are not).
    determined: bool,
}

impl NetworkFacts {
    /// The facts now: the address table is taken from the cache or read (outside the lock).
    pub fn now() -> NetworkFacts {
        NetworkFacts::at(watch::generation())
    }

    /// The facts of `generation`, what [`watch::generation`] just returned.
    pub fn at(generation: Option<u64>) -> NetworkFacts {
        if generation.is_none() {
            // Changes cannot be watched: the facts are learned afresh on every call.
            crate::sys::call::not_keepable();
        }
        let cached = generation.and_then(|g| with_cache(g, |c| c.table.clone()));
        let table = cached.unwrap_or_else(|| {
            let table = Arc::new(AddressTable::read());
            if let Some(g) = generation {
                with_cache(g, |c| c.table = Some(Arc::clone(&table)));
            }
            table
        });
        NetworkFacts {
            generation,
            table,
            probe: SourceProbe::new(),
            determined: true,
        }
    }

    /// The generation these facts belong to, when one does and every fact used so far is determined
    /// by it: what was computed from them may then be kept for as long as the generation lasts.
    pub fn determined_generation(&self) -> Option<u64> {
        self.generation.filter(|_| self.determined)
    }

    /// Which families AI_ADDRCONFIG considers configured (both when netlink could not be read).
    pub fn configured_families(&self) -> ConfiguredFamilies {
        self.table().map_or(BOTH_FAMILIES, |t| t.families)
    }

    /// The address table, if netlink could be read.
    pub fn table(&self) -> Option<&AddressTable> {
        self.table.as_ref().as_ref()
    }

    /// The source for `destination`, as glibc's probe sequence would find it (see [`SourceProbe`]).
    pub fn probe(&mut self, destination: &SocketAddr) -> Option<Source> {
        // The port stays in the key: routing rules may select on it (`ip rule ... dport`).
        let key = (*destination, self.probe.state());
        let remembered = self.generation.and_then(|g| {
            with_cache(g, |c| {
                c.sources.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
            })
        });
        if let Some((source, state_after)) = remembered {
            self.probe.set_state(state_after);
            return source;
        }
        let Probed { source, cacheable } = self.probe.probe_detailed(destination);
        self.determined &= cacheable;
        if !cacheable {
            crate::sys::call::not_keepable();
        }
        if let (Some(g), true) = (self.generation, cacheable) {
            let value = (source, self.probe.state());
            with_cache(g, |c| {
                if c.sources.len() >= SOURCES_MAX {
                    c.sources.clear();
                }
                c.sources.push((key, value));
            });
        }
        source
    }

    /// Whether links `first` and `second` are native (glibc's `__check_native`); unknown ones `None`.
    pub fn native_links(
        &mut self,
        first: Option<u32>,
        second: Option<u32>,
    ) -> (Option<bool>, Option<bool>) {
        let cached = self
            .generation
            .and_then(|g| with_cache(g, |c| c.links.clone()));
        let links = match cached {
            Some(links) => links,
            None => {
                let Some(links) = read_links() else {
                    crate::sys::call::not_keepable();
                    self.determined = false;
                    return (None, None);
                };
                let links = Arc::new(links);
                if let Some(g) = self.generation {
                    with_cache(g, |c| c.links = Some(Arc::clone(&links)));
                }
                links
            }
        };
        let native_of = |index: Option<u32>| {
            let index = index?;
            links
                .iter()
                .find(|(i, _)| *i == index)
                .map(|(_, native)| *native)
        };
        (native_of(first), native_of(second))
    }
}

/// Runs `f` on the cache of generation `generation`, starting it afresh if it belongs to another one.
fn with_cache<T>(generation: u64, f: impl FnOnce(&mut Cache) -> T) -> T {
    let mut guard = CACHE.lock();
    let fresh = || Cache {
        generation,
        table: None,
        sources: Vec::new(),
        links: None,
    };
    let cache = guard.get_or_insert_with(fresh);
    if cache.generation != generation {
        *cache = fresh();
    }
    f(cache)
}

/// Every link's index and nativeness, from one link dump.
fn read_links() -> Option<Vec<(u32, bool)>> {
    let dump = RouteSocket::open().ok()?.dump(RTM_GETLINK).ok()?;
    let links = dump
        .messages()
        .filter(|m| m.kind == RTM_NEWLINK)
        .filter_map(|m| Link::parse(m.payload));
    let tunnels = [libc::ARPHRD_TUNNEL6, libc::ARPHRD_TUNNEL, libc::ARPHRD_SIT];
    Some(
        links
            .map(|l| (l.index as u32, !tunnels.contains(&l.hardware_type)))
            .collect(),
    )
}

/// Which address families AI_ADDRCONFIG considers configured: an IPv4 address other than exactly
/// 127.0.0.1, an IPv6 address other than ::1 (glibc's `__check_pf`). Cached like the other facts.
pub fn configured_families() -> ConfiguredFamilies {
    NetworkFacts::now().configured_families()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_families_agree_with_a_fresh_dump() {
        let fresh = AddressTable::read().map_or(BOTH_FAMILIES, |t| t.families);
        assert_eq!(configured_families(), fresh);
        assert_eq!(configured_families(), fresh, "and again from the cache");
    }

    #[test]
    fn cached_probes_replay_the_same_answers() {
        let destinations: Vec<SocketAddr> =
            ["127.0.0.1:80", "[::1]:80", "127.0.0.1:53", "192.0.2.1:1"]
                .iter()
                .map(|a| a.parse().unwrap())
                .collect();
        let fresh: Vec<_> = {
            let mut probe = SourceProbe::new();
            destinations
                .iter()
                .map(|d| {
                    probe
                        .probe(d)
                        .map(|s| (s.address.ip(), s.through_ipv6_socket))
                })
                .collect()
        };
        for _ in 0..3 {
            let mut facts = NetworkFacts::now();
            let replayed: Vec<_> = destinations
                .iter()
                .map(|d| {
                    facts
                        .probe(d)
                        .map(|s| (s.address.ip(), s.through_ipv6_socket))
                })
                .collect();
            assert_eq!(replayed, fresh);
        }
    }

    #[test]
    fn loopback_is_native() {
        let lo = super::super::names::name_to_index(b"lo").unwrap();
        assert_eq!(
            NetworkFacts::now().native_links(Some(lo), None),
            (Some(true), None)
        );
    }
}
