//! Running one ignored test of the current test binary inside private namespaces (`unshare`, as
//! root): a network of its own where only loopback exists, so that nothing a test does can reach the
//! machine's nameserver, and, when asked, a mount namespace where a resolv.conf of the test's is
//! bind-mounted over /etc/resolv.conf, so that glibc reads it too. And dnsmasq, for the tests that
//! want a real DNS server there.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The variable that names the child's scratch directory.
const DIR_VARIABLE: &str = "NETLIBC_TEST_NAMESPACE_DIR";

/// How the child runs.
#[derive(Default)]
pub struct Setup<'a> {
    /// A resolv.conf written to the scratch directory, bind-mounted over /etc/resolv.conf (in a
    /// private mount namespace) and named by `NETLIBC_RESOLV_CONF`.
    pub resolv_conf: Option<&'a str>,
    /// Variables set for the child (after `LOCALDOMAIN`, `RES_OPTIONS`, `HOSTALIASES` and
    /// `NETLIBC_DNS_CACHE` are removed).
    pub env: &'a [(&'a str, &'a str)],
    /// Runs the child's tests one at a time.
    pub one_thread: bool,
}

/// Runs the ignored test `test` of this binary in private namespaces and checks that it ran and
/// passed. Without root or unshare(1) it says SKIPPED and returns.
pub fn run_child(test: &str, setup: Setup) {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 || Command::new("unshare").arg("--version").output().is_err()
    {
        eprintln!("SKIPPED: needs root and unshare(1) for private namespaces");
        return;
    }
    let dir = std::env::temp_dir().join(format!("netlibc-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new("unshare");
    match setup.resolv_conf {
        Some(text) => {
            let conf = dir.join("resolv.conf");
            std::fs::write(&conf, text).unwrap();
            command
                .args(["--mount", "--net", "--propagation", "private", "sh", "-c"])
                .arg(r#"ip link set lo up && mount --bind "$0" /etc/resolv.conf && exec "$@""#)
                .arg(&conf)
                .env("NETLIBC_RESOLV_CONF", &conf);
        }
        None => {
            command.args([
                "--net",
                "sh",
                "-c",
                r#"ip link set lo up && exec "$@""#,
                "sh",
            ]);
        }
    }
    command
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", test, "--ignored", "--nocapture"])
        .args(setup.one_thread.then_some("--test-threads=1"))
        .env(DIR_VARIABLE, &dir);
    for name in [
        "LOCALDOMAIN",
        "RES_OPTIONS",
        "HOSTALIASES",
        "NETLIBC_DNS_CACHE",
    ] {
        command.env_remove(name);
    }
    command.envs(setup.env.iter().copied());
    let output = command.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    eprintln!("{text}");
    assert!(output.status.success(), "the namespace child failed");
    assert!(text.contains("1 passed"), "the namespace child did not run");
}

/// In the child: its scratch directory (removed by the parent afterwards).
pub fn child_dir() -> PathBuf {
    PathBuf::from(std::env::var(DIR_VARIABLE).expect("run by the parent test (run_child)"))
}

/// In the child: the resolv.conf over /etc/resolv.conf, which the child may rewrite.
pub fn child_resolv_conf() -> PathBuf {
    child_dir().join("resolv.conf")
}

/// In the child: fails unless this process is in a network namespace with only loopback.
pub fn assert_private_network() {
    let devices = std::fs::read_to_string("/proc/self/net/dev").unwrap();
    assert_eq!(
        devices.lines().skip(2).count(),
        1,
        "not in a private network namespace"
    );
}

/// dnsmasq with the tests' records (scripts/dnsmasq.sh: never forwards, gone after 60 s in any case),
/// killed when dropped.
pub struct Dnsmasq(Child);

impl Dnsmasq {
    /// Starts dnsmasq on `address` (127.x.y.z) and `port`; the caller waits until it answers.
    pub fn start(address: &str, port: u16) -> Dnsmasq {
        let child = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/dnsmasq.sh"))
            .args([address, &port.to_string(), "60"])
            .stdout(Stdio::null())
            .spawn()
            .expect("scripts/dnsmasq.sh (dnsmasq-base: make deps)");
        Dnsmasq(child)
    }
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
