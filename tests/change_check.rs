//! The change check (src/sys/changes.rs, docs/deviations.md "Change check"): one inotify instance
//! for every watched file, looked at once per call, must keep the old guarantees.
//!
//! - Any write, truncation, rename over the path or deletion is seen by the very next call, for every
//!   file the call reads (getnameinfo reads hosts and services in one call), however the two edits
//!   are interleaved.
//! - A forked child never reads the parent's instance: an edit queued there before the child's lookup
//!   is still seen by the parent's next call.
//! - A descriptor the program closed and reused is never read: another inotify instance's event or a
//!   socket's datagram put on our number is still there after our lookup, and edits are still seen.
//! - The descriptors are close-on-exec.
//! - A bind mount over the path (no event) is seen within a second (a bounded wait, no timing asserted).
//!
//! The tests of this binary share the environment and the files: they take one lock.

use std::ffi::{c_char, CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

use netlibc::abi::netdb::addrinfo::{freeaddrinfo, getaddrinfo};
use netlibc::abi::netdb::hosts::{gethostbyaddr, gethostbyname};
use netlibc::abi::netdb::nameinfo::getnameinfo;
use netlibc::abi::netdb::protocols::{getprotobyname, getprotobynumber};
use netlibc::abi::netdb::services::{getservbyname, getservbyport};

/// The files of this process (hosts, services, nsswitch.conf), named by the NETLIBC_* variables.
struct Files {
    dir: PathBuf,
    hosts: PathBuf,
    services: PathBuf,
    protocols: PathBuf,
}

fn files() -> MutexGuard<'static, Files> {
    static FILES: OnceLock<Mutex<Files>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("netlibc-change-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = Files {
            hosts: dir.join("hosts"),
            services: dir.join("services"),
            protocols: dir.join("protocols"),
            dir,
        };
        // Files only: a name not in the hosts file must not go to DNS.
        std::fs::write(files.dir.join("nsswitch.conf"), "hosts: files\n").unwrap();
        std::fs::write(&files.hosts, "127.0.0.1 localhost\n").unwrap();
        std::fs::write(&files.services, "http 80/tcp\n").unwrap();
        std::fs::write(&files.protocols, "tcp 6 TCP\n").unwrap();
        std::env::set_var("NETLIBC_NSSWITCH_CONF", files.dir.join("nsswitch.conf"));
        std::env::set_var("NETLIBC_HOSTS", &files.hosts);
        std::env::set_var("NETLIBC_SERVICES", &files.services);
        std::env::set_var("NETLIBC_PROTOCOLS", &files.protocols);
        // `multi on`: getaddrinfo of "localhost" gathers both lines (two addresses to sort).
        std::fs::write(files.dir.join("host.conf"), "multi on\n").unwrap();
        std::env::set_var("NETLIBC_HOST_CONF", files.dir.join("host.conf"));
        std::env::remove_var("RESOLV_MULTI");
        Mutex::new(files)
    });
    files
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Rewrites `path` in place (same inode), truncating it first.
fn rewrite(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// Writes `text` to a new file and renames it over `path` (a new inode, as editors do).
fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// getnameinfo(address:port) with name lookups for both: the host's and the service's names, from
/// one call (`None` when a name is not found: the numeric form is what getnameinfo gives then).
fn names(address: [u8; 4], port: u16) -> (String, String) {
    let sin = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(address),
        },
        sin_zero: [0; 8],
    };
    let mut host = [0 as c_char; 256];
    let mut service = [0 as c_char; 64];
    // SAFETY: a sockaddr_in of its size, buffers of their sizes.
    let code = unsafe {
        getnameinfo(
            (&sin as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as u32,
            host.as_mut_ptr(),
            host.len() as u32,
            service.as_mut_ptr(),
            service.len() as u32,
            0,
        )
    };
    assert_eq!(code, 0, "getnameinfo");
    // SAFETY: getnameinfo wrote NUL-terminated text.
    unsafe {
        (
            CStr::from_ptr(host.as_ptr()).to_string_lossy().into_owned(),
            CStr::from_ptr(service.as_ptr())
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// gethostbyname's first IPv4 address, `None` when not found.
fn address_of(name: &str) -> Option<[u8; 4]> {
    let name = CString::new(name).unwrap();
    // SAFETY: a C string.
    let entry = unsafe { gethostbyname(name.as_ptr()) };
    // SAFETY: a non-null result with its address list.
    (!entry.is_null()).then(|| unsafe {
        let first = *(*entry).h_addr_list;
        [
            *first as u8,
            *first.add(1) as u8,
            *first.add(2) as u8,
            *first.add(3) as u8,
        ]
    })
}

/// getservbyname(name, "tcp")'s port, `None` when not found.
fn port_of(name: &str) -> Option<u16> {
    let name = CString::new(name).unwrap();
    // SAFETY: C strings.
    let entry = unsafe { getservbyname(name.as_ptr(), c"tcp".as_ptr()) };
    // SAFETY: a non-null result.
    (!entry.is_null()).then(|| u16::from_be(unsafe { (*entry).s_port } as u16))
}

#[test]
fn every_kind_of_edit_is_seen_by_the_next_call() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 one\n");
    rewrite(&files.services, "svc 80/tcp\n");
    assert_eq!(names([127, 0, 0, 1], 80), ("one".into(), "svc".into()));
    // In place, same size, at once (the times may look the same): both files, one call.
    rewrite(&files.hosts, "127.0.0.1 two\n");
    rewrite(&files.services, "cvs 80/tcp\n");
    assert_eq!(names([127, 0, 0, 1], 80), ("two".into(), "cvs".into()));
    // Only the second file of the call changes, then only the first.
    rewrite(&files.services, "web 80/tcp\n");
    assert_eq!(names([127, 0, 0, 1], 80), ("two".into(), "web".into()));
    rewrite(&files.hosts, "127.0.0.1 six\n");
    assert_eq!(names([127, 0, 0, 1], 80), ("six".into(), "web".into()));
    // Appended to, truncated, emptied.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&files.hosts)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"127.0.0.2 seven\n"))
        .unwrap();
    assert_eq!(address_of("seven"), Some([127, 0, 0, 2]));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&files.hosts)
        .and_then(|f| f.set_len(14))
        .unwrap();
    assert_eq!(address_of("seven"), None);
    assert_eq!(address_of("six"), Some([127, 0, 0, 1]));
    rewrite(&files.hosts, "");
    assert_eq!(address_of("six"), None);
    // Renamed over, several times in a row (each new inode is watched in its turn).
    for (i, name) in ["eight", "nine", "ten"].into_iter().enumerate() {
        replace(&files.hosts, &format!("127.0.0.{} {name}\n", i + 3));
        replace(&files.services, &format!("{name} {}/tcp\n", 100 + i));
        assert_eq!(address_of(name), Some([127, 0, 0, i as u8 + 3]));
        assert_eq!(port_of(name), Some(100 + i as u16));
        assert_eq!(
            names([127, 0, 0, i as u8 + 3], 100 + i as u16),
            (name.into(), name.into())
        );
    }
    // Deleted, then created again.
    std::fs::remove_file(&files.hosts).unwrap();
    assert_eq!(address_of("ten"), None);
    std::fs::remove_file(&files.services).unwrap();
    assert_eq!(port_of("ten"), None);
    rewrite(&files.hosts, "127.0.0.1 back\n");
    rewrite(&files.services, "back 7/tcp\n");
    assert_eq!(names([127, 0, 0, 1], 7), ("back".into(), "back".into()));
    // Another file of the directory changing changes nothing.
    std::fs::write(files.dir.join("unrelated"), "x").unwrap();
    std::fs::remove_file(files.dir.join("unrelated")).unwrap();
    assert_eq!(names([127, 0, 0, 1], 7), ("back".into(), "back".into()));
}

#[test]
fn a_variable_set_between_calls_is_seen_by_the_next_call() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 first\n");
    let other = files.dir.join("other-hosts");
    std::fs::write(&other, "127.0.0.9 first\n").unwrap();
    assert_eq!(address_of("first"), Some([127, 0, 0, 1]));
    std::env::set_var("NETLIBC_HOSTS", &other);
    assert_eq!(address_of("first"), Some([127, 0, 0, 9]));
    std::env::set_var("NETLIBC_HOSTS", &files.hosts);
    assert_eq!(address_of("first"), Some([127, 0, 0, 1]));
    std::env::remove_var("NETLIBC_HOSTS");
    std::env::set_var("NETLIBC_HOSTS", &other);
    assert_eq!(address_of("first"), Some([127, 0, 0, 9]));
    std::env::set_var("NETLIBC_HOSTS", &files.hosts);
    std::fs::remove_file(&other).unwrap();
}

