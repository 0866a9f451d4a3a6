//! Destination address sorting as glibc 2.36's `rfc3484_sort` does it (RFC 3484 rules 1-10).
//!
//! For each destination the kernel is asked which source address it would use (a connected UDP socket:
//! nothing is sent); the source's flags, prefix length and interface come from the address table
//! ([`AddressTable`]). The rules then compare pairs, and glibc's merge sort (top-down, taking the left
//! element on ties) orders them. The comparison is glibc's to the letter, including what it does when
//! facts are missing, because a different sort of the same pairs can give a different order.
//!
//! Use: glibc sorts only when a lookup found more than one *address*, but it sorts the result
//! *entries* (one per socket type), so pass every entry's address in the order the sources produced
//! them; consecutive equal addresses share one probe, as in glibc. [`sort_destinations`] returns the
//! new order as indexes; the canonical name then goes on the new first entry.

use std::cmp::Ordering;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use crate::sys::lock::ForkSafeMutex;

use super::gai_conf::{self, SortPolicy};
use crate::interfaces::facts::NetworkFacts;
use crate::interfaces::source::{Source, SourceProbe};
use crate::interfaces::AddressTable;

/// What is known about the source address for one destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceFacts {
    /// The source address (IPv4 for an IPv4 destination).
    pub address: SocketAddr,
    pub deprecated: bool,
    pub home: bool,
    /// The prefix length of the source's subnet; 0 when the address table did not list it.
    pub prefix_len: u8,
    /// The source's interface; `u32::MAX` when unknown.
    pub index: u32,
}

/// One destination to sort and its source, if the destination is reachable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub destination: SocketAddr,
    pub source: Option<SourceFacts>,
    /// Whether the source's interface is native (rule 7), learned lazily during the sort.
    native: Option<bool>,
}

impl Candidate {
    pub fn new(destination: SocketAddr, source: Option<SourceFacts>) -> Candidate {
        Candidate {
            destination,
            source,
            native: None,
        }
    }

    fn index(&self) -> u32 {
        self.source.map_or(u32::MAX, |s| s.index)
    }
}

/// Sorts `destinations` as glibc's getaddrinfo would on this machine, returning the new order as
/// indexes into `destinations`. Equal neighbours share one probe, as in glibc. The interface facts come
/// from [`NetworkFacts`], which caches them while the network configuration stays the same.
pub fn sort_destinations(destinations: &[SocketAddr]) -> Vec<usize> {
    let mut order = vec![0; destinations.len()];
    sort_destinations_into(destinations, &mut order);
    order
}

/// [`sort_destinations`] into `order` (as long as `destinations`): a repeated lookup whose order is
/// remembered allocates nothing.
pub fn sort_destinations_into(destinations: &[SocketAddr], order: &mut [usize]) {
    for (i, slot) in order.iter_mut().enumerate() {
        *slot = i;
    }
    if destinations.len() <= 1 || order.len() != destinations.len() {
        return;
    }
    let serial = gai_conf::current_serial();
    let generation = crate::interfaces::watch::generation();
    if generation.is_some_and(|g| remembered_order(g, serial, destinations, order)) {
        return;
    }
    // Sorted afresh: the next call may sort differently (facts that could not be kept), or from
    // what this one remembers.
    crate::sys::call::not_keepable();
    let fresh = sort_afresh(
        destinations,
        gai_conf::current_policy_and_serial(),
        generation,
    );
    if fresh.len() == order.len() {
        order.copy_from_slice(&fresh);
    }
}

/// Sorts with the rules, learning the facts (from the cache of this network generation).
fn sort_afresh(
    destinations: &[SocketAddr],
    (policy, serial): (Arc<SortPolicy>, u64),
    generation: Option<u64>,
) -> Vec<usize> {
    let mut facts = NetworkFacts::at(generation);
    let table = facts.table().cloned();
    let mut candidates = gather_sources_with(destinations, table.as_ref(), &mut |d| facts.probe(d));
    let order = order(&mut candidates, &policy, &mut |a, b| {
        facts.native_links(a, b)
    });
    if let Some(generation) = facts.determined_generation() {
        remember_order(generation, serial, destinations, &order);
    }
    order
}

