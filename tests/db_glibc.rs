//! Differential tests of the files databases against glibc 2.36 (dlopen), through the `_r` functions
//! at every buffer size from 0 to the size glibc needs, and the enumerations.
//!
//! glibc reads only /etc, so the comparisons run in a child process inside a private mount namespace
//! (c_tests/with_files.sh: the files bind-mounted over /etc, nsswitch.conf reduced to "files" so that no
//! lookup can reach DNS, and NETLIBC_* naming the same files for netlibc): once with this machine's
//! files and once with the fixtures. The child is this test binary, run on the `child_*` tests.

mod common;

use common::{errno, set_errno, Glibc};
use netlibc::abi::netdb::{
    hostent, hosts, netent, networks, protocols, protoent, servent, services,
};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether this process is the child that runs inside the namespace.
fn in_child() -> bool {
    std::env::var_os("NETLIBC_DB_CHILD").is_some()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the child tests with the files of `dir` (see the module docs).
fn run_child(dir: &Path, filter: &str, extra_env: &[(&str, &str)]) {
    let mut command = Command::new(root().join("c_tests/with_files.sh"));
    command
        .arg(dir)
        .arg(std::env::current_exe().unwrap())
        .args([filter, "--test-threads=1", "--nocapture"]);
    command.env("NETLIBC_DB_CHILD", "1");
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let output = command
        .output()
        .expect("with_files.sh runs (needs root for unshare -m)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {filter} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "child {filter} did not run:\n{stdout}"
    );
}

unsafe fn text(pointer: *const c_char) -> Vec<u8> {
    // SAFETY: a C string from a result.
    unsafe { CStr::from_ptr(pointer) }.to_bytes().to_vec()
}

unsafe fn list(mut pointer: *const *mut c_char) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // SAFETY: a NULL-terminated array from a result.
    unsafe {
        while !(*pointer).is_null() {
            out.push(text(*pointer));
            pointer = pointer.add(1);
        }
    }
    out
}

/// One call's observable outcome: return value, errno, h_errno out-parameter, and the entry.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: c_int,
    errno: c_int,
    h_errno: c_int,
    entry: Option<String>,
}

