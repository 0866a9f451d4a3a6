//! `<ifaddrs.h>` and `<net/if.h>` against glibc: the same entries in the same order with the same bytes,
//! here, in a private network namespace with only loopback (down, then up), and in one with extra
//! addresses (a veth pair and a bridge, with IPv4, IPv6, point-to-point and labelled addresses).

mod common;

use std::ffi::{c_char, c_int, c_uint, CStr};
use std::process::Command;

use common::{errno, set_errno, Glibc};
use netlibc::abi::{ifaddrs as ours, net_if};

type GetifaddrsFn = unsafe extern "C" fn(*mut *mut libc::ifaddrs) -> c_int;
type FreeifaddrsFn = unsafe extern "C" fn(*mut libc::ifaddrs);
type NameToIndexFn = unsafe extern "C" fn(*const c_char) -> c_uint;
type IndexToNameFn = unsafe extern "C" fn(c_uint, *mut c_char) -> *mut c_char;
type NameIndexFn = unsafe extern "C" fn() -> *mut libc::if_nameindex;
type FreeNameIndexFn = unsafe extern "C" fn(*mut libc::if_nameindex);
type GetaddrinfoFn = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *const libc::addrinfo,
    *mut *mut libc::addrinfo,
) -> c_int;

const ENTRY_SIZE: usize = 184;
const POINTER_FIELDS: [usize; 6] = [0, 8, 24, 32, 40, 48];

/// One entry as a block-relative picture: its offset, its bytes with every pointer replaced by the
/// offset it points to (or u64::MAX for NULL), and the statistics it points to.
#[derive(Debug, PartialEq)]
struct EntryView {
    offset: usize,
    bytes: Vec<u8>,
    statistics: Option<Vec<u8>>,
}

/// Reads a getifaddrs list relative to its first entry.
fn view(list: *mut libc::ifaddrs) -> Vec<EntryView> {
    let base = list as usize;
    let mut views = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: entries of a getifaddrs list are ENTRY_SIZE bytes of storage in one block.
        let mut bytes =
            unsafe { std::slice::from_raw_parts(entry as *const u8, ENTRY_SIZE) }.to_vec();
        for field in POINTER_FIELDS {
            let pointer = usize::from_ne_bytes(bytes[field..field + 8].try_into().unwrap());
            let relative = if pointer == 0 {
                u64::MAX
            } else {
                (pointer - base) as u64
            };
            bytes[field..field + 8].copy_from_slice(&relative.to_ne_bytes());
        }
        // SAFETY: `entry` is a valid list entry.
        let current = unsafe { &*entry };
        let statistics = (!current.ifa_data.is_null()).then(|| {
            // SAFETY: ifa_data of a link entry points to the kernel's struct rtnl_link_stats (>= 96 bytes).
            unsafe { std::slice::from_raw_parts(current.ifa_data as *const u8, 96) }.to_vec()
        });
        views.push(EntryView {
            offset: entry as usize - base,
            bytes,
            statistics,
        });
        entry = current.ifa_next;
    }
    views
}

fn name_of(entry: &EntryView) -> String {
    let name = &entry.bytes[164..181];
    String::from_utf8_lossy(&name[..name.iter().position(|&b| b == 0).unwrap_or(17)]).into_owned()
}

/// Both libraries' lists, as views (statistics blanked unless compared); each list freed by the
/// other library (each is one block, so either `freeifaddrs` frees it).
fn both_lists(glibc: &Glibc, compare_statistics: bool) -> (Vec<EntryView>, Vec<EntryView>) {
    // SAFETY: glibc's own prototypes.
    let (get, free): (GetifaddrsFn, FreeifaddrsFn) = unsafe {
        (
            glibc.function(c"getifaddrs"),
            glibc.function(c"freeifaddrs"),
        )
    };
    let (mut theirs, mut mine) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: valid out-pointers.
    assert_eq!(unsafe { get(&mut theirs) }, 0);
    // SAFETY: as above.
    assert_eq!(unsafe { ours::getifaddrs(&mut mine) }, 0);
    let (mut expected, mut got) = (view(theirs), view(mine));
    if !compare_statistics {
        let blank = |e: &mut EntryView| e.statistics = e.statistics.as_ref().map(|_| Vec::new());
        expected.iter_mut().chain(got.iter_mut()).for_each(blank);
    }
    // SAFETY: both lists came from getifaddrs and are freed once.
    unsafe {
        free(mine);
        ours::freeifaddrs(theirs);
    }
    (expected, got)
}

/// The lists must be equal. Links can change state between the two calls (a veth's carrier comes up
/// a moment after `ip link set up`; packets move counters), so a difference is retried a few times
/// before it counts.
fn compare_getifaddrs(glibc: &Glibc, compare_statistics: bool) {
    let mut attempts = 0;
    loop {
        let (expected, got) = both_lists(glibc, compare_statistics);
        attempts += 1;
        if got == expected {
            return;
        }
        if attempts < 5 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        assert_eq!(got.len(), expected.len(), "entry count");
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "entry {} ({})", e.offset / ENTRY_SIZE, name_of(e));
        }
    }
}

