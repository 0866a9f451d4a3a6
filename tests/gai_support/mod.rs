//! Shared by the getaddrinfo / getnameinfo differential tests: a sandbox in which glibc can never
//! reach a real name server, and the hosts file both libraries read there.
//!
//! `in_sandbox` re-runs the calling test inside new network and mount namespaces (`unshare -n -m`,
//! we are root): only `lo` exists, /etc/hosts is [`HOSTS`], and /etc/resolv.conf names 127.0.0.1,
//! where a tiny server answers NXDOMAIN to every query. So glibc's DNS fallback is deterministic
//! ("no such name"), like netlibc's, and nothing leaves the machine.
#![allow(dead_code)]

use std::net::UdpSocket;
use std::process::Command;

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
        let socket = UdpSocket::bind("127.0.0.1:53").expect("bind 127.0.0.1:53 in the sandbox");
        std::thread::spawn(move || serve_nxdomain(socket));
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

/// Answers every DNS query on 127.0.0.1:53 with NXDOMAIN (the question echoed, no records).
fn serve_nxdomain(socket: UdpSocket) {
    let mut buffer = [0u8; 1500];
    while let Ok((len, peer)) = socket.recv_from(&mut buffer) {
        let Some(end) = question_end(&buffer[..len]) else {
            continue;
        };
        let mut reply = buffer[..end].to_vec();
        reply[2] = 0x80 | (buffer[2] & 0x01); // QR, RD copied
        reply[3] = 0x80 | 3; // RA, NXDOMAIN
        reply[6..12].fill(0); // no answer, authority or additional records
        let _ = socket.send_to(&reply, peer);
    }
}

/// The end of the first question of a query (header, name, type, class).
fn question_end(message: &[u8]) -> Option<usize> {
    let mut at = 12;
    loop {
        let len = *message.get(at)? as usize;
        at += 1 + len;
        if len == 0 {
            break;
        }
    }
    (at + 4 <= message.len()).then_some(at + 4)
}
