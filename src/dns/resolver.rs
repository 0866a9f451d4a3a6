//! glibc's lookup semantics: the search list with `ndots` (`res_nsearch`), the mapping of replies to
//! h_errno (`res_nquery`), and reading addresses and names out of the answers (`getanswer`).

use super::conf::ResolvConf;
use super::transport::{self, SendError};
use super::wire::{self, Name, Question, RecordData, Reply};
use super::{Families, HostAnswer, LookupError, PtrAnswer};
use std::net::IpAddr;

/// Why one query (one name, one or two types) did not give an answer to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct QueryFailure {
    error: LookupError,
    /// The server said SERVFAIL (the search goes on after it).
    servfail: bool,
    /// Every server refused the connection (the search stops).
    refused: bool,
    /// RFC 2308 TTL for caching this negative answer, when every reply carried an SOA.
    negative_ttl: Option<u32>,
}

impl QueryFailure {
    fn transport(error: SendError) -> QueryFailure {
        let (error, servfail, refused) = match error {
            SendError::Timeout => (LookupError::TryAgain, false, false),
            SendError::ConnectionRefused => (LookupError::TryAgain, false, true),
            SendError::ServerFailure(rcode) => {
                (LookupError::TryAgain, rcode == wire::RCODE_SERVFAIL, false)
            }
            SendError::BadQuery => (LookupError::NoRecovery, false, false),
        };
        QueryFailure {
            error,
            servfail,
            refused,
            negative_ttl: None,
        }
    }
}

/// What to ask for each name tried.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    /// One type, or A and AAAA (sent in parallel unless the options say otherwise).
    pub types: &'a [u16],
    /// Treat a positive answer as NODATA (glibc's `no-aaaa` for an IPv6 lookup asks A and does this).
    pub discard_answers: bool,
}