fn name_index_list(list: *mut libc::if_nameindex) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut entry = list;
    loop {
        // SAFETY: a terminated if_nameindex array.
        let current = unsafe { &*entry };
        if current.if_index == 0 && current.if_name.is_null() {
            return out;
        }
        // SAFETY: names are NUL-terminated strings.
        let name = unsafe { CStr::from_ptr(current.if_name) }
            .to_string_lossy()
            .into_owned();
        out.push((current.if_index, name));
        // SAFETY: the terminator was not reached.
        entry = unsafe { entry.add(1) };
    }
}

fn compare_names(glibc: &Glibc) {
    // SAFETY: glibc's own prototypes.
    let (list_fn, free_fn, to_index, to_name): (
        NameIndexFn,
        FreeNameIndexFn,
        NameToIndexFn,
        IndexToNameFn,
    ) = unsafe {
        (
            glibc.function(c"if_nameindex"),
            glibc.function(c"if_freenameindex"),
            glibc.function(c"if_nametoindex"),
            glibc.function(c"if_indextoname"),
        )
    };
    // SAFETY: if_nameindex takes no arguments.
    let (theirs, mine) = unsafe { (list_fn(), net_if::if_nameindex()) };
    let expected = name_index_list(theirs);
    assert_eq!(name_index_list(mine), expected);
    // SAFETY: each list freed once, by the other library.
    unsafe {
        free_fn(mine);
        net_if::if_freenameindex(theirs);
    }
    let mut names: Vec<String> = expected.iter().map(|(_, n)| n.clone()).collect();
    names.extend([
        "nosuch0".into(),
        "".into(),
        "0123456789abcde".into(),
        "0123456789abcdef".into(),
    ]);
    for name in names {
        let c_name = std::ffi::CString::new(name.clone()).unwrap();
        set_errno(0);
        // SAFETY: a NUL-terminated name.
        let e = (unsafe { to_index(c_name.as_ptr()) }, errno());
        set_errno(0);
        // SAFETY: as above.
        let g = (unsafe { net_if::if_nametoindex(c_name.as_ptr()) }, errno());
        assert_eq!(g, e, "if_nametoindex({name:?})");
    }
    let mut indexes: Vec<u32> = expected.iter().map(|(i, _)| *i).collect();
    indexes.extend([0, 999, u32::MAX]);
    for index in indexes {
        let (mut e_buf, mut g_buf) = ([0x55 as c_char; 16], [0x55 as c_char; 16]);
        set_errno(0);
        // SAFETY: 16-byte buffers.
        let e = unsafe { to_name(index, e_buf.as_mut_ptr()) }.is_null();
        let e_errno = errno();
        set_errno(0);
        // SAFETY: as above.
        let g = unsafe { net_if::if_indextoname(index, g_buf.as_mut_ptr()) }.is_null();
        assert_eq!(
            (g, errno(), g_buf),
            (e, e_errno, e_buf),
            "if_indextoname({index})"
        );
    }
}

/// glibc's AI_ADDRCONFIG view, observed through numeric lookups that succeed only for a configured family.
fn compare_configured_families(glibc: &Glibc) {
    // SAFETY: glibc's own prototype.
    let getaddrinfo: GetaddrinfoFn = unsafe { glibc.function(c"getaddrinfo") };
    let configured = |family: c_int, host: &CStr| {
        // SAFETY: addrinfo is plain data.
        let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
        hints.ai_family = family;
        hints.ai_flags = libc::AI_ADDRCONFIG | libc::AI_NUMERICHOST;
        let mut result = std::ptr::null_mut();
        // SAFETY: valid arguments; the result is freed below.
        let status = unsafe { getaddrinfo(host.as_ptr(), std::ptr::null(), &hints, &mut result) };
        if status == 0 {
            // SAFETY: a list from getaddrinfo.
            unsafe { libc::freeaddrinfo(result) };
        }
        status == 0
    };
    let glibc_view = (
        configured(libc::AF_INET, c"127.0.0.1"),
        configured(libc::AF_INET6, c"::1"),
    );
    let ours = netlibc::interfaces::configured_families();
    assert_eq!(
        (ours.ipv4, ours.ipv6),
        glibc_view,
        "configured families (IPv4, IPv6)"
    );
}

fn compare_all(compare_statistics: bool) {
    let glibc = Glibc::open();
    compare_getifaddrs(&glibc, compare_statistics);
    compare_names(&glibc);
    compare_configured_families(&glibc);
}

#[test]
fn matches_glibc_in_this_namespace() {
    compare_all(false);
}

/// Run by the namespace tests inside their namespace (skipped in a normal run).
#[test]
#[ignore]
fn namespace_child() {
    compare_all(true);
}

