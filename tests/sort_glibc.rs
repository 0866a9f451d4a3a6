//! Destination sorting against glibc's getaddrinfo: in a private mount and network namespace, a hosts
//! file lists several addresses for each of many names (generated, reproducible); glibc's getaddrinfo
//! sorts them, and `lookup::sort::sort_destinations` must give the same order for the file's order.
//! Run with the default tables and with gai.conf files that replace them, with and without default
//! routes (unreachable destinations), on machines with and without global IPv6.

mod common;

use std::ffi::{c_char, c_int, CString};
use std::net::{IpAddr, SocketAddr};
use std::process::Command;

use common::{Glibc, Rng};

type GetaddrinfoFn = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *const libc::addrinfo,
    *mut *mut libc::addrinfo,
) -> c_int;
type FreeaddrinfoFn = unsafe extern "C" fn(*mut libc::addrinfo);

/// Addresses to draw from: on-link, off-link, loopback, link-local, site-local, ULA, 6to4, Teredo,
/// v4-compatible and unreachable ones, so that every rule gets work.
const POOL: &[&str] = &[
    "192.0.2.1",
    "192.0.2.77",
    "192.0.2.200",
    "198.51.100.7",
    "203.0.113.9",
    "10.1.2.3",
    "10.200.0.1",
    "127.0.0.1",
    "127.0.0.2",
    "169.254.1.1",
    "::1",
    "2001:db8::1",
    "2001:db8::ffff",
    "2001:db8:0:1::5",
    "2001:db8:ffff::1",
    "fd00::1",
    "fd00::99",
    "fd12::1",
    "fec0::1",
    "2002:c000:201::1",
    "2001::1",
    "::192.0.2.9",
    "3ffe::1",
    "2600::1",
    "fe80::1",
];

/// Writes a hosts file of `names` names with 2 to 6 distinct addresses each; returns the file text.
fn hosts_file(seed: u64, names: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut text = String::new();
    for n in 0..names {
        let count = 2 + rng.below(5) as usize;
        let mut chosen: Vec<&str> = Vec::new();
        while chosen.len() < count {
            let address = *rng.pick(POOL);
            if !chosen.contains(&address) {
                chosen.push(address);
            }
        }
        for address in chosen {
            text.push_str(&format!("{address} s{n}.test\n"));
        }
    }
    text
}

/// The addresses the hosts file lists for `name`, in file order.
fn listed(hosts: &str, name: &str) -> Vec<SocketAddr> {
    hosts
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, n)| *n == name)
        .map(|(a, _)| SocketAddr::new(a.parse::<IpAddr>().unwrap(), 0))
        .collect()
}

/// glibc's getaddrinfo order for `name` (stream sockets, any family, no flags).
fn glibc_order(glibc: &Glibc, name: &str) -> Vec<SocketAddr> {
    // SAFETY: glibc's own prototypes.
    let (getaddrinfo, freeaddrinfo): (GetaddrinfoFn, FreeaddrinfoFn) = unsafe {
        (
            glibc.function(c"getaddrinfo"),
            glibc.function(c"freeaddrinfo"),
        )
    };
    // SAFETY: addrinfo is plain data.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_socktype = libc::SOCK_STREAM;
    let c_name = CString::new(name).unwrap();
    let mut result = std::ptr::null_mut();
    // SAFETY: valid arguments; the list is freed below.
    let status = unsafe { getaddrinfo(c_name.as_ptr(), std::ptr::null(), &hints, &mut result) };
    assert_eq!(status, 0, "glibc getaddrinfo({name})");
    let mut out = Vec::new();
    let mut entry = result;
    while !entry.is_null() {
        // SAFETY: a list from getaddrinfo.
        let current = unsafe { &*entry };
        let mut bytes = [0u8; 28];
        // SAFETY: ai_addr holds ai_addrlen (16 or 28) bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                current.ai_addr as *const u8,
                bytes.as_mut_ptr(),
                current.ai_addrlen as usize,
            )
        };
        out.push(netlibc::interfaces::source::parse_sockaddr(&bytes).unwrap());
        entry = current.ai_next;
    }
    // SAFETY: freed once.
    unsafe { freeaddrinfo(result) };
    out
}

