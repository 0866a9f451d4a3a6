//! netlibc's resolver against the scriptable test server: normal answers, then every fault the server
//! can produce. Each test uses its own server on loopback and an explicit configuration pointing at it
//! (never the machine's resolv.conf). glibc's results for the same faults are compared in
//! tests/dns_glibc.rs; the expected values here are glibc's.

#[path = "common/dns_server.rs"]
mod dns_server;

use dns_server::{Action, DnsServer, ReplyBuilder, Request, Zone, A, AAAA};
use netlibc::dns::{self, Families, HostAnswer, LookupError, ResolvConf};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn conf_for(servers: &[SocketAddr], text: &str) -> ResolvConf {
    let mut conf = ResolvConf::parse(Some(text.as_bytes()), &Default::default());
    conf.nameservers = servers.to_vec();
    conf
}

const FAST: &str = "options timeout:1 attempts:1\n";

fn zone() -> Zone {
    let mut zone = Zone::new();
    zone.a("host.test", [192, 0, 2, 1])
        .a("host.test", [192, 0, 2, 2])
        .aaaa(
            "host.test",
            [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        )
        .cname("www.test", "web.test")
        .cname("web.test", "host.test")
        .a("v4only.test", [192, 0, 2, 9])
        .cname("dangling.test", "nowhere.test");
    zone
}

fn lookup(
    server: &DnsServer,
    text: &str,
    name: &str,
    families: Families,
) -> Result<HostAnswer, LookupError> {
    dns::lookup_host_with(
        &conf_for(&[server.address], text),
        name.as_bytes(),
        families,
    )
}

#[test]
fn a_and_aaaa_in_parallel_from_one_socket_a_first() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    let answer = lookup(&server, FAST, "host.test", Families::Both).unwrap();
    assert_eq!(answer.v4, vec![[192, 0, 2, 1], [192, 0, 2, 2]]);
    assert_eq!(answer.v6.len(), 1);
    assert_eq!(answer.canonical_name, b"host.test");
    let requests = server.requests();
    assert_eq!(
        requests.iter().map(|r| r.qtype).collect::<Vec<_>>(),
        vec![A, AAAA]
    );
    assert_eq!(requests[0].from, requests[1].from, "one socket");
    assert_ne!(requests[0].id, requests[1].id);
    assert_eq!(requests[0].flags() & 0x0100, 0x0100, "RD set");
    assert_eq!(requests[0].edns_udp_size(), None);
}

#[test]
fn cname_chain_gives_canonical_name_and_aliases() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    let answer = lookup(&server, FAST, "WWW.test", Families::V4).unwrap();
    assert_eq!(answer.canonical_name, b"host.test");
    assert_eq!(
        answer.aliases,
        vec![b"WWW.test".to_vec(), b"web.test".to_vec()]
    );
    assert_eq!(answer.v4.len(), 2);
}

/// A dangling CNAME is NO_RECOVERY, as glibc has it (compared in tests/dns_glibc.rs).
#[test]
fn nxdomain_nodata_and_dangling_cname() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    assert_eq!(
        lookup(&server, FAST, "missing.test", Families::V4),
        Err(LookupError::NotFound)
    );
    assert_eq!(
        lookup(&server, FAST, "v4only.test", Families::V6),
        Err(LookupError::NoData)
    );
    assert!(lookup(&server, FAST, "v4only.test", Families::Both).is_ok());
    assert_eq!(
        lookup(&server, FAST, "dangling.test", Families::V4),
        Err(LookupError::NoRecovery)
    );
}

#[test]
fn options_shape_the_queries() {
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    let text = "options timeout:1 attempts:1 edns0 trust-ad no-aaaa\n";
    let answer = lookup(&server, text, "host.test", Families::Both).unwrap();
    assert!(answer.v6.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].edns_udp_size(), Some(1200));
    assert_eq!(requests[0].flags() & 0x0020, 0x0020, "AD set with trust-ad");

    server.clear();
    lookup(
        &server,
        "options single-request timeout:1 attempts:1\n",
        "host.test",
        Families::Both,
    )
    .unwrap();
    let r = server.requests();
    assert_eq!(
        (r[0].qtype, r[1].qtype, r[0].from == r[1].from),
        (A, AAAA, true)
    );

    server.clear();
    lookup(
        &server,
        "options single-request-reopen timeout:1\n",
        "host.test",
        Families::Both,
    )
    .unwrap();
    let r = server.requests();
    assert_eq!((r[0].qtype, r[1].qtype), (A, AAAA));
    assert_ne!(r[0].from, r[1].from, "a new source port for AAAA");

    server.clear();
    let answer = lookup(
        &server,
        "options use-vc timeout:1\n",
        "host.test",
        Families::Both,
    )
    .unwrap();
    assert_eq!((answer.v4.len(), answer.v6.len()), (2, 1));
    assert!(server.requests().iter().all(|r| r.tcp));
}