/// Runs `setup` (shell) then this binary's `namespace_child` in a new network namespace.
fn run_in_namespace(setup: &str) {
    let exe = std::env::current_exe().unwrap();
    let script =
        format!("set -e; {setup}; exec \"$0\" --exact namespace_child --ignored --test-threads=1");
    let output = Command::new("unshare")
        .args(["--net", "sh", "-c", &script])
        .arg(exe)
        .output()
        .expect("unshare runs");
    assert!(
        output.status.success(),
        "in namespace ({setup}):\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn matches_glibc_with_loopback_down() {
    run_in_namespace("true");
}

#[test]
fn matches_glibc_with_loopback_only() {
    run_in_namespace("ip link set lo up");
}

#[test]
fn matches_glibc_with_extra_addresses() {
    run_in_namespace(
        "ip link set lo up; ip addr add 127.0.0.2/8 dev lo; \
         ip link add dummy0 type veth peer name peer0; ip link set dummy0 up; ip link set peer0 up; \
         ip addr add 192.0.2.7/24 brd + dev dummy0; \
         ip addr add 198.51.100.1/25 dev dummy0 label dummy0:1; \
         ip addr add 10.9.9.1 peer 10.9.9.2/32 dev dummy0; \
         ip addr add 2001:db8::7/64 dev dummy0 nodad; \
         ip addr add fe80::1234/64 dev dummy0 nodad; \
         ip addr add 2001:db8:1::1 peer 2001:db8:1::2/128 dev dummy0 nodad; \
         ip link add br9 type bridge",
    );
}

#[test]
fn ipv6_only_namespace_matches_glibc() {
    run_in_namespace("ip link set lo up; ip link add d6 type veth peer name p6; ip link set d6 up; ip addr add 2001:db8::9/64 dev d6 nodad");
}

/// Where glibc crashes on a null pointer, netlibc reports an error (docs/deviations.md).
#[test]
fn null_pointers_are_errors() {
    set_errno(0);
    // SAFETY: null pointers are what is being tested; netlibc checks them.
    unsafe {
        assert_eq!(ours::getifaddrs(std::ptr::null_mut()), -1);
        assert_eq!(errno(), libc::EFAULT);
        assert_eq!(net_if::if_nametoindex(std::ptr::null()), 0);
        assert_eq!(errno(), libc::ENODEV);
        let lo = net_if::if_nametoindex(c"lo".as_ptr());
        assert!(net_if::if_indextoname(lo, std::ptr::null_mut()).is_null());
        assert_eq!(errno(), libc::EINVAL);
        assert!(net_if::if_indextoname(0, std::ptr::null_mut()).is_null());
        assert_eq!(
            errno(),
            libc::ENXIO,
            "an unknown index is ENXIO first, as in glibc"
        );
        net_if::if_freenameindex(std::ptr::null_mut());
        ours::freeifaddrs(std::ptr::null_mut());
    }
}

#[test]
fn matches_glibc_with_dumps_spanning_many_datagrams() {
    // 24 veth pairs (48 links of about 1.5 KB each) and 400 addresses: both dumps take several
    // datagrams, so message boundaries across receives are exercised.
    run_in_namespace(
        "ip link set lo up; \
         for i in $(seq 1 24); do ip link add a$i type veth peer name b$i; ip link set a$i up; done; \
         for i in $(seq 1 200); do echo \"addr add 10.7.$((i / 250)).$((i % 250 + 1))/16 dev a1\"; \
           echo \"addr add 2001:db8:7::$i/64 dev a2 nodad\"; done | ip -batch -",
    );
}

/// Generated configurations: random links, IPv4 addresses with every prefix length (with and without
/// broadcast, peer or label) and IPv6 addresses with every prefix length, each compared with glibc.
#[test]
fn matches_glibc_on_generated_configurations() {
    let mut rng = common::Rng::new(0x1f_ace5);
    for round in 0..3 {
        let links = 1 + rng.below(3);
        let mut setup = String::from("ip link set lo up");
        for l in 0..links {
            setup += &format!("; ip link add g{l} type veth peer name h{l}; ip link set g{l} up");
        }
        for a in 0..12 {
            let link = rng.below(links);
            let prefix = rng.below(33);
            let address = format!("10.{round}.{a}.{}", 1 + rng.below(250));
            let extra = match rng.below(4) {
                0 => " brd +".to_string(),
                1 => format!(" peer 10.99.{round}.{a}"),
                2 => format!(" label g{link}:{a}"),
                _ => String::new(),
            };
            setup += &format!("; ip addr add {address}/{prefix}{extra} dev g{link}");
            let prefix6 = rng.below(129);
            setup += &format!(
                "; ip addr add 2001:db8:{round}:{a}::{:x}/{prefix6} dev g{link} nodad",
                1 + rng.below(0xfff)
            );
        }
        run_in_namespace(&setup);
    }
}