/// Orders already computed, for as long as the network generation and the gai.conf tables they were
/// computed under last: the order is a function of the destinations, the tables and the facts, and
/// the facts do not change within a generation. (A repeated lookup sorts the same addresses again:
/// this spares it the source probes' replay and the rules.)
struct Remembered {
    generation: u64,
    /// The serial of the gai.conf tables the orders were computed with.
    policy: u64,
    orders: Vec<(Vec<SocketAddr>, Vec<usize>)>,
}

/// How many destination lists are remembered; more start the list over.
const REMEMBERED_MAX: usize = 32;

static REMEMBERED: ForkSafeMutex<Option<Remembered>> = ForkSafeMutex::new(None);

/// Copies the remembered order of `destinations` into `order`; false when none is remembered.
fn remembered_order(
    generation: u64,
    policy: u64,
    destinations: &[SocketAddr],
    order: &mut [usize],
) -> bool {
    let guard = REMEMBERED.lock();
    let Some(remembered) = guard
        .as_ref()
        .filter(|r| r.generation == generation && r.policy == policy)
    else {
        return false;
    };
    let found = remembered
        .orders
        .iter()
        .find(|(seen, _)| seen.as_slice() == destinations);
    match found {
        Some((_, remembered)) if remembered.len() == order.len() => {
            order.copy_from_slice(remembered);
            true
        }
        _ => false,
    }
}

fn remember_order(generation: u64, policy: u64, destinations: &[SocketAddr], order: &[usize]) {
    let entry = (destinations.to_vec(), order.to_vec());
    let mut guard = REMEMBERED.lock();
    match guard.as_mut() {
        Some(r) if r.generation == generation && r.policy == policy => {
            if r.orders.len() >= REMEMBERED_MAX {
                r.orders.clear();
            }
            r.orders.push(entry);
        }
        _ => {
            *guard = Some(Remembered {
                generation,
                policy,
                orders: vec![entry],
            })
        }
    }
}

/// Probes the source of every destination afresh and looks it up in the address table (`None` if the
/// table could not be read: then nothing is looked up).
pub fn gather_sources(destinations: &[SocketAddr], table: Option<&AddressTable>) -> Vec<Candidate> {
    let mut probe = SourceProbe::new();
    gather_sources_with(destinations, table, &mut |d| probe.probe(d))
}

/// As [`gather_sources`], with `probe` answering for each destination that differs from the one before.
pub fn gather_sources_with(
    destinations: &[SocketAddr],
    table: Option<&AddressTable>,
    probe: &mut dyn FnMut(&SocketAddr) -> Option<Source>,
) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = Vec::with_capacity(destinations.len());
    for (i, destination) in destinations.iter().enumerate() {
        let previous = i
            .checked_sub(1)
            .and_then(|p| candidates.get(p).filter(|c| c.destination == *destination));
        let source = match previous {
            Some(previous) => previous.source,
            None => probe(destination).map(|found| {
                let key = table_key(destination, &found);
                let local = table.and_then(|t| t.find(&key));
                SourceFacts {
                    address: found.address,
                    deprecated: local.is_some_and(|l| l.deprecated),
                    home: local.is_some_and(|l| l.home),
                    prefix_len: local.map_or(0, |l| l.prefix_len),
                    index: local.map_or(u32::MAX, |l| l.index),
                }
            }),
        };
        candidates.push(Candidate::new(*destination, source));
    }
    candidates
}

/// The address glibc looks a source up by: IPv4 sources as `::ffff:a.b.c.d`, with any 127/8 source
/// found through an IPv4 socket taken as 127.0.0.1 (lo's address may differ from the source).
fn table_key(destination: &SocketAddr, found: &Source) -> [u8; 16] {
    match found.address {
        SocketAddr::V4(v4) => {
            let mut ip = *v4.ip();
            if destination.is_ipv4() && !found.through_ipv6_socket && ip.octets()[0] == 127 {
                ip = Ipv4Addr::LOCALHOST;
            }
            ip.to_ipv6_mapped().octets()
        }
        SocketAddr::V6(v6) => v6.ip().octets(),
    }
}