#[test]
fn search_list_and_ndots_follow_glibc() {
    let mut zone = zone();
    zone.a("box.corp.test", [192, 0, 2, 20])
        .a("a.b.corp.test", [192, 0, 2, 21]);
    let server = DnsServer::start("127.0.0.1:0", zone.handler());
    let text = "search corp.test other.test\noptions timeout:1 attempts:1\n";
    let names = |server: &DnsServer| {
        server
            .requests()
            .iter()
            .map(|r| r.name.clone())
            .collect::<Vec<_>>()
    };

    // No dot: the search list first, then the name as is.
    assert_eq!(
        lookup(&server, text, "box", Families::V4).unwrap().v4,
        vec![[192, 0, 2, 20]]
    );
    assert_eq!(names(&server), vec!["box.corp.test"]);
    server.clear();
    assert_eq!(
        lookup(&server, text, "nothing", Families::V4),
        Err(LookupError::NotFound)
    );
    assert_eq!(
        names(&server),
        vec!["nothing.corp.test", "nothing.other.test", "nothing"]
    );

    // Enough dots: as is first, then glibc falls back to the search list.
    server.clear();
    assert!(lookup(&server, text, "a.b", Families::V4).is_ok());
    assert_eq!(names(&server), vec!["a.b", "a.b.corp.test"]);

    // ndots:2 puts the search list first for "a.b".
    server.clear();
    assert!(lookup(
        &server,
        &format!("{text}options ndots:2\n"),
        "a.b",
        Families::V4
    )
    .is_ok());
    assert_eq!(names(&server), vec!["a.b.corp.test"]);

    // A trailing dot: as is only.
    server.clear();
    assert_eq!(
        lookup(&server, text, "box.", Families::V4),
        Err(LookupError::NotFound)
    );
    assert_eq!(names(&server), vec!["box"]);

    // no-tld-query: a single label is never asked as is.
    server.clear();
    let _ = lookup(
        &server,
        &format!("{text}options no-tld-query\n"),
        "nothing",
        Families::V4,
    );
    assert_eq!(
        names(&server),
        vec!["nothing.corp.test", "nothing.other.test"]
    );

    // NODATA somewhere in the search wins over NXDOMAIN at the end.
    server.clear();
    let mut zone2 = Zone::new();
    zone2.aaaa("only6.corp.test", [0; 16]);
    let server2 = DnsServer::start("127.0.0.1:0", zone2.handler());
    assert_eq!(
        lookup(&server2, text, "only6", Families::V4),
        Err(LookupError::NoData)
    );
}

#[test]
fn reverse_lookups_v4_and_v6() {
    let mut zone = zone();
    zone.ptr("1.2.0.192.in-addr.arpa", "host.test");
    zone.ptr(
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
        "six.test",
    );
    let server = DnsServer::start("127.0.0.1:0", zone.handler());
    let conf = conf_for(
        &[server.address],
        "search corp.test\noptions timeout:1 attempts:1\n",
    );
    let names = dns::lookup_ptr_with(&conf, "192.0.2.1".parse().unwrap())
        .unwrap()
        .names;
    assert_eq!(names, vec![b"host.test".to_vec()]);
    let names = dns::lookup_ptr_with(&conf, "2001:db8::1".parse().unwrap())
        .unwrap()
        .names;
    assert_eq!(names, vec![b"six.test".to_vec()]);
    assert_eq!(
        dns::lookup_ptr_with(&conf, "192.0.2.99".parse().unwrap()),
        Err(LookupError::NotFound)
    );
    assert_eq!(
        server.requests().len(),
        3,
        "no search list for reverse lookups"
    );
}

// ---- faults ----

#[test]
fn delayed_reply_within_the_timeout_is_taken() {
    let zone = zone();
    let server = DnsServer::start("127.0.0.1:0", move |r: &Request| {
        vec![Action::SendAfter(Duration::from_millis(300), zone.reply(r))]
    });
    assert!(lookup(&server, FAST, "host.test", Families::Both).is_ok());
}

