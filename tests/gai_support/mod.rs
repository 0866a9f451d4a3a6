//! Shared by the getaddrinfo / getnameinfo differential tests: a sandbox in which glibc can never
//! reach a real name server, and the hosts file both libraries read there.
//!
//! `in_sandbox` re-runs the calling test inside new network and mount namespaces (`unshare -n -m`,
//! we are root): only `lo` exists, /etc/hosts is [`HOSTS`], and /etc/resolv.conf names 127.0.0.1,
//! where the tests' DNS server (tests/common/dns_server.rs) serves [`zone`]: names with A, AAAA,
//! both, several, a CNAME, no address records, and PTR records; NXDOMAIN for anything else. Both
//! libraries ask the same server, and nothing leaves the machine.
#![allow(dead_code)]

use std::process::Command;

#[path = "../common/dns_server.rs"]
mod dns_server;

use dns_server::{DnsServer, Zone};

/// Names the sandbox's DNS server knows, for the matrices.
pub const DNS_NAMES: [&str; 9] = [
    "a4.test",
    "a6.test",
    "both.test",
    "many.test",
    "alias.test",
    "nodata.test",
    "A4.TEST",
    "both.test.",
    "a4",
];

/// The sandbox's DNS zone.
pub fn zone() -> Zone {
    let mut zone = Zone::new();
    zone.a("a4.test", [192, 0, 2, 10]);
    zone.aaaa("a6.test", v6(0x10));
    zone.a("both.test", [192, 0, 2, 11])
        .aaaa("both.test", v6(0x11));
    zone.a("many.test", [192, 0, 2, 12])
        .a("many.test", [192, 0, 2, 13])
        .aaaa("many.test", v6(0x12))
        .aaaa("many.test", v6(0x13));
    zone.cname("alias.test", "both.test");
    zone.add("nodata.test", 16, 300, b"\x04text".to_vec());
    zone.ptr("10.2.0.192.in-addr.arpa", "a4.test");
    zone.ptr("11.2.0.192.in-addr.arpa", "both.test");
    let nibbles = "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
    zone.ptr(nibbles, "a6.test");
    zone
}

/// 2001:db8::`last`.
fn v6(last: u8) -> [u8; 16] {
    let mut address = [0u8; 16];
    address[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    address[15] = last;
    address
}

/// The hosts file of the sandbox: aliases, both families, a name on several lines, a `::1` line
/// (glibc maps it to 127.0.0.1 for IPv4 lookups) and a mapped address.
pub const HOSTS: &str = "\
127.0.0.1 localhost.corp.test localhost
::1 localhost ip6-localhost ip6-loopback
192.0.2.1 host1.corp.test host1 v4alias
2001:db8::1 v6only.test
192.0.2.2 dual.test dual
2001:db8::2 dual.test
192.0.2.3 dual.test
::ffff:192.0.2.4 mapped.test
10.9.8.7 other.example Other
192.0.2.20 xn--bcher-kva.test
192.0.2.21 xn--fa-hia.test
";

const MARKER: &str = "NETLIBC_GAI_SANDBOX";

/// Runs `body` inside the sandbox: either we are in it already, or the current test binary is
/// started again there with `--exact test_name`, and its success asserted.
pub fn in_sandbox(test_name: &str, body: impl FnOnce()) {
    in_sandbox_with(test_name, "", body);
}

/// [`in_sandbox`], with shell commands run in the namespace first (e.g. `ip addr add …` to give the
/// sandbox a non-loopback address, which changes what `AI_ADDRCONFIG` sees).
pub fn in_sandbox_with(test_name: &str, setup: &str, body: impl FnOnce()) {
    if std::env::var_os(MARKER).is_some() {
        // Bound before the body runs, so no query finds the port closed.
        let _server = DnsServer::start("127.0.0.1:53", zone().handler());
        body();
        return;
    }
    let dir = std::env::temp_dir().join(format!("netlibc-gai-{}-{test_name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hosts"), HOSTS).unwrap();
    std::fs::write(
        dir.join("resolv.conf"),
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    )
    .unwrap();
    let script = format!(
        "ip link set lo up {setup} && mount --bind {d}/hosts /etc/hosts && mount --bind {d}/resolv.conf /etc/resolv.conf \
         && exec \"$0\" --exact {test_name} --nocapture --test-threads=1",
        d = dir.display(),
        setup = if setup.is_empty() { String::new() } else { format!("&& {setup}") },
    );
    let exe = std::env::current_exe().unwrap();
    let output = Command::new("unshare")
        .args(["-n", "-m", "sh", "-c", &script])
        .arg(exe)
        .env(MARKER, "1")
        .env_remove("NETLIBC_HOSTS")
        .output()
        .expect("unshare runs");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "sandboxed run failed:\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("1 passed"),
        "the sandboxed run did not run the test:\n{text}"
    );
}
