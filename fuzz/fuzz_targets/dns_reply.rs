//! Fuzz target: any bytes as a DNS reply. Decoding, the CNAME-chain walk and the address and name
//! extraction must never panic, loop or read out of bounds, whatever the message says. An
//! independent decoder (the `simple-dns` crate, used only here as an oracle) checks the answers:
//! when it decodes the whole message, ours must decode it too, with the same header fields, and
//! the first answer record ours decodes must have the oracle's type and address. simple-dns is lax
//! where netlibc is not (record data shorter or longer than its RDLENGTH says: netlibc calls the
//! answers malformed, src/dns/wire.rs `name_in_rdata`); fuzz/regressions/ holds such inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netlibc::dns::resolver::{host_answer, Answered};
use netlibc::dns::wire::{parse_reply, RecordData};
use simple_dns::rdata::RData;

fuzz_target!(|data: &[u8]| {
    let ours = parse_reply(data);
    if let Some(reply) = &ours {
        for record in &reply.answers {
            let _ = record.name.to_text();
        }
        let _ = host_answer(&Answered {
            replies: vec![reply.clone()],
        });
    }
    let Ok(oracle) = simple_dns::Packet::parse(data) else {
        return;
    };
    let reply = ours.expect("simple-dns decodes the message, netlibc rejects it");
    assert_eq!(reply.id, oracle.id());
    assert_eq!(usize::from(reply.question_count), oracle.questions.len());
    // simple-dns reads record data with the type's own parser and moves on from where it stopped,
    // not from RDLENGTH: after the first record its framing may differ from the wire's. Only the
    // first answer record is compared.
    for (mine, theirs) in reply.answers.iter().zip(&oracle.answers).take(1) {
        assert_eq!(mine.rtype, u16::from(theirs.rdata.type_code()));
        match (&mine.data, &theirs.rdata) {
            (RecordData::A(address), RData::A(a)) => {
                assert_eq!(u32::from_be_bytes(*address), a.address)
            }
            (RecordData::Aaaa(address), RData::AAAA(a)) => {
                assert_eq!(u128::from_be_bytes(*address), a.address)
            }
            (RecordData::A(_) | RecordData::Aaaa(_), other) => panic!("A/AAAA vs {other:?}"),
            _ => {}
        }
    }
});
