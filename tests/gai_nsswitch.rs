//! The `hosts:` chain getaddrinfo follows is read from nsswitch.conf (`NETLIBC_NSSWITCH_CONF`) and an
//! edit is seen by the next lookup, as in glibc, although the parsed chain is cached between edits.

use netlibc::lookup::sources::{HostSource, NameSources};
use netlibc::lookup::system::SystemSources;

fn chain() -> Vec<HostSource> {
    SystemSources::new(false)
        .host_sources()
        .iter()
        .map(|entry| entry.source)
        .collect()
}

#[test]
fn an_edit_of_nsswitch_conf_is_seen_by_the_next_lookup() {
    let dir = std::env::temp_dir().join(format!("netlibc-gai-nss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("nsswitch.conf");
    std::fs::write(&path, "hosts: files\n").unwrap();
    std::env::set_var("NETLIBC_NSSWITCH_CONF", &path);
    assert_eq!(chain(), vec![HostSource::Files]);
    assert_eq!(chain(), vec![HostSource::Files]);
    // A different size, so the change shows even within one timestamp tick.
    std::fs::write(&path, "hosts: dns files\n").unwrap();
    assert_eq!(chain(), vec![HostSource::Dns, HostSource::Files]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        chain(),
        vec![HostSource::Files, HostSource::Dns],
        "a missing file gives glibc's default"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