/// Orders candidates by the rules; `links` answers rule 7's "are these interfaces native?" for the
/// interfaces it is given (see [`NetworkFacts::native_links`]).
pub fn order(
    candidates: &mut [Candidate],
    policy: &SortPolicy,
    links: &mut dyn FnMut(Option<u32>, Option<u32>) -> (Option<bool>, Option<bool>),
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let mut scratch = Vec::with_capacity(candidates.len());
    let mut compare = |a: usize, b: usize| compare(candidates, a, b, policy, links);
    merge_sort(&mut order, &mut scratch, &mut compare);
    order
}

/// glibc's `msort`: split in halves (the first one smaller for odd lengths), sort each, merge taking
/// from the left half while the comparison is not positive.
fn merge_sort(
    items: &mut [usize],
    scratch: &mut Vec<usize>,
    compare: &mut dyn FnMut(usize, usize) -> Ordering,
) {
    let n = items.len();
    if n <= 1 {
        return;
    }
    let half = n / 2;
    merge_sort(&mut items[..half], scratch, compare);
    merge_sort(&mut items[half..], scratch, compare);
    scratch.clear();
    let (mut left, mut right) = (0, half);
    while left < half && right < n {
        if compare(items[left], items[right]) != Ordering::Greater {
            scratch.push(items[left]);
            left += 1;
        } else {
            scratch.push(items[right]);
            right += 1;
        }
    }
    scratch.extend_from_slice(&items[left..half]);
    items[..scratch.len()].copy_from_slice(scratch);
}

/// An address as the label and precedence tables see it (IPv4 as `::ffff:a.b.c.d`).
fn as_ipv6(address: &SocketAddr) -> [u8; 16] {
    match address {
        SocketAddr::V4(v4) => v4.ip().to_ipv6_mapped().octets(),
        SocketAddr::V6(v6) => v6.ip().octets(),
    }
}

/// glibc's `get_scope`.
fn scope(address: &SocketAddr, policy: &SortPolicy) -> i32 {
    match address {
        SocketAddr::V4(v4) => policy.ipv4_scope(*v4.ip()),
        SocketAddr::V6(v6) => {
            let b = v6.ip().octets();
            if b[0] == 0xff {
                i32::from(b[1] & 0xf)
            } else if (b[0] == 0xfe && b[1] & 0xc0 == 0x80) || v6.ip().is_loopback() {
                2
            } else if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 {
                5
            } else {
                14
            }
        }
    }
}

/// Prefers `first` (Less) when `prefer_first` holds and not `prefer_second`, and the reverse.
fn prefer(prefer_first: bool, prefer_second: bool) -> Option<Ordering> {
    match (prefer_first, prefer_second) {
        (true, false) => Some(Ordering::Less),
        (false, true) => Some(Ordering::Greater),
        _ => None,
    }
}

/// `rfc3484_sort`: never Equal (rule 10 falls back to the original order).
fn compare(
    candidates: &mut [Candidate],
    i: usize,
    j: usize,
    policy: &SortPolicy,
    links: &mut dyn FnMut(Option<u32>, Option<u32>) -> (Option<bool>, Option<bool>),
) -> Ordering {
    let (a, b) = (candidates[i], candidates[j]);
    // Rule 1: avoid unusable destinations.
    if let Some(o) = prefer(a.source.is_some(), b.source.is_some()) {
        return o;
    }
    let (a_scope, b_scope) = (scope(&a.destination, policy), scope(&b.destination, policy));
    if let (Some(sa), Some(sb)) = (a.source, b.source) {
        if let Some(o) = source_rules(&a, &b, &sa, &sb, a_scope, b_scope, policy) {
            return o;
        }
    }
    // Rule 6: prefer higher precedence.
    let (a_precedence, b_precedence) = (
        policy.precedence(&as_ipv6(&a.destination)),
        policy.precedence(&as_ipv6(&b.destination)),
    );
    if a_precedence != b_precedence {
        return b_precedence.cmp(&a_precedence);
    }
    // Rule 7: prefer native transport.
    if a.source.is_some() && a.index() != b.index() {
        if let Some(o) = native_rule(candidates, i, j, links) {
            return o;
        }
    }
    // Rule 8: prefer smaller scope.
    if a_scope != b_scope {
        return a_scope.cmp(&b_scope);
    }
    // Rule 9: use longest matching prefix.
    if let (Some(sa), Some(sb)) = (a.source, b.source) {
        if a.destination.is_ipv4() == b.destination.is_ipv4() {
            let (bits_a, bits_b) = common_prefix_bits(&a, &sa, &b, &sb);
            if bits_a != bits_b {
                return bits_b.cmp(&bits_a);
            }
        }
    }
    // Rule 10: otherwise keep the original order.
    i.cmp(&j)
}

