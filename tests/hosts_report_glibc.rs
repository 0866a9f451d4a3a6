//! What the hosts calls report, beside their answer, against glibc's: the return value, `*result`,
//! `*h_errnop`, the thread's h_errno (which glibc's resolver writes as a side effect, and programs
//! such as Python read after `gethostbyname_r`) and errno — for names and addresses answered by the
//! hosts file, by DNS (dnsmasq), not at all, refused, or not askable.
//!
//! glibc reads only /etc/resolv.conf, so the comparison runs in a child process inside private mount
//! and network namespaces (`unshare`, as root) where dnsmasq owns 127.0.0.1:53 and a resolv.conf of
//! ours is bind-mounted over /etc/resolv.conf; netlibc reads the same file through
//! `NETLIBC_RESOLV_CONF`.

mod common;

use common::namespace::{self, Dnsmasq, Setup};
use common::Glibc;
use netlibc::abi::netdb::{self as ours, hostent};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::time::Duration;

type ByNameR = unsafe extern "C" fn(
    *const c_char,
    c_int,
    *mut hostent,
    *mut c_char,
    usize,
    *mut *mut hostent,
    *mut c_int,
) -> c_int;
type ByName = unsafe extern "C" fn(*const c_char, c_int) -> *mut hostent;
type ByAddrR = unsafe extern "C" fn(
    *const c_void,
    u32,
    c_int,
    *mut hostent,
    *mut c_char,
    usize,
    *mut *mut hostent,
    *mut c_int,
) -> c_int;
type ByAddr = unsafe extern "C" fn(*const c_void, u32, c_int) -> *mut hostent;

/// One implementation's hosts calls.
struct Api {
    by_name_r: ByNameR,
    by_name: ByName,
    by_addr_r: ByAddrR,
    by_addr: ByAddr,
}

fn glibc_api(glibc: &Glibc) -> Api {
    // SAFETY: the types are glibc's prototypes (hostent has glibc's layout).
    unsafe {
        Api {
            by_name_r: glibc.function(c"gethostbyname2_r"),
            by_name: glibc.function(c"gethostbyname2"),
            by_addr_r: glibc.function(c"gethostbyaddr_r"),
            by_addr: glibc.function(c"gethostbyaddr"),
        }
    }
}

fn netlibc_api() -> Api {
    Api {
        by_name_r: ours::hosts::gethostbyname2_r,
        by_name: ours::hosts::gethostbyname2,
        by_addr_r: ours::hosts::gethostbyaddr_r,
        by_addr: ours::hosts::gethostbyaddr,
    }
}

fn h_errno_slot() -> *mut c_int {
    extern "C" {
        fn __h_errno_location() -> *mut c_int;
    }
    // SAFETY: glibc's per-thread h_errno slot (netlibc writes the same one).
    unsafe { __h_errno_location() }
}

/// Sets h_errno to 77 and errno to 0, so that what a call leaves alone shows.
fn preset() {
    // SAFETY: the calling thread's slots.
    unsafe {
        *h_errno_slot() = 77;
        *libc::__errno_location() = 0;
    }
}

/// The thread's h_errno and errno after a call.
fn slots() -> String {
    // SAFETY: the calling thread's slots.
    unsafe {
        format!(
            "h_errno={} errno={}",
            *h_errno_slot(),
            *libc::__errno_location()
        )
    }
}

/// The name of a result, or "-" for NULL.
fn name_of(result: *mut hostent) -> String {
    if result.is_null() {
        return "-".into();
    }
    // SAFETY: a result of a hosts call points to a filled hostent.
    unsafe {
        CStr::from_ptr((*result).h_name)
            .to_string_lossy()
            .into_owned()
    }
}

fn report_name(api: &Api, name: &str, family: c_int) -> String {
    let name = CString::new(name).unwrap();
    // SAFETY: a zeroed hostent is a valid output buffer.
    let mut host: hostent = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as c_char; 1 << 16];
    let (mut result, mut h_errnop) = (std::ptr::null_mut(), 55);
    preset();
    // SAFETY: every pointer is valid for the call, the buffer for its length.
    let code = unsafe {
        (api.by_name_r)(
            name.as_ptr(),
            family,
            &mut host,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut result,
            &mut h_errnop,
        )
    };
    let r = format!(
        "_r: {code} {} *h_errnop={h_errnop} {}",
        name_of(result),
        slots()
    );
    preset();
    // SAFETY: a valid C string.
    let plain = unsafe { (api.by_name)(name.as_ptr(), family) };
    format!("{r} | plain: {} {}", name_of(plain), slots())
}