#[test]
fn dropped_queries_time_out_on_glibc_schedule() {
    let server = DnsServer::start("127.0.0.1:0", |_: &Request| vec![]);
    let started = Instant::now();
    let result = lookup(
        &server,
        "options timeout:1 attempts:2\n",
        "host.test",
        Families::V4,
    );
    let elapsed = started.elapsed();
    assert_eq!(result, Err(LookupError::TryAgain));
    assert_eq!(server.query_count(), 2);
    assert!(
        elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_millis(3000),
        "{elapsed:?}"
    );
}

#[test]
fn two_silent_servers_alternate() {
    let one = DnsServer::start("127.0.0.1:0", |_: &Request| vec![]);
    let two = DnsServer::start("127.0.0.2:0", |_: &Request| vec![]);
    let conf = conf_for(
        &[one.address, two.address],
        "options timeout:1 attempts:2\n",
    );
    let started = Instant::now();
    assert_eq!(
        dns::lookup_host_with(&conf, b"host.test", Families::V4),
        Err(LookupError::TryAgain)
    );
    assert!(started.elapsed() >= Duration::from_millis(3900));
    assert_eq!((one.query_count(), two.query_count()), (2, 2));
}

#[test]
fn late_reply_after_a_timeout_round_is_dropped_then_retry_answers() {
    // The first copy of each query goes unanswered; the retry is answered.
    let zone = zone();
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let server = DnsServer::start("127.0.0.1:0", move |r: &Request| {
        if seen.lock().unwrap().insert(r.qtype) {
            vec![]
        } else {
            vec![Action::Send(zone.reply(r))]
        }
    });
    let answer = lookup(
        &server,
        "options timeout:1 attempts:2\n",
        "host.test",
        Families::Both,
    )
    .unwrap();
    assert_eq!((answer.v4.len(), answer.v6.len()), (2, 1));
}

#[test]
fn servfail_and_refused_move_to_the_next_server_at_once() {
    for rcode in [2u8, 5] {
        let bad = DnsServer::start("127.0.0.1:0", move |r: &Request| {
            vec![Action::Send(ReplyBuilder::to(r, rcode).build())]
        });
        let good = DnsServer::start("127.0.0.2:0", zone().handler());
        let conf = conf_for(&[bad.address, good.address], FAST);
        let started = Instant::now();
        assert!(dns::lookup_host_with(&conf, b"host.test", Families::Both).is_ok());
        assert!(started.elapsed() < Duration::from_millis(900));
        // Alone, the failing server gives TRY_AGAIN, after every attempt.
        let conf = conf_for(&[bad.address], "options timeout:1 attempts:2\n");
        bad.clear();
        let started = Instant::now();
        assert_eq!(
            dns::lookup_host_with(&conf, b"host.test", Families::V4),
            Err(LookupError::TryAgain)
        );
        assert!(started.elapsed() < Duration::from_millis(900));
        assert_eq!(bad.query_count(), 2);
    }
}

#[test]
fn connection_refused_moves_to_the_next_server_at_once() {
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // now closed
    let good = DnsServer::start("127.0.0.1:0", zone().handler());
    let conf = conf_for(&[closed, good.address], FAST);
    let started = Instant::now();
    assert!(dns::lookup_host_with(&conf, b"host.test", Families::Both).is_ok());
    assert!(started.elapsed() < Duration::from_millis(900));
    let conf = conf_for(&[closed], FAST);
    let started = Instant::now();
    assert_eq!(
        dns::lookup_host_with(&conf, b"host.test", Families::V4),
        Err(LookupError::TryAgain)
    );
    assert!(started.elapsed() < Duration::from_millis(900));
}

#[test]
fn truncated_reply_is_retried_over_tcp_with_bounded_framing() {
    let zone = zone();
    let server = DnsServer::start("127.0.0.1:0", move |r: &Request| {
        if r.tcp {
            vec![Action::Send(zone.reply(r))]
        } else {
            vec![Action::Send(ReplyBuilder::to(r, 0).truncated().build())]
        }
    });
    let answer = lookup(&server, FAST, "host.test", Families::Both).unwrap();
    assert_eq!((answer.v4.len(), answer.v6.len()), (2, 1));
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.tcp && r.qtype == A)
            && requests.iter().any(|r| r.tcp && r.qtype == AAAA)
    );
    // TCP IDs are the UDP ones.
    let udp_a = requests.iter().find(|r| !r.tcp && r.qtype == A).unwrap();
    let tcp_a = requests.iter().find(|r| r.tcp && r.qtype == A).unwrap();
    assert_eq!(udp_a.id, tcp_a.id);
}