/// The number of addresses gethostbyname gives for `name`.
fn address_count(name: &str) -> usize {
    let name = CString::new(name).unwrap();
    // SAFETY: a C string.
    let entry = unsafe { gethostbyname(name.as_ptr()) };
    if entry.is_null() {
        return 0;
    }
    // SAFETY: a non-null result's NULL-terminated address list.
    (0..)
        .take_while(|&i| unsafe { !(*(*entry).h_addr_list.add(i)).is_null() })
        .count()
}

#[test]
fn host_conf_settings_follow_the_variables_from_one_call_to_the_next() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 twice\n127.0.0.2 twice\n");
    let off = files.dir.join("host.conf.off");
    std::fs::write(&off, "multi off\n").unwrap();
    // host.conf says `multi on`: both lines.
    assert_eq!(address_count("twice"), 2);
    std::env::set_var("RESOLV_MULTI", "off");
    assert_eq!(address_count("twice"), 1);
    std::env::set_var("RESOLV_MULTI", "on");
    assert_eq!(address_count("twice"), 2);
    std::env::remove_var("RESOLV_MULTI");
    assert_eq!(address_count("twice"), 2);
    std::env::set_var("NETLIBC_HOST_CONF", &off);
    assert_eq!(address_count("twice"), 1);
    std::env::set_var("NETLIBC_HOST_CONF", files.dir.join("host.conf"));
    assert_eq!(address_count("twice"), 2);
}

/// Runs `child` in a forked child, which must `_exit(0)`; asserts that it did.
fn in_forked_child(child: impl FnOnce() -> bool) {
    // SAFETY: the child runs netlibc code and ends with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        // SAFETY: ends the child without running the harness.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child status {status}"
    );
}

