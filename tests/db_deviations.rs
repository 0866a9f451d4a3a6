//! The deliberate differences from glibc of the files databases (docs/deviations.md), tested on their
//! own: glibc cannot be the oracle where it aborts or shares state between threads.

use netlibc::abi::netdb::{hostent, hosts, services};
use std::ffi::CStr;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/db")
        .join(name)
}

/// glibc aborts on AF_UNSPEC with `multi on`; netlibc returns the first matching line, alone.
#[test]
fn unspec_with_multi_on_returns_the_first_line() {
    std::env::set_var("NETLIBC_HOSTS", fixture("hosts"));
    std::env::set_var("NETLIBC_HOST_CONF", fixture("host.conf"));
    std::env::remove_var("RESOLV_MULTI");
    // SAFETY: a C string.
    let entry = unsafe { hosts::gethostbyname2(c"multi.example".as_ptr(), libc::AF_UNSPEC) };
    assert!(!entry.is_null());
    // SAFETY: a non-null result with its lists.
    unsafe {
        let entry: &hostent = &*entry;
        assert_eq!(entry.h_addrtype, libc::AF_INET);
        assert_eq!(
            std::slice::from_raw_parts((*entry.h_addr_list).cast::<u8>(), 4),
            &[10, 0, 0, 2]
        );
        assert!((*entry.h_addr_list.add(1)).is_null());
    }
    // The same lookup for AF_INET gathers every line (multi on): two IPv4 lines.
    // SAFETY: as above.
    let entry = unsafe { &*hosts::gethostbyname2(c"multi.example".as_ptr(), libc::AF_INET) };
    // SAFETY: the address list of a result.
    let count = (0..)
        .take_while(|&i| unsafe { !(*entry.h_addr_list.add(i)).is_null() })
        .count();
    assert_eq!(count, 2);
}

/// Non-`_r` results are per thread: another thread's lookup does not overwrite this one's.
#[test]
fn static_results_are_per_thread() {
    std::env::set_var("NETLIBC_SERVICES", fixture("services"));
    // SAFETY: C strings.
    let mine = unsafe { services::getservbyname(c"echo".as_ptr(), c"tcp".as_ptr()) };
    std::thread::spawn(|| {
        // SAFETY: C strings.
        let theirs = unsafe { services::getservbyname(c"discard".as_ptr(), std::ptr::null()) };
        assert!(!theirs.is_null());
    })
    .join()
    .unwrap();
    // SAFETY: this thread's result is still valid and unchanged.
    assert_eq!(unsafe { CStr::from_ptr((*mine).s_name) }, c"echo");
}

/// An enumeration keeps reading the file it started with when the file is replaced mid-way.
#[test]
fn enumeration_survives_a_replaced_file() {
    let dir = std::env::temp_dir().join(format!("netlibc-db-enum-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("protocols");
    std::fs::write(&path, "a 1\nb 2\nc 3\n").unwrap();
    std::env::set_var("NETLIBC_PROTOCOLS", &path);
    netlibc::abi::netdb::protocols::setprotoent(0);
    let first = netlibc::abi::netdb::protocols::getprotoent();
    // SAFETY: a non-null result.
    assert_eq!(unsafe { (*first).p_proto }, 1);
    std::fs::write(dir.join("new"), "x 9\n").unwrap();
    std::fs::rename(dir.join("new"), &path).unwrap();
    let numbers: Vec<i32> = std::iter::from_fn(|| {
        let entry = netlibc::abi::netdb::protocols::getprotoent();
        // SAFETY: a non-null result.
        (!entry.is_null()).then(|| unsafe { (*entry).p_proto })
    })
    .collect();
    assert_eq!(numbers, vec![2, 3]);
    netlibc::abi::netdb::protocols::setprotoent(0);
    // SAFETY: a non-null result after the new setprotoent.
    assert_eq!(
        unsafe { (*netlibc::abi::netdb::protocols::getprotoent()).p_proto },
        9
    );
    netlibc::abi::netdb::protocols::endprotoent();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Lookups from several threads while the file is rewritten and replaced: every answer is one of the
/// file's versions, nothing crashes, and the last version is what the next call sees.
#[test]
fn concurrent_lookups_during_edits() {
    let dir = std::env::temp_dir().join(format!("netlibc-db-race-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("networks");
    std::fs::write(&path, "net 10.1\n").unwrap();
    std::env::set_var("NETLIBC_NETWORKS", &path);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut buffer = vec![0u8; 4096];
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut entry = netlibc::abi::netdb::netent {
                        n_name: std::ptr::null_mut(),
                        n_aliases: std::ptr::null_mut(),
                        n_addrtype: 0,
                        n_net: 0,
                    };
                    let (mut result, mut h_errno) = (std::ptr::null_mut(), 0);
                    // SAFETY: valid string, buffer and results.
                    let status = unsafe {
                        netlibc::abi::netdb::networks::getnetbyname_r(
                            c"net".as_ptr(),
                            &mut entry,
                            buffer.as_mut_ptr().cast(),
                            buffer.len(),
                            &mut result,
                            &mut h_errno,
                        )
                    };
                    assert_eq!(status, 0);
                    if !result.is_null() {
                        assert!(
                            entry.n_net == 0x0a01_0000 || entry.n_net == 0x0a02_0000,
                            "{:x}",
                            entry.n_net
                        );
                    }
                }
            })
        })
        .collect();
    for round in 0..40 {
        if round % 2 == 0 {
            std::fs::write(&path, "net 10.2\n").unwrap();
        } else {
            std::fs::write(dir.join("new"), "net 10.1\n").unwrap();
            std::fs::rename(dir.join("new"), &path).unwrap();
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    // SAFETY: a C string; the last version has 10.1.
    let entry = unsafe { netlibc::abi::netdb::networks::getnetbyname(c"net".as_ptr()) };
    // SAFETY: non-null result.
    assert_eq!(unsafe { (*entry).n_net }, 0x0a01_0000);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The Rust entry points the lookup layers use agree with the C calls.
#[test]
fn rust_entry_points_match_the_c_calls() {
    use netlibc::db::hosts::{addresses_by_name, lookup_by_address, lookup_by_name, Address};
    std::env::set_var("NETLIBC_HOSTS", fixture("hosts"));
    std::env::set_var("NETLIBC_HOST_CONF", fixture("host.conf"));
    let entry = lookup_by_name(b"MULTI.example", libc::AF_INET).unwrap();
    assert_eq!(entry.name, b"multi.example");
    assert_eq!(
        entry.addresses,
        vec![Address::V4([10, 0, 0, 2]), Address::V4([10, 0, 0, 3])]
    );
    assert_eq!(
        entry.aliases,
        vec![b"m1".to_vec(), b"m2".to_vec(), b"m3".to_vec()]
    );
    let all = addresses_by_name(b"multi.example");
    assert_eq!(all.len(), 3);
    assert!(matches!(all[2], Address::V6(_)));
    let localhost = lookup_by_name(b"localhost", libc::AF_INET).unwrap();
    assert_eq!(localhost.addresses, vec![Address::V4([127, 0, 0, 1]); 2]);
    assert_eq!(
        lookup_by_address(&[127, 0, 1, 1], libc::AF_INET)
            .unwrap()
            .name,
        b"fixture.example"
    );
    assert!(lookup_by_name(b"nosuch.invalid", libc::AF_INET).is_none());
}