/// Rules 2 to 5, which need both sources.
fn source_rules(
    a: &Candidate,
    b: &Candidate,
    sa: &SourceFacts,
    sb: &SourceFacts,
    a_scope: i32,
    b_scope: i32,
    policy: &SortPolicy,
) -> Option<Ordering> {
    // Rule 2: prefer matching scope.
    let (a_source_scope, b_source_scope) = (scope(&sa.address, policy), scope(&sb.address, policy));
    prefer(
        a_scope == a_source_scope && b_scope != b_source_scope,
        a_scope != a_source_scope && b_scope == b_source_scope,
    )
    // Rule 3: avoid deprecated addresses.
    .or_else(|| {
        prefer(
            !sa.deprecated && sb.deprecated,
            sa.deprecated && !sb.deprecated,
        )
    })
    // Rule 4: prefer home addresses.
    .or_else(|| prefer(sa.home && !sb.home, !sa.home && sb.home))
    // Rule 5: prefer matching label.
    .or_else(|| {
        let a_match = policy.label(&as_ipv6(&a.destination)) == policy.label(&as_ipv6(&sa.address));
        let b_match = policy.label(&as_ipv6(&b.destination)) == policy.label(&as_ipv6(&sb.address));
        prefer(a_match && !b_match, !a_match && b_match)
    })
}

/// Rule 7, with glibc's bookkeeping: an interface whose nativeness is unknown is asked about (an
/// unknown interface, `u32::MAX`, never is and counts as not native), and the answer is remembered
/// for every candidate on that interface.
fn native_rule(
    candidates: &mut [Candidate],
    i: usize,
    j: usize,
    links: &mut dyn FnMut(Option<u32>, Option<u32>) -> (Option<bool>, Option<bool>),
) -> Option<Ordering> {
    let (a, b) = (candidates[i], candidates[j]);
    let (mut a_native, mut b_native) = (a.native.unwrap_or(false), b.native.unwrap_or(false));
    if a.native.is_none() || b.native.is_none() {
        let ask =
            |c: &Candidate| (c.native.is_none() && c.index() != u32::MAX).then_some(c.index());
        let (a_query, b_query) = (ask(&a), ask(&b));
        let (a_found, b_found) = links(a_query, b_query);
        a_native = a_found.unwrap_or(a_native);
        b_native = b_found.unwrap_or(b_native);
        let a_remember = a.native.is_none().then_some(a.index());
        let b_remember = b.native.is_none().then_some(b.index());
        for candidate in candidates.iter_mut() {
            if a_remember.is_some_and(|index| index != u32::MAX && candidate.index() == index) {
                candidate.native = Some(a_native);
            } else if b_remember
                .is_some_and(|index| index != u32::MAX && candidate.index() == index)
            {
                candidate.native = Some(b_native);
            }
        }
    }
    prefer(a_native && !b_native, !a_native && b_native)
}

/// Rule 9's lengths: for IPv4, the common leading bits of destination and source when both lie in the
/// source's subnet (else 0); for IPv6, the common bits within the first 32-bit word where either pair
/// differs.
fn common_prefix_bits(
    a: &Candidate,
    sa: &SourceFacts,
    b: &Candidate,
    sb: &SourceFacts,
) -> (u32, u32) {
    match (a.destination, sa.address, b.destination, sb.address) {
        (
            SocketAddr::V4(da),
            SocketAddr::V4(source_a),
            SocketAddr::V4(db),
            SocketAddr::V4(source_b),
        ) => (
            ipv4_common_bits(
                u32::from(*da.ip()),
                u32::from(*source_a.ip()),
                sa.prefix_len,
            ),
            ipv4_common_bits(
                u32::from(*db.ip()),
                u32::from(*source_b.ip()),
                sb.prefix_len,
            ),
        ),
        (
            SocketAddr::V6(da),
            SocketAddr::V6(source_a),
            SocketAddr::V6(db),
            SocketAddr::V6(source_b),
        ) => {
            let words = |ip: std::net::Ipv6Addr| {
                let o = ip.octets();
                [0, 1, 2, 3].map(|k| {
                    u32::from_be_bytes([o[4 * k], o[4 * k + 1], o[4 * k + 2], o[4 * k + 3]])
                })
            };
            let (wa, wsa, wb, wsb) = (
                words(*da.ip()),
                words(*source_a.ip()),
                words(*db.ip()),
                words(*source_b.ip()),
            );
            match (0..4).find(|&k| wa[k] != wsa[k] || wb[k] != wsb[k]) {
                Some(k) => (
                    (wa[k] ^ wsa[k]).leading_zeros(),
                    (wb[k] ^ wsb[k]).leading_zeros(),
                ),
                None => (0, 0),
            }
        }
        _ => (0, 0),
    }
}