#[test]
fn a_forked_child_never_reads_the_parents_events() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 parent\n");
    assert_eq!(address_of("parent"), Some([127, 0, 0, 1]));
    // Queued in the parent's instance before the child looks (same size, maybe the same times): the
    // child must leave the event there, and still see the new content.
    rewrite(&files.hosts, "127.0.0.2 parent\n");
    in_forked_child(|| address_of("parent") == Some([127, 0, 0, 2]));
    // Had the child read the parent's queue, nothing would tell the parent.
    assert_eq!(address_of("parent"), Some([127, 0, 0, 2]));
    // A child watches on its own: its edits are seen by its next call, and by the parent's.
    in_forked_child(|| {
        let before = address_of("parent") == Some([127, 0, 0, 2]);
        rewrite(&files.hosts, "127.0.0.3 parent\n");
        before && address_of("parent") == Some([127, 0, 0, 3])
    });
    assert_eq!(address_of("parent"), Some([127, 0, 0, 3]));
    rewrite(&files.hosts, "127.0.0.4 parent\n");
    assert_eq!(address_of("parent"), Some([127, 0, 0, 4]));
}

/// The descriptors of this process whose /proc/self/fd link is `link`.
fn descriptors_linked_to(link: &str) -> Vec<i32> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            let fd: i32 = entry.file_name().to_str()?.parse().ok()?;
            (target.as_os_str().as_bytes() == link.as_bytes()).then_some(fd)
        })
        .collect()
}

/// The socket descriptors of this process in `domain`.
fn sockets_of(domain: i32) -> Vec<i32> {
    (0..1024)
        .filter(|&fd| {
            let mut value: libc::c_int = 0;
            let mut length = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: getsockopt writes one int and its length.
            let ok = unsafe {
                libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_DOMAIN,
                    (&mut value as *mut libc::c_int).cast(),
                    &mut length,
                )
            } == 0;
            ok && value == domain
        })
        .collect()
}

/// Bytes queued on descriptor `fd` (FIONREAD).
fn queued(fd: i32) -> i32 {
    let mut count: libc::c_int = -1;
    // SAFETY: FIONREAD writes one int.
    unsafe { libc::ioctl(fd, libc::FIONREAD, &mut count) };
    count
}

/// A sorted getaddrinfo (two addresses for "localhost"), which opens the netlink socket.
fn sorted_lookup() -> usize {
    let hints = libc::addrinfo {
        ai_flags: 0,
        ai_family: libc::AF_UNSPEC,
        ai_socktype: libc::SOCK_STREAM,
        ai_protocol: 0,
        ai_addrlen: 0,
        ai_addr: std::ptr::null_mut(),
        ai_canonname: std::ptr::null_mut(),
        ai_next: std::ptr::null_mut(),
    };
    let mut list = std::ptr::null_mut();
    // SAFETY: C strings, hints, an out pointer.
    let code = unsafe { getaddrinfo(c"localhost".as_ptr(), std::ptr::null(), &hints, &mut list) };
    assert_eq!(code, 0);
    let mut count = 0;
    let mut node = list;
    while !node.is_null() {
        count += 1;
        // SAFETY: a node of the list.
        node = unsafe { (*node).ai_next };
    }
    // SAFETY: the list getaddrinfo returned.
    unsafe { freeaddrinfo(list) };
    count
}

#[test]
fn descriptors_reused_behind_our_back_are_never_read() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 localhost\n::1 localhost\n");
    in_forked_child(|| {
        assert_eq!(address_of("localhost"), Some([127, 0, 0, 1]));
        assert_eq!(sorted_lookup(), 2);
        let ours = descriptors_linked_to("anon_inode:inotify");
        assert_eq!(ours.len(), 1, "one inotify instance for every file");
        let netlink = sockets_of(libc::AF_NETLINK);
        assert_eq!(netlink.len(), 1, "one netlink socket");
        // The program closes our instance and puts its own there, with an event queued.
        // SAFETY: plain descriptor calls on descriptors of this process.
        let theirs = unsafe {
            // dup2 closes ours and puts theirs in its place.
            let theirs = libc::inotify_init1(libc::IN_NONBLOCK);
            let path = CString::new(files.dir.as_os_str().as_bytes()).unwrap();
            let wd = libc::inotify_add_watch(theirs, path.as_ptr(), libc::IN_CREATE);
            assert!(wd >= 0, "their watch: {}", std::io::Error::last_os_error());
            assert_eq!(libc::dup2(theirs, ours[0]), ours[0]);
            libc::close(theirs);
            ours[0]
        };
        std::fs::write(files.dir.join("their-event"), "").unwrap();
        let pending = queued(theirs);
        assert!(pending > 0);
        // And our netlink socket is now a UDP socket with a datagram queued.
        // SAFETY: plain socket calls.
        unsafe {
            let udp = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
            let mut address: libc::sockaddr_in = std::mem::zeroed();
            address.sin_family = libc::AF_INET as libc::sa_family_t;
            address.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let size = std::mem::size_of::<libc::sockaddr_in>() as u32;
            assert_eq!(
                libc::bind(udp, (&address as *const libc::sockaddr_in).cast(), size),
                0
            );
            let mut bound = size;
            libc::getsockname(
                udp,
                (&mut address as *mut libc::sockaddr_in).cast(),
                &mut bound,
            );
            assert_eq!(
                libc::connect(udp, (&address as *const libc::sockaddr_in).cast(), size),
                0
            );
            assert_eq!(libc::send(udp, b"x".as_ptr().cast(), 1, 0), 1);
            assert_eq!(libc::dup2(udp, netlink[0]), netlink[0]);
            libc::close(udp);
        }
        // Edits are still seen, by the files and the sorted lookups alike (of other sizes: with
        // the instance lost, a `stat` decides)...
        rewrite(&files.hosts, "127.0.0.55 localhost\n::1 localhost\n");
        assert_eq!(address_of("localhost"), Some([127, 0, 0, 55]));
        assert_eq!(sorted_lookup(), 2);
        rewrite(&files.hosts, "127.0.0.6 localhost\n::1 localhost\n");
        assert_eq!(address_of("localhost"), Some([127, 0, 0, 6]));
        assert_eq!(sorted_lookup(), 2);
        // ...and what the program's descriptors hold was left alone.
        assert_eq!(queued(theirs), pending, "their inotify event was read");
        assert_eq!(queued(netlink[0]), 1, "their datagram was read");
        // New descriptors of our own, close-on-exec.
        assert_eq!(descriptors_linked_to("anon_inode:inotify").len(), 2);
        true
    });
}