fn report_address(api: &Api, bytes: &[u8], len: u32, family: c_int) -> String {
    // SAFETY: as in report_name.
    let mut host: hostent = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as c_char; 1 << 16];
    let (mut result, mut h_errnop) = (std::ptr::null_mut(), 55);
    let mut padded = [0u8; 16];
    padded[..bytes.len()].copy_from_slice(bytes);
    preset();
    // SAFETY: `len` is at most 16, the size of `padded`; the other pointers are valid.
    let code = unsafe {
        (api.by_addr_r)(
            padded.as_ptr().cast(),
            len,
            family,
            &mut host,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut result,
            &mut h_errnop,
        )
    };
    let r = format!(
        "_r: {code} {} *h_errnop={h_errnop} {}",
        name_of(result),
        slots()
    );
    preset();
    // SAFETY: as above.
    let plain = unsafe { (api.by_addr)(padded.as_ptr().cast(), len, family) };
    format!("{r} | plain: {} {}", name_of(plain), slots())
}

#[test]
fn hosts_calls_report_like_glibc() {
    namespace::run_child(
        "report_in_namespace",
        Setup {
            resolv_conf: Some("nameserver 127.0.0.1\nsearch test\noptions timeout:1 attempts:1\n"),
            env: &[("NETLIBC_DNS_CACHE", "0")],
            ..Setup::default()
        },
    );
}

#[test]
#[ignore = "run inside private namespaces by hosts_calls_report_like_glibc"]
fn report_in_namespace() {
    namespace::assert_private_network();
    let _dnsmasq = Dnsmasq::start("127.0.0.1", 53);
    let (glibc, ours) = (glibc_api(&Glibc::open()), netlibc_api());
    let started = std::time::Instant::now();
    while !report_name(&glibc, "dual.test", libc::AF_INET).starts_with("_r: 0 dual.test ") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "dnsmasq did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut differences = Vec::new();
    let mut compare = |what: String, theirs: String, mine: String| {
        if theirs != mine {
            differences.push(format!("{what}:\n  glibc   {theirs}\n  netlibc {mine}"));
        }
    };
    let names = [
        "",
        ".",
        "a b",
        "-a",
        "nx.test",
        "dual.test",
        "v6only.test",
        "localhost",
        "multi.test",
        "alias2.test",
        "dual",
        "nosuch",
        "127.0.0.1",
        "::1",
    ];
    for name in names {
        for family in [libc::AF_INET, libc::AF_INET6] {
            let (theirs, mine) = (
                report_name(&glibc, name, family),
                report_name(&ours, name, family),
            );
            eprintln!("{name:?} {family}: {theirs}");
            compare(format!("{name:?} family {family}"), theirs, mine);
        }
    }
    let addresses: [(&str, u32, c_int); 12] = [
        ("192.0.2.30", 4, libc::AF_INET),
        ("192.0.2.99", 4, libc::AF_INET),
        ("127.0.0.1", 4, libc::AF_INET),
        ("10.1.1.1", 4, libc::AF_INET),
        ("192.0.2.30", 3, libc::AF_INET),
        ("192.0.2.30", 4, 99),
        ("2001:db8::30", 16, libc::AF_INET6),
        ("::ffff:192.0.2.30", 16, libc::AF_INET6),
        ("::192.0.2.30", 16, libc::AF_INET6),
        ("::1", 16, libc::AF_INET6),
        ("::", 16, libc::AF_INET6),
        ("2001:db8::30", 4, libc::AF_INET6),
    ];
    for (text, len, family) in addresses {
        let bytes = match text.parse::<std::net::IpAddr>().unwrap() {
            std::net::IpAddr::V4(a) => a.octets().to_vec(),
            std::net::IpAddr::V6(a) => a.octets().to_vec(),
        };
        let theirs = report_address(&glibc, &bytes, len, family);
        let mine = report_address(&ours, &bytes, len, family);
        compare(
            format!("address {text} len {len} family {family}"),
            theirs,
            mine,
        );
    }
    assert!(
        differences.is_empty(),
        "differences from glibc:\n{}",
        differences.join("\n")
    );
}