/// A server that first sends `bad` (built from the request), then the right reply.
fn bad_then_good(bad: impl Fn(&Request) -> Action + Send + Sync + 'static) -> DnsServer {
    let zone = zone();
    DnsServer::start("127.0.0.1:0", move |r: &Request| {
        vec![bad(r), Action::Send(zone.reply(r))]
    })
}

/// A server that sends only `bad`.
fn only_bad(bad: impl Fn(&Request) -> Action + Send + Sync + 'static) -> DnsServer {
    DnsServer::start("127.0.0.1:0", move |r: &Request| vec![bad(r)])
}

/// The reply is dropped and the wait goes on: followed by a good one, the lookup succeeds; alone, it
/// times out with TRY_AGAIN.
fn assert_dropped(bad: impl Fn(&Request) -> Action + Send + Sync + Clone + 'static) {
    let server = bad_then_good(bad.clone());
    assert!(lookup(&server, FAST, "host.test", Families::Both).is_ok());
    let server = only_bad(bad);
    assert_eq!(
        lookup(&server, FAST, "host.test", Families::V4),
        Err(LookupError::TryAgain)
    );
}

#[test]
fn reply_from_the_wrong_port_is_dropped() {
    let zone = zone();
    assert_dropped(move |r: &Request| Action::SendFromOtherPort(zone.reply(r)));
}

#[test]
fn reply_with_the_wrong_id_is_dropped() {
    let zone = zone();
    assert_dropped(move |r: &Request| {
        let mut bytes = zone.reply(r);
        bytes[0] ^= 0x5a;
        Action::Send(bytes)
    });
}

#[test]
fn reply_with_the_wrong_question_is_dropped() {
    assert_dropped(|r: &Request| {
        Action::Send(
            ReplyBuilder::to(r, 0)
                .question("evil.test", r.qtype)
                .a("evil.test", 60, [6, 6, 6, 6])
                .build(),
        )
    });
    assert_dropped(|r: &Request| {
        let other = if r.qtype == A { AAAA } else { A };
        Action::Send(ReplyBuilder::to(r, 0).question(&r.name, other).build())
    });
}

#[test]
fn query_echoed_back_without_qr_is_dropped() {
    assert_dropped(|r: &Request| {
        Action::Send(
            ReplyBuilder::to(r, 0)
                .not_a_response()
                .a(&r.name, 1, [6; 4])
                .build(),
        )
    });
}

#[test]
fn empty_and_short_messages_are_dropped() {
    assert_dropped(|_: &Request| Action::Send(Vec::new()));
    assert_dropped(|r: &Request| Action::Send(r.bytes[..7].to_vec()));
}

/// The answer section of a reply to `r`, made of raw bytes, with ANCOUNT `count`.
fn raw_answers(r: &Request, count: u16, answers: &[u8]) -> Vec<u8> {
    let mut bytes = ReplyBuilder::to(r, 0).build();
    bytes[6..8].copy_from_slice(&count.to_be_bytes());
    bytes.extend_from_slice(answers);
    bytes
}

#[test]
fn compression_loop_is_no_recovery() {
    // glibc takes the reply (its header and question match) and fails parsing it: NO_RECOVERY.
    let server = only_bad(|r: &Request| {
        let at = 12 + r.question_bytes().len();
        let pointer = [0xc0 | (at >> 8) as u8, at as u8];
        let mut answer = pointer.to_vec();
        answer.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
        Action::Send(raw_answers(r, 1, &answer))
    });
    assert_eq!(
        lookup(&server, FAST, "host.test", Families::V4),
        Err(LookupError::NoRecovery)
    );
}

#[test]
fn pointer_past_the_end_is_no_recovery() {
    let server = only_bad(|r: &Request| Action::Send(raw_answers(r, 1, &[0xc3, 0xff, 0, 1, 0, 1])));
    assert_eq!(
        lookup(&server, FAST, "host.test", Families::V4),
        Err(LookupError::NoRecovery)
    );
}

#[test]
fn counts_larger_than_the_packet_are_no_recovery() {
    let server = only_bad(|r: &Request| {
        let mut bytes = ReplyBuilder::to(r, 0)
            .a(&r.name, 60, [192, 0, 2, 7])
            .build();
        bytes[6..8].copy_from_slice(&500u16.to_be_bytes());
        Action::Send(bytes)
    });
    assert_eq!(
        lookup(&server, FAST, "host.test", Families::V4),
        Err(LookupError::NoRecovery)
    );
}

