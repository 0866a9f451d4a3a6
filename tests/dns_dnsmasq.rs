//! End-to-end lookups through netlibc's resolver against a real DNS server: dnsmasq (Debian's
//! dnsmasq-base, installed by `make deps`), started by scripts/dnsmasq.sh on 127.0.0.77 and a free high
//! port with records of our own, never forwarding anywhere.

use netlibc::dns::{self, Families, LookupError, ResolvConf};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// dnsmasq, killed when dropped (and gone after 60 s in any case).
struct Dnsmasq {
    child: Child,
    address: SocketAddr,
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn has_dnsmasq() -> bool {
    let in_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("dnsmasq").exists()))
        .unwrap_or(false);
    in_path || std::path::Path::new("/usr/sbin/dnsmasq").exists()
}

fn start_dnsmasq() -> Dnsmasq {
    assert!(
        has_dnsmasq(),
        "dnsmasq is missing: run `make deps` (installs dnsmasq-base)"
    );
    let port = {
        let udp = std::net::UdpSocket::bind("127.0.0.77:0").unwrap();
        udp.local_addr().unwrap().port()
    };
    let child = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/dnsmasq.sh"))
        .args(["127.0.0.77", &port.to_string(), "60"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Dnsmasq {
        child,
        address: SocketAddr::from(([127, 0, 0, 77], port)),
    };
    let conf = conf(&server, "options timeout:1 attempts:1\n");
    let started = Instant::now();
    while dns::lookup_host_with(&conf, b"dual.test", Families::V4).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "dnsmasq did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn conf(server: &Dnsmasq, text: &str) -> ResolvConf {
    let mut conf = ResolvConf::parse(Some(text.as_bytes()), &Default::default());
    conf.nameservers = vec![server.address];
    conf
}

#[test]
fn lookups_through_dnsmasq() {
    let server = start_dnsmasq();
    for options in [
        "",
        "edns0",
        "use-vc",
        "single-request",
        "single-request-reopen",
        "rotate",
    ] {
        let conf = conf(
            &server,
            &format!("options timeout:1 attempts:1 {options}\n"),
        );
        let host = |name: &str, families| dns::lookup_host_with(&conf, name.as_bytes(), families);

        let dual = host("dual.test", Families::Both).unwrap();
        assert_eq!(dual.v4, vec![[192, 0, 2, 30]], "{options}");
        assert_eq!(
            dual.v6,
            vec![[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30]]
        );
        assert_eq!(dual.canonical_name, b"dual.test");
        assert!(dual.aliases.is_empty());
        assert!(dual.ttl > 0 && dual.ttl <= 300);

        let chained = host("alias2.test", Families::V4).unwrap();
        assert_eq!(chained.canonical_name, b"dual.test");
        assert_eq!(
            chained.aliases,
            vec![b"alias2.test".to_vec(), b"alias.test".to_vec()]
        );
        assert_eq!(chained.v4, vec![[192, 0, 2, 30]]);

        let mut multi = host("multi.test", Families::V4).unwrap().v4;
        multi.sort();
        assert_eq!(multi, vec![[192, 0, 2, 21], [192, 0, 2, 22]]);
        assert_eq!(host("many.test", Families::V4).unwrap().v4.len(), 12);
        assert_eq!(host("v6only.test", Families::V6).unwrap().v6.len(), 1);

        assert_eq!(host("nx.test", Families::V4), Err(LookupError::NotFound));
        assert_eq!(host("nx.test", Families::Both), Err(LookupError::NotFound));
        assert_eq!(host("multi.test", Families::V6), Err(LookupError::NoData));
        assert_eq!(host("v6only.test", Families::V4), Err(LookupError::NoData));

        for address in ["192.0.2.30", "2001:db8::30"] {
            let names = dns::lookup_ptr_with(&conf, address.parse().unwrap())
                .unwrap()
                .names;
            assert_eq!(names, vec![b"dual.test".to_vec()], "{address}");
        }
        assert_eq!(
            dns::lookup_ptr_with(&conf, "192.0.2.99".parse().unwrap()),
            Err(LookupError::NotFound)
        );
    }
}

#[test]
fn search_list_through_dnsmasq() {
    let server = start_dnsmasq();
    let conf = conf(
        &server,
        "search nowhere.example test\noptions timeout:1 attempts:1\n",
    );
    let answer = dns::lookup_host_with(&conf, b"dual", Families::V4).unwrap();
    assert_eq!(answer.canonical_name, b"dual.test");
}
