//! Fuzz target: any bytes as a DNS reply. Decoding, the CNAME-chain walk and the address and name
//! extraction must never panic, loop or read out of bounds, whatever the message says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netlibc::dns::resolver::{host_answer, Answered};
use netlibc::dns::wire::parse_reply;

fuzz_target!(|data: &[u8]| {
    if let Some(reply) = parse_reply(data) {
        for record in &reply.answers {
            let _ = record.name.to_text();
        }
        let _ = host_answer(&Answered { replies: vec![reply] });
    }
});
