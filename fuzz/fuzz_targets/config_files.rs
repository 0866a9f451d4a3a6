//! Fuzz target: any bytes as resolv.conf (with LOCALDOMAIN and RES_OPTIONS taken from the input
//! too), gai.conf and the `hosts:` line of nsswitch.conf. Parsing must never panic and must keep
//! the resolver's limits (at most 3 nameservers and 10 sortlist pairs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netlibc::dns::conf::{ResolvConf, ResolvEnv};

fuzz_target!(|data: &[u8]| {
    // Sections separated by 0xff: file text, LOCALDOMAIN, RES_OPTIONS, host name.
    let mut parts = data.split(|&b| b == 0xff);
    let text = parts.next().unwrap_or_default();
    let env = ResolvEnv {
        localdomain: parts.next().map(<[u8]>::to_vec),
        res_options: parts.next().map(<[u8]>::to_vec),
        hostname: parts.next().unwrap_or(b"host.example").to_vec(),
    };
    let conf = ResolvConf::parse(Some(text), &env);
    assert!(
        conf.nameservers.len() <= 3,
        "{} nameservers",
        conf.nameservers.len()
    );
    assert!(
        conf.sortlist.len() <= 10,
        "{} sortlist pairs",
        conf.sortlist.len()
    );
    let _ = ResolvConf::parse(None, &env);

    let policy = netlibc::lookup::gai_conf::parse(text).policy;
    let mut address = [0u8; 16];
    for (i, byte) in address.iter_mut().enumerate() {
        *byte = text.get(i).copied().unwrap_or(0);
    }
    let _ = policy.label(&address);
    let _ = policy.precedence(&address);
    let _ = policy.ipv4_scope(std::net::Ipv4Addr::new(
        address[0], address[1], address[2], address[3],
    ));

    let _ = netlibc::dns::nsswitch::parse_hosts(text);
});