#[test]
fn rdata_length_past_the_end_is_no_recovery() {
    let server = only_bad(|r: &Request| {
        let mut answer = dns_server::encode_name(&r.name);
        answer.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0xff, 0xff, 1, 2, 3, 4]);
        Action::Send(raw_answers(r, 1, &answer))
    });
    assert_eq!(
        lookup(&server, FAST, "host.test", Families::V4),
        Err(LookupError::NoRecovery)
    );
}

#[test]
fn large_replies_without_edns_are_accepted() {
    // 2000 A records: about 48 KB over UDP.
    let server = DnsServer::start("127.0.0.1:0", |r: &Request| {
        let mut b = ReplyBuilder::to(r, 0);
        if r.qtype == A {
            for i in 0..2000u32 {
                b = b.a(&r.name, 60, [10, (i >> 16) as u8, (i >> 8) as u8, i as u8]);
            }
        }
        vec![Action::Send(b.build())]
    });
    let answer = lookup(&server, FAST, "big.test", Families::V4).unwrap();
    assert_eq!(answer.v4.len(), 2000);
}

#[test]
fn random_garbage_replies_never_crash() {
    let state = std::sync::Mutex::new(0x2545f4914f6cdd1du64);
    let server = DnsServer::start("127.0.0.1:0", move |r: &Request| {
        let mut s = state.lock().unwrap();
        (0..20)
            .map(|_| {
                let mut bytes = ReplyBuilder::to(r, 0).a(&r.name, 60, [1, 2, 3, 4]).build();
                for _ in 0..4 {
                    *s ^= *s << 13;
                    *s ^= *s >> 7;
                    *s ^= *s << 17;
                    let at = (*s as usize) % bytes.len();
                    bytes[at] = (*s >> 32) as u8;
                }
                Action::Send(bytes)
            })
            .collect()
    });
    for _ in 0..5 {
        let _ = lookup(&server, FAST, "host.test", Families::Both);
    }
}

#[test]
fn no_descriptors_leak() {
    let count = || std::fs::read_dir("/proc/self/fd").unwrap().count();
    let server = DnsServer::start("127.0.0.1:0", zone().handler());
    let _ = lookup(&server, FAST, "host.test", Families::Both);
    let before = count();
    for _ in 0..20 {
        for name in ["host.test", "missing.test", "www.test"] {
            let _ = lookup(&server, "options use-vc timeout:1\n", name, Families::Both);
            let _ = lookup(&server, FAST, name, Families::Both);
        }
    }
    // Other tests run in parallel threads and open sockets too: allow for theirs, not for 120 of ours.
    assert!(count() <= before + 8, "{} -> {}", before, count());
}

#[test]
fn rotate_spreads_first_queries_over_the_servers() {
    let one = DnsServer::start("127.0.0.1:0", zone().handler());
    let two = DnsServer::start("127.0.0.2:0", zone().handler());
    let rotating = conf_for(
        &[one.address, two.address],
        "options rotate timeout:1 attempts:1\n",
    );
    for _ in 0..6 {
        lookup_with(&rotating, "host.test");
    }
    assert_eq!(
        (one.query_count(), two.query_count()),
        (3, 3),
        "each lookup starts at the next server"
    );
    one.clear();
    two.clear();
    let fixed = conf_for(&[one.address, two.address], FAST);
    for _ in 0..4 {
        lookup_with(&fixed, "host.test");
    }
    assert_eq!(
        (one.query_count(), two.query_count()),
        (4, 0),
        "without rotate, always the first"
    );
}

fn lookup_with(conf: &ResolvConf, name: &str) {
    dns::lookup_host_with(conf, name.as_bytes(), Families::V4).unwrap();
}

#[test]
fn ipv6_nameserver() {
    let server = DnsServer::start("[::1]:0", zone().handler());
    let conf = conf_for(&[server.address], FAST);
    let answer = dns::lookup_host_with(&conf, b"host.test", Families::Both).unwrap();
    assert_eq!((answer.v4.len(), answer.v6.len()), (2, 1));
    let conf = conf_for(&[server.address], "options use-vc timeout:1\n");
    assert!(dns::lookup_host_with(&conf, b"host.test", Families::Both).is_ok());
}