/// Inside the namespace: every name's order must match glibc's. With `SORT_REWRITE` set, gai.conf is
/// then rewritten with that text (and a later modification time) and every name compared again.
#[test]
#[ignore]
fn sort_child() {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap();
    let glibc = Glibc::open();
    let names: usize = std::env::var("SORT_NAMES").unwrap().parse().unwrap();
    let before = compare_every_name(&glibc, &hosts, names);
    if let Ok(text) = std::env::var("SORT_REWRITE") {
        std::fs::write("/etc/gai.conf", text).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open("/etc/gai.conf")
            .unwrap()
            .set_modified(later)
            .unwrap();
        let after = compare_every_name(&glibc, &hosts, names);
        let expect_change = std::env::var("SORT_EXPECT_CHANGE").unwrap() == "1";
        assert_eq!(before != after, expect_change, "did glibc reload gai.conf?");
    }
    // A change of addresses and routes mid-process: cached interface facts must not outlive it.
    if let Ok(change) = std::env::var("SORT_NETWORK_CHANGE") {
        assert!(
            Command::new("sh")
                .args(["-c", &change])
                .status()
                .unwrap()
                .success(),
            "{change}"
        );
        let after = compare_every_name(&glibc, &hosts, names);
        assert_ne!(
            before, after,
            "the network change should change glibc's orders"
        );
        let _ = compare_every_name(&glibc, &hosts, names);
    }
}