/// The leading bits `destination` and `source` share, if they are in the same subnet of `prefix_len`
/// bits. glibc computes the mask as `0xffffffff << (32 - prefix_len)`, which on x86 is all ones for a
/// prefix length of 0 (the shift count is taken modulo 32).
fn ipv4_common_bits(destination: u32, source: u32, prefix_len: u8) -> u32 {
    let netmask = u32::MAX.wrapping_shl(32u32.wrapping_sub(u32::from(prefix_len)));
    if source & netmask == destination & netmask {
        (destination ^ source).leading_zeros()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    fn facts(source: &str, prefix_len: u8, index: u32) -> Option<SourceFacts> {
        Some(SourceFacts {
            address: address(source),
            deprecated: false,
            home: false,
            prefix_len,
            index,
        })
    }

    fn sorted(candidates: &mut [Candidate]) -> Vec<usize> {
        order(candidates, &SortPolicy::default(), &mut |_, _| (None, None))
    }

    #[test]
    fn rule1_reachable_first() {
        let mut c = [
            Candidate::new(address("192.0.2.1:0"), None),
            Candidate::new(address("192.0.2.2:0"), facts("192.0.2.9:0", 24, 2)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
    }

    #[test]
    fn rule2_matching_scope_first() {
        // A global destination reached from a link-local source loses to a link-local pair.
        let mut c = [
            Candidate::new(address("[2001:db8::1]:0"), facts("[fe80::1]:0", 64, 2)),
            Candidate::new(address("[fe80::2]:0"), facts("[fe80::1]:0", 64, 2)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
    }

    #[test]
    fn rule3_deprecated_last_and_rule4_home_first() {
        let mut deprecated = facts("[2001:db8::9]:0", 64, 2);
        deprecated.as_mut().unwrap().deprecated = true;
        let mut c = [
            Candidate::new(address("[2001:db8::1]:0"), deprecated),
            Candidate::new(address("[2001:db8::2]:0"), facts("[2001:db8::8]:0", 64, 2)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
        let mut home = facts("[2001:db8::9]:0", 64, 2);
        home.as_mut().unwrap().home = true;
        let mut c = [
            Candidate::new(address("[2001:db8::1]:0"), facts("[2001:db8::8]:0", 64, 2)),
            Candidate::new(address("[2001:db8::2]:0"), home),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
    }

    #[test]
    fn rule5_matching_label_first() {
        // 2002::/16 destination from a non-6to4 source: labels differ (2 vs 1).
        let mut c = [
            Candidate::new(
                address("[2002:c000:201::1]:0"),
                facts("[2001:db8::9]:0", 64, 2),
            ),
            Candidate::new(address("[2001:db8::1]:0"), facts("[2001:db8::9]:0", 64, 2)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
    }

    #[test]
    fn rule6_precedence_puts_ipv6_before_ipv4_and_loopback_first() {
        let mut c = [
            Candidate::new(address("127.0.0.1:0"), facts("127.0.0.1:0", 8, 1)),
            Candidate::new(address("[::1]:0"), facts("[::1]:0", 128, 1)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
        let policy = gai_conf::parse(b"precedence ::ffff:0:0/96 100\n").policy;
        assert_eq!(order(&mut c, &policy, &mut |_, _| (None, None)), vec![0, 1]);
    }

    #[test]
    fn rule7_native_interface_first_and_remembered() {
        let mut c = [
            Candidate::new(address("[2001:db8::1]:0"), facts("[2001:db8::9]:0", 64, 7)),
            Candidate::new(address("[2001:db8::2]:0"), facts("[2001:db8::8]:0", 64, 3)),
            Candidate::new(address("[2001:db8::3]:0"), facts("[2001:db8::7]:0", 64, 7)),
        ];
        let mut asked = Vec::new();
        let mut links = |a: Option<u32>, b: Option<u32>| {
            asked.push((a, b));
            let native = |i: Option<u32>| i.map(|i| i != 7);
            (native(a), native(b))
        };
        // 1 is native; 0 and 2 share interface 7, so rule 9 orders them (::3/::7 share more bits).
        let sorted = order(&mut c, &SortPolicy::default(), &mut links);
        assert_eq!(sorted, vec![1, 2, 0]);
        assert_eq!(
            asked.len(),
            1,
            "answers are remembered for every candidate on the interface"
        );
    }

    #[test]
    fn rule8_smaller_scope_first() {
        // Both reachable with matching scopes and labels: the site-local destination (5) before global (14).
        let mut c = [
            Candidate::new(address("[2001:db8::1]:0"), facts("[2001:db8::9]:0", 64, 2)),
            Candidate::new(address("[fec0::1]:0"), facts("[fec0::9]:0", 64, 2)),
        ];
        let policy = gai_conf::parse(b"label ::/0 1\n").policy;
        assert_eq!(order(&mut c, &policy, &mut |_, _| (None, None)), vec![1, 0]);
    }

    #[test]
    fn rule9_longest_prefix_ipv4_only_inside_the_subnet() {
        let mut c = [
            Candidate::new(address("192.0.2.200:0"), facts("192.0.2.1:0", 24, 2)),
            Candidate::new(address("192.0.2.3:0"), facts("192.0.2.1:0", 24, 2)),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
        // Outside the subnet there is no preference: original order.
        let mut c = [
            Candidate::new(address("198.51.100.1:0"), facts("192.0.2.1:0", 24, 2)),
            Candidate::new(address("192.0.2.3:0"), facts("10.0.0.1:0", 8, 3)),
        ];
        assert_eq!(sorted(&mut c), vec![0, 1]);
        // With no prefix length (no IPv6 on the host) only an exact match counts, as with glibc's shift.
        assert_eq!(ipv4_common_bits(0xc0000201, 0xc0000201, 0), 32);
        assert_eq!(ipv4_common_bits(0xc0000201, 0xc0000202, 0), 0);
    }

    #[test]
    fn rule9_longest_prefix_ipv6() {
        let mut c = [
            Candidate::new(
                address("[2001:db8:ffff::1]:0"),
                facts("[2001:db8::9]:0", 64, 2),
            ),
            Candidate::new(
                address("[2001:db8:1::1]:0"),
                facts("[2001:db8::9]:0", 64, 2),
            ),
        ];
        assert_eq!(sorted(&mut c), vec![1, 0]);
    }

    #[test]
    fn rule10_keeps_original_order_and_merge_sort_is_glibcs() {
        let mut c: Vec<_> = (1..=7)
            .map(|i| Candidate::new(address(&format!("192.0.2.{i}:0")), None))
            .collect();
        assert_eq!(sorted(&mut c), (0..7).collect::<Vec<_>>());
        let mut items = vec![4, 2, 9, 1, 7];
        merge_sort(&mut items, &mut Vec::new(), &mut |a, b| a.cmp(&b));
        assert_eq!(items, vec![1, 2, 4, 7, 9]);
    }

    #[test]
    fn sources_are_shared_by_equal_neighbours() {
        let destinations = [
            address("127.0.0.1:80"),
            address("127.0.0.1:80"),
            address("[::1]:80"),
        ];
        let candidates = gather_sources(&destinations, None);
        assert_eq!(candidates[0].source, candidates[1].source);
        assert_eq!(
            candidates[2].source.unwrap().address.ip(),
            address("[::1]:0").ip()
        );
        assert_eq!(
            candidates[0].source.unwrap().index,
            u32::MAX,
            "no table: nothing looked up"
        );
    }
}