/// Compares `ours` and `theirs` (glibc) at every buffer size up to glibc's need (every size up to
/// 300 bytes, then every 37th and the 16 sizes around the need, to keep the 3,000-byte lines of the
/// fixtures fast) and a few beyond, at two alignments; returns the number of sizes compared.
fn compare_sizes(what: &str, call: &mut dyn FnMut(bool, *mut c_char, usize) -> Outcome) -> usize {
    let mut storage = vec![0u64; 1 << 13];
    let mut compared = 0;
    for offset in [0usize, 3] {
        // SAFETY: `offset` bytes into a 64 KiB buffer.
        let buffer = unsafe { storage.as_mut_ptr().cast::<c_char>().add(offset) };
        // glibc's need, by bisection (a larger buffer never fails where a smaller one succeeded).
        let (mut low, mut high) = (0usize, 60_000usize);
        while low < high {
            let middle = (low + high) / 2;
            if call(false, buffer, middle).status == libc::ERANGE {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let need = low;
        let sizes = (0..=need.min(300))
            .chain((300..need).step_by(37))
            .chain(need.saturating_sub(12)..need + 8)
            .chain([60_000]);
        for size in sizes {
            let theirs = call(false, buffer, size);
            let ours = call(true, buffer, size);
            assert_eq!(
                ours, theirs,
                "{what}: buffer of {size} bytes at offset {offset} (glibc needs {need})"
            );
            compared += 1;
        }
    }
    compared
}

/// Walks an enumeration in both libraries side by side: for each entry, buffer sizes from 0 up (every
/// size to 300, then every 37th) until glibc succeeds, comparing every answer (an `ERANGE` must not
/// move either enumeration on). Returns the number of entries.
fn compare_enumeration(
    what: &str,
    restart: &mut dyn FnMut(bool),
    next: &mut dyn FnMut(bool, *mut c_char, usize) -> Outcome,
) -> usize {
    let mut storage = vec![0u64; 1 << 13];
    let buffer = storage.as_mut_ptr().cast::<c_char>();
    restart(false);
    restart(true);
    for entry in 0.. {
        let mut sizes = (0..300).chain((300..60_000).step_by(37));
        loop {
            let size = sizes.next().expect("an entry fits 60,000 bytes");
            let theirs = next(false, buffer, size);
            let ours = next(true, buffer, size);
            assert_eq!(
                ours, theirs,
                "{what}: entry {entry}, buffer of {size} bytes"
            );
            if theirs.status == libc::ERANGE {
                continue;
            }
            if theirs.status != 0 {
                return entry;
            }
            break;
        }
    }
    unreachable!()
}

fn show_servent(entry: &servent) -> String {
    // SAFETY: a result filled by a lookup.
    unsafe {
        format!(
            "{:?} {} {:?} {:?}",
            text(entry.s_name),
            entry.s_port,
            text(entry.s_proto),
            list(entry.s_aliases)
        )
    }
}

type ServByName = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *mut servent,
    *mut c_char,
    usize,
    *mut *mut servent,
) -> c_int;
type ServByPort = unsafe extern "C" fn(
    c_int,
    *const c_char,
    *mut servent,
    *mut c_char,
    usize,
    *mut *mut servent,
) -> c_int;
type ServEnt = unsafe extern "C" fn(*mut servent, *mut c_char, usize, *mut *mut servent) -> c_int;

fn empty_servent() -> servent {
    servent {
        s_name: std::ptr::null_mut(),
        s_aliases: std::ptr::null_mut(),
        s_port: 0,
        s_proto: std::ptr::null_mut(),
    }
}

fn outcome<T>(
    status: c_int,
    h_errno: c_int,
    result: *mut T,
    show: impl Fn(&T) -> String,
) -> Outcome {
    // SAFETY: a non-null result points to the caller's entry.
    let entry = (!result.is_null()).then(|| show(unsafe { &*result }));
    Outcome {
        status,
        errno: errno(),
        h_errno,
        entry,
    }
}

fn check_services(glibc: &Glibc, extra: &[(&str, Option<&str>)]) -> usize {
    // SAFETY: glibc's prototypes.
    let (by_name, by_port, next): (ServByName, ServByPort, ServEnt) = unsafe {
        (
            glibc.function(c"getservbyname_r"),
            glibc.function(c"getservbyport_r"),
            glibc.function(c"getservent_r"),
        )
    };
    // SAFETY: glibc's prototypes.
    let (set, end): (extern "C" fn(c_int), extern "C" fn()) =
        unsafe { (glibc.function(c"setservent"), glibc.function(c"endservent")) };
    // The keys: every entry glibc enumerates (compared with ours on the way), then the extras.
    let mut keys: Vec<(CString, Option<CString>, c_int)> = Vec::new();
    let mut theirs_buffer = vec![0u8; 1 << 16];
    let mut ours_buffer = vec![0u8; 1 << 16];
    services::setservent(0);
    set(0);
    loop {
        let (mut theirs, mut ours) = (empty_servent(), empty_servent());
        let (mut theirs_result, mut ours_result) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: buffers and results are valid.
        let theirs_status = unsafe {
            next(
                &mut theirs,
                theirs_buffer.as_mut_ptr().cast(),
                1 << 16,
                &mut theirs_result,
            )
        };
        // SAFETY: as above.
        let ours_status = unsafe {
            services::getservent_r(
                &mut ours,
                ours_buffer.as_mut_ptr().cast(),
                1 << 16,
                &mut ours_result,
            )
        };
        assert_eq!(ours_status, theirs_status, "getservent_r status");
        if theirs_status != 0 {
            break;
        }
        assert_eq!(
            show_servent(&ours),
            show_servent(&theirs),
            "getservent_r entry"
        );
        // SAFETY: the entry glibc returned.
        let (name, proto) = unsafe {
            (
                CStr::from_ptr(theirs.s_name).to_owned(),
                CStr::from_ptr(theirs.s_proto).to_owned(),
            )
        };
        keys.push((name, Some(proto), theirs.s_port));
    }
    services::endservent();
    end();
    for (name, proto) in extra {
        keys.push((
            CString::new(*name).unwrap(),
            proto.map(|p| CString::new(p).unwrap()),
            9999,
        ));
    }
    let mut compared = compare_enumeration(
        "getservent_r",
        &mut |netlibc| {
            if netlibc {
                services::setservent(0)
            } else {
                set(0)
            }
        },
        &mut |netlibc, buffer, size| {
            let (mut entry, mut result) = (empty_servent(), std::ptr::null_mut());
            set_errno(77);
            // SAFETY: buffer of `size` bytes, valid results.
            let status = unsafe {
                if netlibc {
                    services::getservent_r(&mut entry, buffer, size, &mut result)
                } else {
                    next(&mut entry, buffer, size, &mut result)
                }
            };
            outcome(status, 0, result, show_servent)
        },
    );
    for (name, proto, port) in &keys {
        for proto in [proto.as_ref(), None] {
            let proto_ptr = proto.map_or(std::ptr::null(), |p| p.as_ptr());
            let what = format!("getservbyname_r({name:?}, {proto:?})");
            compared += compare_sizes(&what, &mut |netlibc, buffer, size| {
                let mut entry = empty_servent();
                let mut result = std::ptr::null_mut();
                set_errno(77);
                // SAFETY: valid strings, buffer of `size` bytes, valid results.
                let status = unsafe {
                    if netlibc {
                        services::getservbyname_r(
                            name.as_ptr(),
                            proto_ptr,
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                        )
                    } else {
                        by_name(
                            name.as_ptr(),
                            proto_ptr,
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                        )
                    }
                };
                outcome(status, 0, result, show_servent)
            });
            let what = format!("getservbyport_r({port}, {proto:?})");
            compared += compare_sizes(&what, &mut |netlibc, buffer, size| {
                let mut entry = empty_servent();
                let mut result = std::ptr::null_mut();
                set_errno(77);
                // SAFETY: as above.
                let status = unsafe {
                    if netlibc {
                        services::getservbyport_r(
                            *port,
                            proto_ptr,
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                        )
                    } else {
                        by_port(*port, proto_ptr, &mut entry, buffer, size, &mut result)
                    }
                };
                outcome(status, 0, result, show_servent)
            });
        }
    }
    compared
}

fn show_protoent(entry: &protoent) -> String {
    // SAFETY: a result filled by a lookup.
    unsafe {
        format!(
            "{:?} {} {:?}",
            text(entry.p_name),
            entry.p_proto,
            list(entry.p_aliases)
        )
    }
}

type ProtoByName = unsafe extern "C" fn(
    *const c_char,
    *mut protoent,
    *mut c_char,
    usize,
    *mut *mut protoent,
) -> c_int;
type ProtoByNumber =
    unsafe extern "C" fn(c_int, *mut protoent, *mut c_char, usize, *mut *mut protoent) -> c_int;

fn check_protocols(glibc: &Glibc, extra: &[&str]) -> usize {
    // SAFETY: glibc's prototypes.
    let (by_name, by_number): (ProtoByName, ProtoByNumber) = unsafe {
        (
            glibc.function(c"getprotobyname_r"),
            glibc.function(c"getprotobynumber_r"),
        )
    };
    let mut keys: Vec<(CString, c_int)> = Vec::new();
    protocols::setprotoent(0);
    loop {
        let entry = protocols::getprotoent();
        if entry.is_null() {
            break;
        }
        // SAFETY: non-null result.
        let entry = unsafe { &*entry };
        // SAFETY: a C string of the result.
        keys.push((
            unsafe { CStr::from_ptr(entry.p_name) }.to_owned(),
            entry.p_proto,
        ));
        // SAFETY: as above.
        if let Some(alias) = unsafe { list(entry.p_aliases) }.into_iter().next() {
            keys.push((CString::new(alias).unwrap(), entry.p_proto + 1000));
        }
    }
    protocols::endprotoent();
    keys.extend(extra.iter().map(|name| (CString::new(*name).unwrap(), -7)));
    let empty = || protoent {
        p_name: std::ptr::null_mut(),
        p_aliases: std::ptr::null_mut(),
        p_proto: 0,
    };
    let mut compared = 0;
    for (name, number) in &keys {
        compared += compare_sizes(
            &format!("getprotobyname_r({name:?})"),
            &mut |netlibc, buffer, size| {
                let (mut entry, mut result) = (empty(), std::ptr::null_mut());
                set_errno(77);
                // SAFETY: valid string, buffer and results.
                let status = unsafe {
                    if netlibc {
                        protocols::getprotobyname_r(
                            name.as_ptr(),
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                        )
                    } else {
                        by_name(name.as_ptr(), &mut entry, buffer, size, &mut result)
                    }
                };
                outcome(status, 0, result, show_protoent)
            },
        );
        compared += compare_sizes(
            &format!("getprotobynumber_r({number})"),
            &mut |netlibc, buffer, size| {
                let (mut entry, mut result) = (empty(), std::ptr::null_mut());
                set_errno(77);
                // SAFETY: valid buffer and results.
                let status = unsafe {
                    if netlibc {
                        protocols::getprotobynumber_r(
                            *number,
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                        )
                    } else {
                        by_number(*number, &mut entry, buffer, size, &mut result)
                    }
                };
                outcome(status, 0, result, show_protoent)
            },
        );
    }
    compared
}

fn show_netent(entry: &netent) -> String {
    // SAFETY: a result filled by a lookup.
    unsafe {
        format!(
            "{:?} {:x} {} {:?}",
            text(entry.n_name),
            entry.n_net,
            entry.n_addrtype,
            list(entry.n_aliases)
        )
    }
}

type NetByName = unsafe extern "C" fn(
    *const c_char,
    *mut netent,
    *mut c_char,
    usize,
    *mut *mut netent,
    *mut c_int,
) -> c_int;
type NetByAddr = unsafe extern "C" fn(
    u32,
    c_int,
    *mut netent,
    *mut c_char,
    usize,
    *mut *mut netent,
    *mut c_int,
) -> c_int;

fn check_networks(glibc: &Glibc, extra: &[&str]) -> usize {
    // SAFETY: glibc's prototypes.
    let (by_name, by_addr): (NetByName, NetByAddr) = unsafe {
        (
            glibc.function(c"getnetbyname_r"),
            glibc.function(c"getnetbyaddr_r"),
        )
    };
    let mut keys: Vec<(CString, u32)> = Vec::new();
    networks::setnetent(0);
    loop {
        let entry = networks::getnetent();
        if entry.is_null() {
            break;
        }
        // SAFETY: non-null result and its name.
        let entry = unsafe { &*entry };
        // SAFETY: as above.
        keys.push((
            unsafe { CStr::from_ptr(entry.n_name) }.to_owned(),
            entry.n_net,
        ));
    }
    networks::endnetent();
    keys.extend(
        extra
            .iter()
            .map(|name| (CString::new(*name).unwrap(), 0x0102_0304)),
    );
    let empty = || netent {
        n_name: std::ptr::null_mut(),
        n_aliases: std::ptr::null_mut(),
        n_addrtype: 0,
        n_net: 0,
    };
    let mut compared = 0;
    for (name, net) in &keys {
        compared += compare_sizes(
            &format!("getnetbyname_r({name:?})"),
            &mut |netlibc, buffer, size| {
                let (mut entry, mut result, mut h_errno) = (empty(), std::ptr::null_mut(), 55);
                set_errno(77);
                // SAFETY: valid string, buffer and results.
                let status = unsafe {
                    if netlibc {
                        networks::getnetbyname_r(
                            name.as_ptr(),
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                            &mut h_errno,
                        )
                    } else {
                        by_name(
                            name.as_ptr(),
                            &mut entry,
                            buffer,
                            size,
                            &mut result,
                            &mut h_errno,
                        )
                    }
                };
                outcome(status, h_errno, result, show_netent)
            },
        );
        for family in [libc::AF_UNSPEC, libc::AF_INET, libc::AF_INET6] {
            compared += compare_sizes(
                &format!("getnetbyaddr_r({net:x}, {family})"),
                &mut |netlibc, buffer, size| {
                    let (mut entry, mut result, mut h_errno) = (empty(), std::ptr::null_mut(), 55);
                    set_errno(77);
                    // SAFETY: valid buffer and results.
                    let status = unsafe {
                        if netlibc {
                            networks::getnetbyaddr_r(
                                *net,
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        } else {
                            by_addr(
                                *net,
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        }
                    };
                    outcome(status, h_errno, result, show_netent)
                },
            );
        }
    }
    compared
}

fn show_hostent(entry: &hostent) -> String {
    // SAFETY: a result filled by a lookup.
    unsafe {
        let mut addresses = Vec::new();
        let mut pointer = entry.h_addr_list;
        while !(*pointer).is_null() {
            addresses.push(
                std::slice::from_raw_parts((*pointer).cast::<u8>(), entry.h_length as usize)
                    .to_vec(),
            );
            pointer = pointer.add(1);
        }
        format!(
            "{:?} {:?} {} {} {:?}",
            text(entry.h_name),
            list(entry.h_aliases),
            entry.h_addrtype,
            entry.h_length,
            addresses
        )
    }
}

type HostByName2 = unsafe extern "C" fn(
    *const c_char,
    c_int,
    *mut hostent,
    *mut c_char,
    usize,
    *mut *mut hostent,
    *mut c_int,
) -> c_int;
type HostByAddr = unsafe extern "C" fn(
    *const c_void,
    libc::socklen_t,
    c_int,
    *mut hostent,
    *mut c_char,
    usize,
    *mut *mut hostent,
    *mut c_int,
) -> c_int;

fn empty_hostent() -> hostent {
    hostent {
        h_name: std::ptr::null_mut(),
        h_aliases: std::ptr::null_mut(),
        h_addrtype: 0,
        h_length: 0,
        h_addr_list: std::ptr::null_mut(),
    }
}

fn check_hosts(glibc: &Glibc, extra: &[&str]) -> usize {
    // SAFETY: glibc's prototypes.
    let (by_name, by_addr): (HostByName2, HostByAddr) = unsafe {
        (
            glibc.function(c"gethostbyname2_r"),
            glibc.function(c"gethostbyaddr_r"),
        )
    };
    type HostEnt = unsafe extern "C" fn(
        *mut hostent,
        *mut c_char,
        usize,
        *mut *mut hostent,
        *mut c_int,
    ) -> c_int;
    // SAFETY: glibc's prototypes.
    let (set, next): (extern "C" fn(c_int), HostEnt) = unsafe {
        (
            glibc.function(c"sethostent"),
            glibc.function(c"gethostent_r"),
        )
    };
    let entries = compare_enumeration(
        "gethostent_r",
        &mut |netlibc| {
            if netlibc {
                hosts::sethostent(0)
            } else {
                set(0)
            }
        },
        &mut |netlibc, buffer, size| {
            let (mut entry, mut result, mut h_errno) = (empty_hostent(), std::ptr::null_mut(), 55);
            set_errno(77);
            // SAFETY: buffer of `size` bytes, valid results.
            let status = unsafe {
                if netlibc {
                    hosts::gethostent_r(&mut entry, buffer, size, &mut result, &mut h_errno)
                } else {
                    next(&mut entry, buffer, size, &mut result, &mut h_errno)
                }
            };
            outcome(status, h_errno, result, show_hostent)
        },
    );
    let mut names: Vec<CString> = Vec::new();
    let mut addresses: Vec<Vec<u8>> = Vec::new();
    hosts::sethostent(0);
    loop {
        let entry = hosts::gethostent();
        if entry.is_null() {
            break;
        }
        // SAFETY: non-null result with its strings and first address.
        unsafe {
            let entry = &*entry;
            names.push(CStr::from_ptr(entry.h_name).to_owned());
            names.extend(
                list(entry.h_aliases)
                    .into_iter()
                    .map(|alias| CString::new(alias).unwrap()),
            );
            addresses
                .push(std::slice::from_raw_parts((*entry.h_addr_list).cast::<u8>(), 4).to_vec());
        }
    }
    hosts::endhostent();
    names.truncate(400);
    addresses.truncate(100);
    names.extend(extra.iter().map(|name| CString::new(*name).unwrap()));
    let multi_off = std::env::var("RESOLV_MULTI").is_ok_and(|v| v == "off");
    let mut compared = entries;
    // glibc asserts on AF_UNSPEC with `multi on`.
    let families: &[c_int] = if multi_off {
        &[libc::AF_INET, libc::AF_INET6, libc::AF_UNSPEC]
    } else {
        &[libc::AF_INET, libc::AF_INET6]
    };
    for name in &names {
        for &family in families {
            compared += compare_sizes(
                &format!("gethostbyname2_r({name:?}, {family})"),
                &mut |netlibc, buffer, size| {
                    let (mut entry, mut result, mut h_errno) =
                        (empty_hostent(), std::ptr::null_mut(), 55);
                    set_errno(77);
                    // SAFETY: valid string, buffer and results.
                    let status = unsafe {
                        if netlibc {
                            hosts::gethostbyname2_r(
                                name.as_ptr(),
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        } else {
                            by_name(
                                name.as_ptr(),
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        }
                    };
                    outcome(status, h_errno, result, show_hostent)
                },
            );
        }
    }
    for address in &addresses {
        let mut mapped = vec![0u8; 10];
        mapped.extend([0xff, 0xff]);
        mapped.extend(address);
        for (bytes, family) in [
            (address, libc::AF_INET),
            (&mapped, libc::AF_INET6),
            (address, libc::AF_UNSPEC),
        ] {
            compared += compare_sizes(
                &format!("gethostbyaddr_r({bytes:?}, {family})"),
                &mut |netlibc, buffer, size| {
                    let (mut entry, mut result, mut h_errno) =
                        (empty_hostent(), std::ptr::null_mut(), 55);
                    set_errno(77);
                    let (pointer, length) = (bytes.as_ptr().cast(), bytes.len() as libc::socklen_t);
                    // SAFETY: valid address, buffer and results.
                    let status = unsafe {
                        if netlibc {
                            hosts::gethostbyaddr_r(
                                pointer,
                                length,
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        } else {
                            by_addr(
                                pointer,
                                length,
                                family,
                                &mut entry,
                                buffer,
                                size,
                                &mut result,
                                &mut h_errno,
                            )
                        }
                    };
                    outcome(status, h_errno, result, show_hostent)
                },
            );
        }
    }
    compared
}

const ODD_SERVICES: &[(&str, Option<&str>)] = &[
    ("http", Some("TCP")),
    ("HTTP", Some("tcp")),
    ("nosuch", Some("tcp")),
    ("nosuch", None),
    ("", None),
    ("echo", Some("")),
];
const ODD_PROTOCOLS: &[&str] = &["Tcp", "nosuch", ""];
const ODD_NETWORKS: &[&str] = &["LOOPBACK", "nosuch", ""];
const ODD_HOSTS: &[&str] = &[
    "LOCALHOST",
    "127.0.0.1",
    "1.2.3",
    "127.1",
    "1.2.3.4.5",
    "::1",
    "::ffff:127.0.0.1",
    "",
    "nosuch.invalid",
    "1.2.3.",
    "abc:def",
    "multi.example",
    "m3",
    "Indented.example",
];

fn check_all() {
    let glibc = Glibc::open();
    let compared = check_services(&glibc, ODD_SERVICES)
        + check_protocols(&glibc, ODD_PROTOCOLS)
        + check_networks(&glibc, ODD_NETWORKS)
        + check_hosts(&glibc, ODD_HOSTS);
    println!("compared {compared} calls");
    assert!(compared > 1000, "too few comparisons: {compared}");
}

#[test]
fn child_all_databases() {
    if in_child() {
        check_all();
    }
}

#[test]
fn system_files_match_glibc() {
    if !in_child() {
        run_child(Path::new("/etc"), "child_all_databases", &[]);
    }
}

#[test]
fn fixture_files_match_glibc() {
    if !in_child() {
        let fixtures = root().join("tests/fixtures/db");
        run_child(&fixtures, "child_all_databases", &[]);
        run_child(&fixtures, "child_all_databases", &[("RESOLV_MULTI", "off")]);
    }
}

/// Rewrites `path` in place (the same inode, so glibc sees it through the bind mount too).
fn rewrite(path: &Path, content: &[u8]) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    file.write_all(content).unwrap();
}

#[test]
fn child_edits_between_calls() {
    if !in_child() {
        return;
    }
    let glibc = Glibc::open();
    let services_path = PathBuf::from(std::env::var_os("NETLIBC_SERVICES").unwrap());
    let hosts_path = PathBuf::from(std::env::var_os("NETLIBC_HOSTS").unwrap());
    let contents: [(&[u8], &[u8]); 4] = [
        (b"alpha 1/tcp\n", b"10.0.0.1 alpha\n"),
        (
            b"alpha 2/tcp a2\nbeta 3/udp\n",
            b"10.0.0.2 alpha a2\n10.0.0.3 beta\n",
        ),
        (b"beta 4/udp\n", b"10.0.0.4 beta\n"),
        (b"alpha 5/tcp\n", b"10.0.0.5 alpha\n"),
    ];
    for (services_content, hosts_content) in contents {
        rewrite(&services_path, services_content);
        rewrite(&hosts_path, hosts_content);
        check_services(
            &glibc,
            &[("alpha", None), ("beta", Some("udp")), ("a2", None)],
        );
        check_hosts(&glibc, &["alpha", "beta", "a2"]);
        // An edit between two calls of one comparison: both see it at once.
        rewrite(&services_path, b"gamma 6/tcp\n");
        check_services(&glibc, &[("gamma", None)]);
    }
}

#[test]
fn edits_between_calls_are_seen() {
    if in_child() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("netlibc-db-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["services", "hosts"] {
        std::fs::write(dir.join(name), "").unwrap();
    }
    run_child(&dir, "child_edits_between_calls", &[]);
    std::fs::remove_dir_all(&dir).unwrap();
}