impl<'a> Ask<'a> {
    pub fn types(types: &'a [u16]) -> Ask<'a> {
        Ask {
            types,
            discard_answers: false,
        }
    }
}

/// The replies that answered a query, and the name that was asked.
pub struct Answered {
    pub replies: Vec<Reply>,
}

/// `res_nquery` for `name` with each of `types`: a success when some reply is NOERROR with answers.
fn query(conf: &ResolvConf, name: &Name, ask: Ask) -> Result<Answered, QueryFailure> {
    let types = ask.types;
    let questions = types
        .iter()
        .map(|&qtype| Question {
            name: name.clone(),
            qtype,
            qclass: wire::CLASS_IN,
        })
        .collect();
    let replies: Vec<Reply> = transport::send(conf, questions)
        .map_err(QueryFailure::transport)?
        .into_iter()
        .flatten()
        .collect();
    let positive = replies
        .iter()
        .any(|r| r.rcode == wire::RCODE_NOERROR && r.answer_count > 0);
    if positive && !ask.discard_answers {
        return Ok(Answered { replies });
    }
    if positive {
        let error = LookupError::NoData;
        return Err(QueryFailure {
            error,
            servfail: false,
            refused: false,
            negative_ttl: None,
        });
    }
    // glibc reports the first reply's rcode, or the second's when the first is NOERROR.
    let rcode = replies
        .iter()
        .map(|r| r.rcode)
        .find(|&rcode| rcode != wire::RCODE_NOERROR)
        .unwrap_or(wire::RCODE_NOERROR);
    let error = match rcode {
        wire::RCODE_NXDOMAIN => LookupError::NotFound,
        wire::RCODE_NOERROR => LookupError::NoData,
        wire::RCODE_SERVFAIL => LookupError::TryAgain,
        _ => LookupError::NoRecovery,
    };
    let negative_ttl = replies
        .iter()
        .map(|r| r.negative_ttl)
        .collect::<Option<Vec<u32>>>();
    let negative_ttl = negative_ttl.and_then(|ttls| ttls.into_iter().min());
    Err(QueryFailure {
        error,
        servfail: false,
        refused: false,
        negative_ttl,
    })
}

/// `res_querydomain`: `name`, or `name.domain`.
fn query_domain(
    conf: &ResolvConf,
    name: &[u8],
    domain: Option<&[u8]>,
    ask: Ask,
) -> Result<Answered, QueryFailure> {
    let no_recovery = QueryFailure {
        error: LookupError::NoRecovery,
        servfail: false,
        refused: false,
        negative_ttl: None,
    };
    let full = match domain {
        Some(domain) => {
            let base = Name::from_text(name).ok_or(no_recovery)?;
            let suffix = Name::from_text(domain).ok_or(no_recovery)?;
            base.join(&suffix).ok_or(no_recovery)?
        }
        None => Name::from_text(name).ok_or(no_recovery)?,
    };
    query(conf, &full, ask)
}

/// The outcome of a search: the answer, or the error with its negative-caching TTL.
pub type SearchResult = Result<Answered, (LookupError, Option<u32>)>;

/// `res_nsearch`: the name as is and with each search domain, in glibc's order.
pub fn search(conf: &ResolvConf, name: &[u8], ask: Ask) -> SearchResult {
    let dots = name.iter().filter(|&&b| b == b'.').count();
    let trailing_dot = name.last() == Some(&b'.');
    if dots == 0 {
        if let Some(target) = host_alias(name) {
            return query_domain(conf, &target, None, ask).map_err(|f| (f.error, f.negative_ttl));
        }
    }
    let mut negative_ttl: Option<u32> = Some(u32::MAX);
    let mut note = |failure: &QueryFailure| {
        negative_ttl = negative_ttl
            .zip(failure.negative_ttl)
            .map(|(a, b)| a.min(b));
    };
    let mut saved_error = None;
    let mut tried_as_is = false;
    if dots >= conf.options.ndots as usize || trailing_dot {
        match query_domain(conf, name, None, ask) {
            Ok(answered) => return Ok(answered),
            Err(failure) if trailing_dot => return Err((failure.error, failure.negative_ttl)),
            Err(failure) => {
                note(&failure);
                saved_error = Some(failure.error);
                tried_as_is = true;
            }
        }
    }
    let mut searched = false;
    let mut got_nodata = false;
    let mut got_servfail = false;
    let mut root_on_list = false;
    let mut last_error = LookupError::NotFound;
    // RES_DEFNAMES and RES_DNSRCH are always on in glibc's default options.
    if dots == 0 || !trailing_dot {
        for domain in &conf.search {
            if domain.as_slice() == b"." || domain.is_empty() {
                root_on_list = true;
            }
            searched = true;
            let domain = domain.strip_suffix(b".").unwrap_or(domain);
            let domain = (!domain.is_empty()).then_some(domain);
            let failure = match query_domain(conf, name, domain, ask) {
                Ok(answered) => return Ok(answered),
                Err(failure) => failure,
            };
            note(&failure);
            last_error = failure.error;
            if failure.refused {
                return Err((LookupError::TryAgain, None));
            }
            match failure.error {
                LookupError::NoData => got_nodata = true,
                LookupError::NotFound => {}
                LookupError::TryAgain if failure.servfail => got_servfail = true,
                _ => break,
            }
        }
    }
    // The name as is, last, unless already tried, or a single label with no-tld-query after a search.
    let tld_query_forbidden = dots == 0 && searched && conf.options.no_tld_query;
    if !(tried_as_is || root_on_list || tld_query_forbidden) {
        match query_domain(conf, name, None, ask) {
            Ok(answered) => return Ok(answered),
            Err(failure) => {
                note(&failure);
                last_error = failure.error;
            }
        }
    }
    let error = saved_error
        .or(got_nodata.then_some(LookupError::NoData))
        .or(got_servfail.then_some(LookupError::TryAgain))
        .unwrap_or(last_error);
    Err((error, negative_ttl))
}

/// The target of `name` in the `HOSTALIASES` file (glibc's `res_hostalias`): lines of "alias target",
/// the alias matched without case; reading stops at a line with no blank at all (the last line, without
/// its newline) or a matching alias without a target.
pub fn host_alias(name: &[u8]) -> Option<Vec<u8>> {
    let path = std::env::var_os("HOSTALIASES")?;
    let text = std::fs::read(path).ok()?;
    host_alias_in(&text, name)
}

fn host_alias_in(text: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    for line in text.split_inclusive(|&b| b == b'\n') {
        let split = line.iter().position(u8::is_ascii_whitespace)?;
        let (alias, rest) = line.split_at(split);
        if alias.eq_ignore_ascii_case(name) {
            let target = rest
                .split(u8::is_ascii_whitespace)
                .find(|w| !w.is_empty())?;
            return Some(target.to_vec());
        }
    }
    None
}

/// glibc's answer walk: follow the CNAME chain from the question's name; take records of `wanted`
/// type owned by the current end of the chain, in order.
struct Chain {
    canonical: Name,
    aliases: Vec<Name>,
}

fn walk_answers(reply: &Reply, mut on_record: impl FnMut(&RecordData)) -> Option<Chain> {
    let start = reply.question.as_ref()?.name.clone();
    let mut chain = Chain {
        canonical: start,
        aliases: Vec::new(),
    };
    for record in &reply.answers {
        if !record.name.eq_ignore_case(&chain.canonical) {
            continue;
        }
        match &record.data {
            RecordData::Cname(target) => {
                let previous = std::mem::replace(&mut chain.canonical, target.clone());
                chain.aliases.push(previous);
            }
            data => on_record(data),
        }
    }
    Some(chain)
}

/// The smallest TTL among the records of the replies (what the cache may keep them for).
fn min_ttl(replies: &[Reply]) -> u32 {
    replies
        .iter()
        .flat_map(|r| &r.answers)
        .map(|r| r.ttl)
        .min()
        .unwrap_or(0)
}

/// Reads the host answer out of the replies to an A and/or AAAA query.
pub fn host_answer(answered: &Answered) -> Result<HostAnswer, LookupError> {
    if answered.replies.iter().any(|r| r.malformed) {
        return Err(LookupError::NoRecovery);
    }
    let mut answer = HostAnswer::default();
    let mut canonical = None;
    for reply in &answered.replies {
        let Some(chain) = walk_answers(reply, |data| match data {
            RecordData::A(a) => answer.v4.push(*a),
            RecordData::Aaaa(a) => answer.v6.push(*a),
            _ => {}
        }) else {
            continue;
        };
        for alias in chain.aliases {
            let text = alias.to_text();
            if !answer.aliases.contains(&text) {
                answer.aliases.push(text);
            }
        }
        canonical.get_or_insert(chain.canonical);
    }
    if answer.v4.is_empty() && answer.v6.is_empty() {
        // glibc: an answer section without a usable address (a dangling CNAME, unrelated records)
        // is NO_RECOVERY.
        return Err(LookupError::NoRecovery);
    }
    answer.canonical_name = canonical.map(|n| n.to_text()).unwrap_or_default();
    answer.ttl = min_ttl(&answered.replies);
    Ok(answer)
}

/// The record types to ask for `families`, with `no-aaaa` (which [`lookup_host`] handles for V6).
pub fn types_for(conf: &ResolvConf, families: Families) -> Vec<u16> {
    match (families, conf.options.no_aaaa) {
        (Families::V4, _) | (Families::Both, true) => vec![wire::TYPE_A],
        (Families::V6, _) => vec![wire::TYPE_AAAA],
        (Families::Both, false) => vec![wire::TYPE_A, wire::TYPE_AAAA],
    }
}

/// Orders IPv4 addresses by the first `sortlist` entry they match (glibc's `addrsort`); addresses
/// that match none keep their place after those that do.
pub fn apply_sortlist(conf: &ResolvConf, addresses: &mut [[u8; 4]]) {
    if conf.sortlist.is_empty() {
        return;
    }
    let rank = |a: &[u8; 4]| {
        conf.sortlist
            .iter()
            .position(|(net, mask)| {
                (0..4).all(|i| a.get(i).zip(mask.get(i)).map(|(x, m)| x & m) == net.get(i).copied())
            })
            .unwrap_or(conf.sortlist.len())
    };
    addresses.sort_by_key(rank);
}

/// Whether a forward lookup of `name` gets as far as glibc's resolver: the empty name (which fails
/// there, with NO_RECOVERY) and host names. glibc's `nss_dns` asks nothing for a name that is not a
/// host name (`res_hnok`) and answers HOST_NOT_FOUND itself.
pub fn asks_for(name: &[u8]) -> bool {
    name.is_empty()
        || (wire::is_printable(name) && Name::from_text(name).is_some_and(|n| n.is_host_name()))
}

/// Forward lookup without the cache.
pub fn lookup_host(
    conf: &ResolvConf,
    name: &[u8],
    families: Families,
) -> Result<HostAnswer, (LookupError, Option<u32>)> {
    // glibc sends nothing for an empty name and fails with NO_RECOVERY (measured: getaddrinfo gives
    // EAI_NONAME, gethostbyname h_errno 3), where "." is asked as the root.
    if name.is_empty() {
        return Err((LookupError::NoRecovery, None));
    }
    if !asks_for(name) {
        return Err((LookupError::NotFound, None));
    }
    // glibc's nss_dns replaces an alias before searching (and res_search looks again).
    let aliased = (!name.contains(&b'.')).then(|| host_alias(name)).flatten();
    let name = aliased.as_deref().unwrap_or(name);
    if families == Families::V6 && conf.options.no_aaaa {
        // glibc asks A instead, takes any answer as NODATA, and goes on through the search list.
        let ask = Ask {
            types: &[wire::TYPE_A],
            discard_answers: true,
        };
        return Err(search(conf, name, ask)
            .err()
            .unwrap_or((LookupError::NoData, None)));
    }
    let types = types_for(conf, families);
    let answered = search(conf, name, Ask::types(&types))?;
    let mut answer = host_answer(&answered).map_err(|e| (e, None))?;
    if families == Families::V4 {
        apply_sortlist(conf, &mut answer.v4);
    }
    Ok(answer)
}

/// The reverse-lookup name of an address: `d.c.b.a.in-addr.arpa` or the nibbles under `ip6.arpa`.
pub fn reverse_name(address: IpAddr) -> Vec<u8> {
    let mut text = Vec::with_capacity(73);
    match address {
        IpAddr::V4(v4) => {
            for octet in v4.octets().iter().rev() {
                text.extend_from_slice(format!("{octet}.").as_bytes());
            }
            text.extend_from_slice(b"in-addr.arpa");
        }
        IpAddr::V6(v6) => {
            for octet in v6.octets().iter().rev() {
                text.extend_from_slice(format!("{:x}.{:x}.", octet & 0xf, octet >> 4).as_bytes());
            }
            text.extend_from_slice(b"ip6.arpa");
        }
    }
    text
}

/// Reverse lookup without the cache: the PTR names, in answer order (no search list, as glibc).
pub fn lookup_ptr(
    conf: &ResolvConf,
    address: IpAddr,
) -> Result<PtrAnswer, (LookupError, Option<u32>)> {
    let name = reverse_name(address);
    let answered = query_domain(conf, &name, None, Ask::types(&[wire::TYPE_PTR]))
        .map_err(|f| (f.error, f.negative_ttl))?;
    if answered.replies.iter().any(|r| r.malformed) {
        return Err((LookupError::NoRecovery, None));
    }
    let mut names = Vec::new();
    for reply in &answered.replies {
        walk_answers(reply, |data| {
            if let RecordData::Ptr(target) = data {
                names.push(target.to_text());
            }
        });
    }
    if names.is_empty() {
        return Err((LookupError::NoRecovery, None));
    }
    Ok(PtrAnswer {
        names,
        ttl: min_ttl(&answered.replies),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_aliases_file() {
        let text = b"web  www.example.test\nDB db1.example.test extra\nbroken\nlate x.test\n";
        assert_eq!(
            host_alias_in(text, b"web"),
            Some(b"www.example.test".to_vec())
        );
        assert_eq!(
            host_alias_in(text, b"db"),
            Some(b"db1.example.test".to_vec())
        );
        assert_eq!(
            host_alias_in(text, b"late"),
            Some(b"x.test".to_vec()),
            "a newline is a blank"
        );
        assert_eq!(
            host_alias_in(b"last www.test", b"last"),
            Some(b"www.test".to_vec())
        );
        assert_eq!(host_alias_in(b"a\nnoblank", b"zzz"), None);
        assert_eq!(host_alias_in(b"alone \nzzz y.test\n", b"alone"), None);
    }

    #[test]
    fn an_empty_name_is_no_recovery_without_a_query() {
        // No server listens on 127.0.0.9: a query would be refused and make this TRY_AGAIN.
        let conf = super::super::conf::ResolvConf::parse(
            Some(b"nameserver 127.0.0.9\noptions timeout:1 attempts:1\n"),
            &Default::default(),
        );
        assert_eq!(
            lookup_host(&conf, b"", Families::Both).err(),
            Some((LookupError::NoRecovery, None))
        );
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.10".parse().unwrap()),
            b"10.2.0.192.in-addr.arpa"
        );
        let v6 = reverse_name("2001:db8::567:89ab".parse().unwrap());
        assert_eq!(
            v6,
            b"b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa".to_vec()
        );
    }

    #[test]
    fn sortlist_orders_matching_first() {
        let conf = super::super::conf::ResolvConf::parse(
            Some(b"sortlist 10.0.0.0/255.0.0.0 192.168.0.0/255.255.0.0\n"),
            &Default::default(),
        );
        let mut addresses = [[1, 1, 1, 1], [192, 168, 1, 1], [10, 9, 9, 9], [2, 2, 2, 2]];
        apply_sortlist(&conf, &mut addresses);
        assert_eq!(
            addresses,
            [[10, 9, 9, 9], [192, 168, 1, 1], [1, 1, 1, 1], [2, 2, 2, 2]]
        );
    }
}