/// Compares every name; returns glibc's orders.
fn compare_every_name(glibc: &Glibc, hosts: &str, names: usize) -> Vec<Vec<SocketAddr>> {
    let mut orders = Vec::new();
    let mut mismatches = Vec::new();
    let mut reordered = 0;
    for n in 0..names {
        let name = format!("s{n}.test");
        let file_order = listed(hosts, &name);
        let expected = glibc_order(glibc, &name);
        let order = netlibc::lookup::sort::sort_destinations(&file_order);
        let got: Vec<SocketAddr> = order.iter().map(|&i| file_order[i]).collect();
        reordered += usize::from(expected != file_order);
        if got != expected {
            mismatches.push(format!(
                "{name}: file {file_order:?}\n  glibc {expected:?}\n  ours  {got:?}"
            ));
        }
        orders.push(expected);
    }
    assert!(
        mismatches.is_empty(),
        "{} of {names} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Sorting must have had work to do, or the comparison shows nothing.
    assert!(
        reordered > names / 2,
        "glibc reordered only {reordered} of {names} names"
    );
    println!("{reordered} of {names} names reordered by glibc, all matched");
    orders
}

/// Runs `sort_child` in new mount and network namespaces set up by `network` (shell), with a hosts
/// file of generated names and `gai_conf` as /etc/gai.conf.
fn run_case(seed: u64, network: &str, gai_conf: &str) {
    run_case_rewriting(seed, network, gai_conf, None, false);
}

/// As [`run_case`], rewriting gai.conf with `rewrite` half-way (see `sort_child`).
fn run_case_rewriting(
    seed: u64,
    network: &str,
    gai_conf: &str,
    rewrite: Option<&str>,
    expect_change: bool,
) {
    run_case_with(seed, network, gai_conf, rewrite, expect_change, None);
}

/// As [`run_case_rewriting`], then running `network_change` (shell) and comparing again.
fn run_case_with(
    seed: u64,
    network: &str,
    gai_conf: &str,
    rewrite: Option<&str>,
    expect_change: bool,
    network_change: Option<&str>,
) {
    let names = 150;
    let dir = std::env::temp_dir().join(format!("netlibc-sort-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hosts"), hosts_file(seed, names)).unwrap();
    std::fs::write(dir.join("gai.conf"), gai_conf).unwrap();
    std::fs::write(dir.join("nsswitch.conf"), "hosts: files\n").unwrap();
    std::fs::write(dir.join("resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
    let d = dir.display();
    let script = format!(
        "set -e; {network}; for f in hosts gai.conf nsswitch.conf resolv.conf; do mount --bind {d}/$f /etc/$f; done; \
         exec \"$0\" --exact sort_child --ignored --test-threads=1"
    );
    let exe = std::env::current_exe().unwrap();
    let mut command = Command::new("unshare");
    if let Some(change) = network_change {
        command.env("SORT_NETWORK_CHANGE", change);
    }
    if let Some(text) = rewrite {
        command
            .env("SORT_REWRITE", text)
            .env("SORT_EXPECT_CHANGE", if expect_change { "1" } else { "0" });
    }
    let output = command
        .args(["--mount", "--net", "sh", "-c", &script])
        .arg(exe)
        .env("SORT_NAMES", names.to_string())
        .env_remove("NETLIBC_GAI_CONF")
        .output()
        .expect("unshare runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "seed {seed}, network `{network}`, gai.conf `{gai_conf}`:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

const DUAL_STACK: &str = "ip link set lo up; ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
    ip addr add 192.0.2.9/24 dev v0; ip addr add 10.0.0.9/8 dev v0; \
    ip addr add 2001:db8::9/64 dev v0 nodad; ip addr add fd00::9/64 dev v0 nodad; ip addr add fec0::9/64 dev v0 nodad";
const DEFAULT_ROUTES: &str = "ip route add default dev v0; ip -6 route add default dev v0";
const IPV4_ONLY: &str =
    "ip link set lo up; ip link add v0 type veth peer name v1; ip link set v0 up; ip addr add 192.0.2.9/24 dev v0";

#[test]
fn default_tables_dual_stack() {
    run_case(1, DUAL_STACK, "");
}

#[test]
fn default_tables_dual_stack_with_default_routes() {
    run_case(2, &format!("{DUAL_STACK}; {DEFAULT_ROUTES}"), "");
}

#[test]
fn default_tables_ipv4_only_and_loopback_only() {
    run_case(3, &format!("{IPV4_ONLY}; ip route add default dev v0"), "");
    run_case(4, "ip link set lo up", "");
}

#[test]
fn gai_conf_tables_replace_defaults() {
    let network = format!("{DUAL_STACK}; {DEFAULT_ROUTES}");
    run_case(5, &network, "precedence ::ffff:0:0/96 100\n");
    run_case(
        6,
        &network,
        "label ::1/128 0\nlabel ::/0 1\nlabel 2001:db8::/32 5\nprecedence 2001:db8::/32 60\n",
    );
    run_case(
        7,
        &network,
        "scopev4 192.0.2.0/24 2\nscopev4 ::ffff:10.0.0.0/104 5\nprecedence fd00::/8 45\n",
    );
}

#[test]
fn gai_conf_prefix_without_length_and_odd_values() {
    let network = format!("{DUAL_STACK}; {DEFAULT_ROUTES}");
    run_case(
        8,
        &network,
        "precedence ::ffff:0:0 100\nlabel 2001:db8::1 3\n",
    );
    run_case(
        9,
        &network,
        "precedence ::1/128\nprecedence ::/0 +30 trailing words\nscopev4 192.0.2.1/32 1\n",
    );
}

#[test]
fn gai_conf_reload_follows_glibc() {
    let network = format!("{DUAL_STACK}; {DEFAULT_ROUTES}");
    let ipv4_first = "precedence ::ffff:0:0/96 100\n";
    // With `reload yes` both libraries pick up the new tables; without it both keep the first ones.
    run_case_rewriting(10, &network, "reload yes\n", Some(ipv4_first), true);
    run_case_rewriting(11, &network, "reload no\n", Some(ipv4_first), false);
    // The reload flag survives a rewrite without a `reload` line.
    run_case_rewriting(
        12,
        &network,
        "reload yes\nprecedence ::ffff:0:0/96 100\n",
        Some("label ::/0 1\n"),
        true,
    );
}

#[test]
fn deprecated_home_and_optimistic_sources() {
    // Two routes to 2001:db8::/64 sources: a deprecated one (preferred_lft 0), a home address and an
    // optimistic one, so rules 3 and 4 and the address-table lookup of flags get work.
    let network = "ip link set lo up; ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
        ip addr add 192.0.2.9/24 dev v0; ip addr add 2001:db8::9/64 dev v0 nodad preferred_lft 0; \
        ip addr add fd00::9/64 dev v0 nodad home; ip addr add fec0::9/64 dev v0 optimistic; \
        ip addr add 2001:db8:0:1::9/64 dev v0 nodad; ip route add default dev v0; ip -6 route add default dev v0";
    run_case(13, network, "");
}

#[test]
fn tunnel_interfaces_and_several_links() {
    // Sources on different links (rule 7 asks whether they are native) and a site-local-only link.
    let network = "ip link set lo up; ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; \
        ip link add w0 type veth peer name w1; ip link set w0 up; ip link set w1 up; \
        ip addr add 192.0.2.9/24 dev v0; ip addr add 2001:db8::9/64 dev v0 nodad; \
        ip addr add 10.0.0.9/8 dev w0; ip addr add fd00::9/64 dev w0 nodad; ip addr add 2001:db8:0:1::9/64 dev w0 nodad; \
        ip route add default dev w0; ip -6 route add default dev w0";
    run_case(14, network, "");
}

#[test]
fn network_changes_mid_process_are_seen() {
    let network = format!("{DUAL_STACK}; {DEFAULT_ROUTES}");
    let change = "ip -6 route del default dev v0; ip addr del 2001:db8::9/64 dev v0; ip addr del 10.0.0.9/8 dev v0; \
                  ip addr add 10.0.0.10/16 dev v0; ip addr add 2002:c000:209::9/64 dev v0 nodad";
    run_case_with(15, &network, "", None, false, Some(change));
}
