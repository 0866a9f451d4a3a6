//! DNS under attack: while the real answer to a query is pending, the resolver's port is flooded
//! with forged replies — wrong ID, right ID from another source port, wrong question name or type,
//! not a response, truncated and malformed messages, replies to a different query. Every forgery
//! carries an address the real answer does not have, so one accepted forgery shows in the result.
//! The real answer (sent after the flood) must be the one returned, before the configured timeout,
//! with one query per type sent. Loopback only: each test has its own scriptable server.

#[path = "common/dns_server.rs"]
mod dns_server;

use dns_server::{Action, DnsServer, ReplyBuilder, Request, A, AAAA};
use netlibc::dns::{self, Families, ResolvConf};
use std::time::{Duration, Instant};

const REAL_V4: [u8; 4] = [192, 0, 2, 1];
const REAL_V6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const FORGED_V4: [u8; 4] = [198, 51, 100, 66];
const FORGED_V6: [u8; 16] = [
    0x20, 1, 0xd, 0xb8, 0xba, 0xd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x66,
];
/// Forged datagrams sent per query (bounded: the test must stay fast).
const ROUNDS: usize = 40;

/// The real reply to `request`.
fn real_reply(request: &Request) -> Vec<u8> {
    let builder = ReplyBuilder::to(request, 0);
    match request.qtype {
        A => builder.a(&request.name, 60, REAL_V4),
        _ => builder.aaaa(&request.name, 60, REAL_V6),
    }
    .build()
}

/// A reply to `request` carrying the forged address (for whatever type was asked).
fn forged_answer(builder: ReplyBuilder, request: &Request) -> ReplyBuilder {
    match request.qtype {
        A => builder.a(&request.name, 60, FORGED_V4),
        _ => builder.aaaa(&request.name, 60, FORGED_V6),
    }
}

/// Every kind of forgery for one query, `round` varying the details.
fn forgeries(request: &Request, round: usize) -> Vec<Action> {
    let other_type = if request.qtype == A { AAAA } else { A };
    let well_formed = forged_answer(ReplyBuilder::to(request, 0), request).build();
    // Cut inside the question (with the answer cut, a message with the right ID and question
    // from the server's port is the reply, malformed: that is not a forgery the resolver can tell).
    let question_len = request.question_bytes().len();
    let mut truncated_message = well_formed.clone();
    truncated_message.truncate(12 + round % question_len);
    // The question's name as a compression pointer past the end of the message.
    let mut bad_pointer = well_formed[..12].to_vec();
    bad_pointer.extend_from_slice(&[0xc0 | (round as u8 & 0x3f), 0xff]);
    bad_pointer.extend_from_slice(&well_formed[12 + question_len - 4..]);
    vec![
        Action::Send(
            forged_answer(
                ReplyBuilder::to(request, 0).id(request.id.wrapping_add(1 + round as u16)),
                request,
            )
            .build(),
        ),
        Action::SendFromOtherPort(well_formed.clone()),
        Action::Send(
            forged_answer(
                ReplyBuilder::to(request, 0)
                    .question(&format!("x{round}.{}", request.name), request.qtype),
                request,
            )
            .build(),
        ),
        Action::Send(
            forged_answer(
                ReplyBuilder::to(request, 0).question(&request.name, other_type),
                request,
            )
            .build(),
        ),
        Action::Send(forged_answer(ReplyBuilder::to(request, 0).not_a_response(), request).build()),
        Action::Send(truncated_message),
        Action::Send(bad_pointer),
        Action::Send(well_formed[..2].to_vec()),
        Action::Send(Vec::new()),
    ]
}

fn flood_then_answer(request: &Request) -> Vec<Action> {
    let mut actions: Vec<Action> = (0..ROUNDS)
        .flat_map(|round| forgeries(request, round))
        .collect();
    actions.push(Action::SendAfter(
        Duration::from_millis(150),
        real_reply(request),
    ));
    actions
}

fn conf_for(server: &DnsServer, text: &str) -> ResolvConf {
    let mut conf = ResolvConf::parse(Some(text.as_bytes()), &Default::default());
    conf.nameservers = vec![server.address];
    conf
}

fn check_real_answer_wins(text: &str, families: Families) {
    let server = DnsServer::start("127.0.0.1:0", flood_then_answer);
    let started = Instant::now();
    let answer = dns::lookup_host_with(&conf_for(&server, text), b"victim.test", families)
        .unwrap_or_else(|error| panic!("{text:?}: the flood made the lookup fail: {error:?}"));
    let elapsed = started.elapsed();
    match families {
        Families::V4 => assert_eq!(answer.v4, vec![REAL_V4], "{text:?}"),
        Families::V6 => assert_eq!(answer.v6, vec![REAL_V6], "{text:?}"),
        Families::Both => {
            assert_eq!(answer.v4, vec![REAL_V4], "{text:?}");
            assert_eq!(answer.v6, vec![REAL_V6], "{text:?}");
        }
    }
    assert_eq!(answer.canonical_name, b"victim.test");
    // Well inside the 3 s timeout: the forgeries neither ended nor restarted the wait.
    assert!(
        elapsed < Duration::from_secs(3),
        "{text:?}: took {elapsed:?}"
    );
    let queries = server.requests();
    let expected = if matches!(families, Families::Both) {
        2
    } else {
        1
    };
    assert_eq!(queries.len(), expected, "{text:?}: {queries:?}");
}

#[test]
fn forged_replies_are_ignored_and_the_real_answer_returned() {
    for text in [
        "options timeout:3 attempts:1\n",
        "options timeout:3 attempts:1 single-request\n",
        "options timeout:3 attempts:1 single-request-reopen\n",
        "options timeout:3 attempts:1 edns0\n",
    ] {
        for families in [Families::V4, Families::V6, Families::Both] {
            check_real_answer_wins(text, families);
        }
    }
}