/// Whether descriptor `fd` is close-on-exec.
fn close_on_exec(fd: i32) -> bool {
    // SAFETY: F_GETFD takes no pointer.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    flags >= 0 && flags & libc::FD_CLOEXEC != 0
}

#[test]
fn descriptors_are_close_on_exec() {
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 localhost\n::1 localhost\n");
    in_forked_child(|| {
        assert_eq!(address_of("localhost"), Some([127, 0, 0, 1]));
        assert_eq!(sorted_lookup(), 2);
        let ours: Vec<i32> = descriptors_linked_to("anon_inode:inotify")
            .into_iter()
            .chain(sockets_of(libc::AF_NETLINK))
            .collect();
        assert_eq!(ours.len(), 2);
        ours.into_iter().all(close_on_exec)
    });
}

/// The child of `a_bind_mount_over_the_path_is_seen_within_a_second`, in its own mount namespace.
#[test]
fn child_bind_mount() {
    if std::env::var_os("NETLIBC_CHANGE_CHECK_CHILD").is_none() {
        return;
    }
    let files = files();
    rewrite(&files.hosts, "127.0.0.1 mounted\n");
    let other = files.dir.join("mounted-hosts");
    std::fs::write(&other, "127.0.0.7 mounted\n").unwrap();
    assert_eq!(address_of("mounted"), Some([127, 0, 0, 1]));
    // getaddrinfo's result, kept from now on, must follow too.
    let v4 = Some((0, libc::AF_INET));
    for _ in 0..3 {
        assert_eq!(
            address_list(&gai_nodes("mounted", None, v4)),
            [[127, 0, 0, 1]]
        );
    }
    bind_mount(&other, &files.hosts);
    // No event tells: the once-a-second stat does, for the kept result as for the files' cache
    // (getaddrinfo first: nothing else has looked at the file since the mount).
    let seen = seen_within_ten_seconds(|| {
        address_list(&gai_nodes("mounted", None, v4)) == [[127, 0, 0, 7]]
    });
    assert!(seen, "getaddrinfo never saw the bind mount");
    let seen = seen_within_ten_seconds(|| address_of("mounted") == Some([127, 0, 0, 7]));
    assert!(seen, "the bind mount was never seen");
    // Another file mounted over it: gethostbyname's kept answer (asked first this time) follows.
    let third = files.dir.join("mounted-hosts-3");
    std::fs::write(&third, "127.0.0.8 mounted\n").unwrap();
    for _ in 0..3 {
        assert_eq!(address_of("mounted"), Some([127, 0, 0, 7]));
    }
    bind_mount(&third, &files.hosts);
    let seen = seen_within_ten_seconds(|| address_of("mounted") == Some([127, 0, 0, 8]));
    assert!(seen, "gethostbyname never saw the second bind mount");
}

/// Bind-mounts `source` over `target` (in this process's private mount namespace).
fn bind_mount(source: &Path, target: &Path) {
    let source = CString::new(source.as_os_str().as_bytes()).unwrap();
    let target = CString::new(target.as_os_str().as_bytes()).unwrap();
    // SAFETY: C strings; a private mount namespace of this process (unshare -m).
    let mounted = unsafe {
        libc::mount(
            source.as_ptr(),
            target.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    };
    assert_eq!(mounted, 0, "bind mount");
}

/// Whether `seen` becomes true, asked every 50 ms for at most 10 s (a bound for a loaded machine, not
/// a timing assertion).
fn seen_within_ten_seconds(mut seen: impl FnMut() -> bool) -> bool {
    (0..200).any(|_| {
        seen() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    })
}

#[test]
fn a_bind_mount_over_the_path_is_seen_within_a_second() {
    if std::env::var_os("NETLIBC_CHANGE_CHECK_CHILD").is_some() {
        return;
    }
    let output = Command::new("unshare")
        .args(["-m", "--propagation", "private"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "child_bind_mount",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("NETLIBC_CHANGE_CHECK_CHILD", "1")
        .output()
        .expect("unshare runs (needs root)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every node of a getaddrinfo result: family, socket type, protocol, socket address bytes, canonical
/// name; or the error code.
type Nodes = Result<Vec<(i32, i32, i32, Vec<u8>, Option<String>)>, i32>;

/// getaddrinfo(`name`, `service`) with hints (flags, family) or NULL hints, its result listed.
fn gai_nodes(name: &str, service: Option<&str>, hints: Option<(i32, i32)>) -> Nodes {
    let name = CString::new(name).unwrap();
    let service = service.map(|s| CString::new(s).unwrap());
    let hints = hints.map(|(flags, family)| libc::addrinfo {
        ai_flags: flags,
        ai_family: family,
        ai_socktype: 0,
        ai_protocol: 0,
        ai_addrlen: 0,
        ai_addr: std::ptr::null_mut(),
        ai_canonname: std::ptr::null_mut(),
        ai_next: std::ptr::null_mut(),
    });
    let hints_ptr = hints.as_ref().map_or(std::ptr::null(), |h| h as *const _);
    let service_ptr = service.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    let mut list = std::ptr::null_mut();
    // SAFETY: C strings, NULL or hints, an out pointer.
    let code = unsafe { getaddrinfo(name.as_ptr(), service_ptr, hints_ptr, &mut list) };
    if code != 0 {
        return Err(code);
    }
    let mut nodes = Vec::new();
    let mut node = list;
    // SAFETY: the nodes of the list getaddrinfo returned, each with its socket address.
    while let Some(n) = unsafe { node.as_ref() } {
        let address =
            unsafe { std::slice::from_raw_parts(n.ai_addr.cast::<u8>(), n.ai_addrlen as usize) };
        let canonical = (!n.ai_canonname.is_null()).then(|| {
            unsafe { CStr::from_ptr(n.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        });
        nodes.push((
            n.ai_family,
            n.ai_socktype,
            n.ai_protocol,
            address.to_vec(),
            canonical,
        ));
        node = n.ai_next;
    }
    // SAFETY: the list getaddrinfo returned.
    unsafe { freeaddrinfo(list) };
    Ok(nodes)
}

/// A lookup's service and hints (flags, family), as [`gai_nodes`] takes them.
type Variant = (Option<&'static str>, Option<(i32, i32)>);

/// The same lookup with nothing kept (the sources asked), then twice more (the second and third
/// may be answered from the kept result): all three must agree. Returns the result.
fn kept_agrees(name: &str, service: Option<&str>, hints: Option<(i32, i32)>) -> Nodes {
    netlibc::lookup::memo::forget();
    let fresh = gai_nodes(name, service, hints);
    for _ in 0..2 {
        assert_eq!(
            gai_nodes(name, service, hints),
            fresh,
            "{name} {service:?} {hints:?}"
        );
    }
    fresh
}

#[test]
fn kept_getaddrinfo_results_are_the_sources_answers_and_follow_every_change() {
    let files = files();
    rewrite(
        &files.hosts,
        "127.0.0.1 kept\n::1 kept\n127.0.0.2 kept alias\n",
    );
    rewrite(&files.services, "http 80/tcp\nhttp 80/udp\n");
    let variants: [Variant; 6] = [
        (None, Some((0, libc::AF_UNSPEC))),
        (None, None),
        (Some("http"), Some((libc::AI_CANONNAME, libc::AF_UNSPEC))),
        (Some("80"), Some((0, libc::AF_INET6))),
        (
            None,
            Some((libc::AI_V4MAPPED | libc::AI_ALL, libc::AF_INET6)),
        ),
        (None, Some((libc::AI_ADDRCONFIG, libc::AF_INET))),
    ];
    let all = |name: &str| -> Vec<Nodes> {
        variants
            .iter()
            .map(|&(service, hints)| kept_agrees(name, service, hints))
            .collect()
    };
    let before = all("kept");
    assert!(before[0].as_ref().is_ok_and(|n| n.len() == 9), "{before:?}");
    // A kept result is replaced as soon as what it came from changes: in place, renamed over.
    for _ in 0..2 {
        assert_eq!(all("kept"), before);
    }
    let first = gai_nodes("kept", None, Some((0, libc::AF_UNSPEC)));
    rewrite(&files.hosts, "127.0.0.3 kept\n");
    let edited = gai_nodes("kept", None, Some((0, libc::AF_UNSPEC)));
    assert_ne!(edited, first);
    assert_eq!(
        edited,
        kept_agrees("kept", None, Some((0, libc::AF_UNSPEC)))
    );
    replace(&files.hosts, "127.0.0.4 kept\n");
    assert_eq!(
        address_list(&gai_nodes("kept", None, Some((0, libc::AF_INET)))),
        vec![vec![127, 0, 0, 4]]
    );
    // The services file.
    replace(&files.services, "http 81/tcp\n");
    let port = |nodes: &Nodes| nodes.as_ref().unwrap()[0].3[2..4].to_vec();
    assert_eq!(
        port(&gai_nodes("kept", Some("http"), Some((0, libc::AF_INET)))),
        vec![0, 81]
    );
    replace(&files.services, "http 82/tcp\n");
    assert_eq!(
        port(&gai_nodes("kept", Some("http"), Some((0, libc::AF_INET)))),
        vec![0, 82]
    );
    // The variables: another hosts file, host.conf's `multi`.
    rewrite(&files.hosts, "127.0.0.5 kept\n127.0.0.6 kept\n");
    let other = files.dir.join("kept-hosts");
    std::fs::write(&other, "127.0.0.7 kept\n127.0.0.8 kept\n").unwrap();
    let v4 = Some((0, libc::AF_INET));
    assert_eq!(address_list(&gai_nodes("kept", None, v4)).len(), 2);
    std::env::set_var("NETLIBC_HOSTS", &other);
    assert_eq!(
        address_list(&gai_nodes("kept", None, v4))[0],
        [127, 0, 0, 7]
    );
    std::env::set_var("RESOLV_MULTI", "off");
    assert_eq!(address_list(&gai_nodes("kept", None, v4)).len(), 1);
    std::env::remove_var("RESOLV_MULTI");
    std::env::set_var("NETLIBC_HOSTS", &files.hosts);
    assert_eq!(
        address_list(&gai_nodes("kept", None, v4))[0],
        [127, 0, 0, 5]
    );
    std::fs::remove_file(&other).unwrap();
    // Gone from the file: an error, never a kept answer.
    rewrite(&files.hosts, "127.0.0.1 localhost\n");
    assert_eq!(
        gai_nodes("kept", None, v4),
        Err(libc::EAI_NONAME),
        "a removed name is not found"
    );
}

/// The IPv4 addresses (bytes 4..8 of each sockaddr_in) of a result's stream nodes, in order.
fn address_list(nodes: &Nodes) -> Vec<Vec<u8>> {
    nodes
        .as_ref()
        .unwrap()
        .iter()
        .filter(|n| n.0 == libc::AF_INET && n.1 == libc::SOCK_STREAM)
        .map(|n| n.3[4..8].to_vec())
        .collect()
}

/// gethostbyname's whole answer (name, aliases, addresses) and the errno and h_errno it left, from a
/// call made with errno and h_errno set to `marker`; `None` for NULL.
#[allow(clippy::type_complexity)]
fn host_entry(name: &str, marker: i32) -> (Option<(String, Vec<String>, Vec<Vec<u8>>)>, i32, i32) {
    let name = CString::new(name).unwrap();
    // SAFETY: glibc's thread-local errno and h_errno slots.
    unsafe {
        *libc::__errno_location() = marker;
        *h_errno_location() = marker;
    }
    // SAFETY: a C string.
    let entry = unsafe { gethostbyname(name.as_ptr()) };
    // SAFETY: as above.
    let (errno, h_errno) = unsafe { (*libc::__errno_location(), *h_errno_location()) };
    // SAFETY: a non-null entry's strings and NULL-terminated arrays.
    let found = unsafe { entry.as_ref() }.map(|e| unsafe {
        let text = |p: *const c_char| CStr::from_ptr(p).to_string_lossy().into_owned();
        let aliases = (0..)
            .map(|i| *e.h_aliases.add(i))
            .take_while(|p| !p.is_null())
            .map(|p| text(p))
            .collect();
        let addresses = (0..)
            .map(|i| *e.h_addr_list.add(i))
            .take_while(|p| !p.is_null())
            .map(|p| std::slice::from_raw_parts(p.cast::<u8>(), e.h_length as usize).to_vec())
            .collect();
        (text(e.h_name), aliases, addresses)
    });
    (found, errno, h_errno)
}

extern "C" {
    #[link_name = "__h_errno_location"]
    fn h_errno_location() -> *mut i32;
}

#[test]
fn kept_gethostbyname_answers_are_the_lookups_own() {
    let files = files();
    rewrite(
        &files.hosts,
        "127.0.0.1 many one two\n127.0.0.2 many three\n127.0.0.3 other many\n",
    );
    // The first call after the edit asks the file; the next ones may be kept answers: all the same,
    // errno and h_errno included, whatever they were before the call.
    let first = host_entry("many", 1234);
    assert!(first.0.is_some(), "{first:?}");
    for marker in [1234, 5, 0] {
        let again = host_entry("many", marker);
        assert_eq!(again.0, first.0);
        let expect = |value: i32| if value == 1234 { marker } else { value };
        assert_eq!((again.1, again.2), (expect(first.1), expect(first.2)));
    }
    // What the caller scribbles over the static entry is written again by the next call.
    let name = CString::new("many").unwrap();
    // SAFETY: a C string; the entry and its name are the thread's, writable.
    unsafe {
        let entry = gethostbyname(name.as_ptr());
        *(*entry).h_name = b'X' as c_char;
        (*entry).h_length = 99;
    }
    assert_eq!(host_entry("many", 0).0, first.0);
    // Another name in between, and back.
    assert!(host_entry("other", 0).0.is_some());
    assert_eq!(host_entry("many", 0).0, first.0);
    // gethostbyaddr's kept answers: the same, and rewritten after a scribble.
    let by_address = |address: [u8; 4]| {
        // SAFETY: four readable bytes; a non-null entry's name is a C string.
        unsafe {
            let entry = gethostbyaddr(address.as_ptr().cast(), 4, libc::AF_INET);
            entry.as_ref().map(|e| {
                let name = CStr::from_ptr(e.h_name).to_string_lossy().into_owned();
                *e.h_name = b'Y' as c_char;
                name
            })
        }
    };
    for _ in 0..3 {
        assert_eq!(by_address([127, 0, 0, 2]).as_deref(), Some("many"));
        assert_eq!(by_address([127, 0, 0, 3]).as_deref(), Some("other"));
    }
    rewrite(&files.hosts, "127.0.0.2 renamed\n");
    assert_eq!(by_address([127, 0, 0, 2]).as_deref(), Some("renamed"));
    assert_eq!(by_address([127, 0, 0, 3]), None);
    // An edit is seen at once.
    rewrite(&files.hosts, "127.0.0.4 many\n");
    let edited = host_entry("many", 0).0.unwrap();
    assert_eq!(edited.2, vec![vec![127, 0, 0, 4]]);
    rewrite(&files.hosts, "127.0.0.1 localhost\n");
    assert_eq!(host_entry("many", 0).0, None);
}

/// getservbyname's whole answer (name, aliases, port, protocol) and the errno it left, from a call
/// made with errno set to `marker`; `None` for NULL.
#[allow(clippy::type_complexity)]
fn service_entry(
    name: &str,
    proto: Option<&str>,
    marker: i32,
) -> (Option<(String, Vec<String>, u16, String)>, i32) {
    let name = CString::new(name).unwrap();
    let proto = proto.map(|p| CString::new(p).unwrap());
    // SAFETY: glibc's thread-local errno.
    unsafe { *libc::__errno_location() = marker };
    // SAFETY: C strings (or NULL).
    let entry = unsafe {
        getservbyname(
            name.as_ptr(),
            proto.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
        )
    };
    // SAFETY: as above.
    let errno = unsafe { *libc::__errno_location() };
    // SAFETY: a non-null entry's strings and NULL-terminated alias list.
    let found = unsafe { entry.as_ref() }.map(|e| unsafe {
        let text = |p: *const c_char| CStr::from_ptr(p).to_string_lossy().into_owned();
        let aliases = (0..)
            .map(|i| *e.s_aliases.add(i))
            .take_while(|p| !p.is_null())
            .map(|p| text(p))
            .collect();
        (
            text(e.s_name),
            aliases,
            u16::from_be(e.s_port as u16),
            text(e.s_proto),
        )
    });
    (found, errno)
}

#[test]
fn kept_getservbyname_answers_are_the_lookups_own() {
    let files = files();
    rewrite(
        &files.services,
        "many 80/tcp one two\nmany 81/udp three\nother 82/tcp\n",
    );
    let expected = |port: u16, proto: &str, aliases: &[&str]| {
        let aliases = aliases.iter().map(|a| a.to_string()).collect();
        Some(("many".to_string(), aliases, port, proto.to_string()))
    };
    // The first call after the edit asks the file; the next ones may be kept answers: all the same,
    // errno included, whatever it was before the call.
    let first = service_entry("many", Some("tcp"), 1234);
    assert_eq!(first.0, expected(80, "tcp", &["one", "two"]));
    for marker in [1234, 5, 0] {
        let again = service_entry("many", Some("tcp"), marker);
        assert_eq!(again.0, first.0);
        assert_eq!(again.1, if first.1 == 1234 { marker } else { first.1 });
    }
    // What the caller scribbles over the static entry is written again by the next call.
    // SAFETY: C strings; the entry, its name and its first alias are the thread's, writable.
    unsafe {
        let entry = getservbyname(c"many".as_ptr(), c"tcp".as_ptr());
        *(*entry).s_name = b'X' as c_char;
        **(*entry).s_aliases = b'Z' as c_char;
        (*entry).s_port = 99;
    }
    assert_eq!(service_entry("many", Some("tcp"), 0).0, first.0);
    // Another protocol, any protocol, an alias, another name: each its own answer.
    for _ in 0..2 {
        assert_eq!(
            service_entry("many", Some("udp"), 0).0,
            expected(81, "udp", &["three"])
        );
        assert_eq!(service_entry("many", None, 0).0, first.0);
        assert_eq!(
            service_entry("three", Some("udp"), 0).0,
            expected(81, "udp", &["three"])
        );
        assert_eq!(service_entry("three", Some("tcp"), 0).0, None);
        assert_eq!(service_entry("many", Some("tcp"), 0).0, first.0);
    }
    // Edits are seen at once: in place, renamed over, deleted.
    rewrite(&files.services, "many 90/tcp\n");
    assert_eq!(
        service_entry("many", Some("tcp"), 0).0,
        expected(90, "tcp", &[])
    );
    replace(&files.services, "many 91/tcp\n");
    assert_eq!(
        service_entry("many", Some("tcp"), 0).0,
        expected(91, "tcp", &[])
    );
    std::fs::remove_file(&files.services).unwrap();
    assert_eq!(service_entry("many", Some("tcp"), 0).0, None);
    rewrite(&files.services, "http 80/tcp\n");
    assert_eq!(service_entry("many", Some("tcp"), 0).0, None);
    // Another file named by the variable: seen by the next call.
    let other = files.dir.join("other-services");
    std::fs::write(&other, "many 92/tcp\n").unwrap();
    std::env::set_var("NETLIBC_SERVICES", &other);
    assert_eq!(
        service_entry("many", Some("tcp"), 0).0,
        expected(92, "tcp", &[])
    );
    std::env::set_var("NETLIBC_SERVICES", &files.services);
    assert_eq!(service_entry("many", Some("tcp"), 0).0, None);
}

/// A protoent's or servent's name and aliases, with the errno the call left (errno set to `marker`
/// before it); `None` for NULL. `call` makes the lookup.
fn named_entry<E>(
    marker: i32,
    call: impl FnOnce() -> *mut E,
    parts: impl FnOnce(&E) -> (*const c_char, *const *mut c_char, i32),
) -> (Option<(String, Vec<String>, i32)>, i32) {
    // SAFETY: glibc's thread-local errno.
    unsafe { *libc::__errno_location() = marker };
    let entry = call();
    // SAFETY: as above.
    let errno = unsafe { *libc::__errno_location() };
    // SAFETY: a non-null entry's name and NULL-terminated alias list.
    let found = unsafe { entry.as_ref() }.map(|e| unsafe {
        let (name, aliases, number) = parts(e);
        let text = |p: *const c_char| CStr::from_ptr(p).to_string_lossy().into_owned();
        let aliases = (0..)
            .map(|i| *aliases.add(i))
            .take_while(|p| !p.is_null())
            .map(|p| text(p))
            .collect();
        (text(name), aliases, number)
    });
    (found, errno)
}

fn protocol_by_name(name: &str, marker: i32) -> (Option<(String, Vec<String>, i32)>, i32) {
    let name = CString::new(name).unwrap();
    named_entry(
        marker,
        // SAFETY: a C string.
        || unsafe { getprotobyname(name.as_ptr()) },
        |e| (e.p_name, e.p_aliases, e.p_proto),
    )
}

fn protocol_by_number(number: i32, marker: i32) -> (Option<(String, Vec<String>, i32)>, i32) {
    named_entry(
        marker,
        || getprotobynumber(number),
        |e| (e.p_name, e.p_aliases, e.p_proto),
    )
}

fn service_by_port(
    port: u16,
    proto: &str,
    marker: i32,
) -> (Option<(String, Vec<String>, i32)>, i32) {
    let proto = CString::new(proto).unwrap();
    named_entry(
        marker,
        // SAFETY: a C string.
        || unsafe { getservbyport(i32::from(port.to_be()), proto.as_ptr()) },
        |e| {
            (
                e.s_name,
                e.s_aliases,
                i32::from(u16::from_be(e.s_port as u16)),
            )
        },
    )
}

#[test]
fn kept_protocol_and_port_answers_are_the_lookups_own() {
    let files = files();
    rewrite(&files.protocols, "tcp 6 TCP\nudp 17 UDP\n");
    rewrite(&files.services, "www 80/tcp http\ndns 53/udp\n");
    let tcp = Some(("tcp".to_string(), vec!["TCP".to_string()], 6));
    let www = Some(("www".to_string(), vec!["http".to_string()], 80));
    for marker in [1234, 5, 0] {
        assert_eq!(protocol_by_name("tcp", marker), (tcp.clone(), 0));
        assert_eq!(protocol_by_number(6, marker), (tcp.clone(), 0));
        assert_eq!(service_by_port(80, "tcp", marker), (www.clone(), 0));
    }
    // Scribbles over the static entries are written again by the next call.
    // SAFETY: C strings; the entries and their names are the thread's, writable.
    unsafe {
        let entry = getprotobyname(c"tcp".as_ptr());
        *(*entry).p_name = b'X' as c_char;
        (*entry).p_proto = 99;
        let entry = getprotobynumber(6);
        **(*entry).p_aliases = b'Y' as c_char;
        let entry = getservbyport(i32::from(80u16.to_be()), c"tcp".as_ptr());
        *(*entry).s_name = b'Z' as c_char;
    }
    assert_eq!(protocol_by_name("tcp", 0).0, tcp);
    assert_eq!(protocol_by_number(6, 0).0, tcp);
    assert_eq!(service_by_port(80, "tcp", 0).0, www);
    // Other questions in between: their own answers.
    assert_eq!(protocol_by_name("UDP", 0).0.map(|e| e.2), Some(17));
    assert_eq!(protocol_by_number(17, 0).0.map(|e| e.0), Some("udp".into()));
    assert_eq!(service_by_port(80, "udp", 0).0, None);
    assert_eq!(
        service_by_port(53, "udp", 0).0.map(|e| e.0),
        Some("dns".into())
    );
    assert_eq!(protocol_by_name("tcp", 0).0, tcp);
    // Edits are seen at once.
    rewrite(&files.protocols, "tcp 7\n");
    rewrite(&files.services, "web 80/tcp\n");
    assert_eq!(
        protocol_by_name("tcp", 0).0,
        Some(("tcp".into(), vec![], 7))
    );
    assert_eq!(protocol_by_number(6, 0).0, None);
    assert_eq!(
        service_by_port(80, "tcp", 0).0.map(|e| e.0),
        Some("web".into())
    );
    replace(&files.protocols, "tcp 6 TCP\n");
    assert_eq!(protocol_by_number(6, 0).0, tcp);
    rewrite(&files.services, "http 80/tcp\n");
}
