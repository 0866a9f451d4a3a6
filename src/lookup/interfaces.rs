//! Interface names, indexes and configured address families, read from /sys and /proc, for
//! getaddrinfo and getnameinfo until the netlink implementation of the interfaces module lands.

use std::net::Ipv4Addr;

/// The index of interface `name` (/sys/class/net/NAME/ifindex).
pub fn index_of(name: &[u8]) -> Option<u32> {
    let name = std::str::from_utf8(name).ok()?;
    if name.is_empty() || name.len() >= 16 || name.contains('/') || name == "." || name == ".." {
        return None;
    }
    std::fs::read_to_string(format!("/sys/class/net/{name}/ifindex"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The name of the interface with index `index`.
pub fn name_of(index: u32) -> Option<Vec<u8>> {
    let entries = std::fs::read_dir("/sys/class/net").ok()?;
    entries
        .flatten()
        .map(|entry| entry.file_name())
        .find_map(|name| {
            let bytes = name.as_encoded_bytes();
            (index_of(bytes) == Some(index)).then(|| bytes.to_vec())
        })
}

/// glibc's `__check_pf`: whether an IPv4 address other than 127.0.0.1, and an IPv6 address other
/// than ::1, are configured.
pub fn configured_families() -> (bool, bool) {
    let v6 = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
    let seen_v6 = v6.lines().any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|a| a != "00000000000000000000000000000001")
    });
    (
        local_ipv4_addresses()
            .iter()
            .any(|a| *a != Ipv4Addr::LOCALHOST),
        seen_v6,
    )
}

/// The IPv4 addresses of this host: the "/32 host LOCAL" leaves of /proc/net/fib_trie.
fn local_ipv4_addresses() -> Vec<Ipv4Addr> {
    let trie = std::fs::read_to_string("/proc/net/fib_trie").unwrap_or_default();
    let lines: Vec<&str> = trie.lines().collect();
    let pairs = lines
        .windows(2)
        .filter(|pair| pair[1].trim() == "/32 host LOCAL");
    pairs
        .filter_map(|pair| pair[0].trim().trim_start_matches("|-- ").parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_has_an_index_and_back() {
        let index = index_of(b"lo").expect("lo exists");
        assert_eq!(name_of(index), Some(b"lo".to_vec()));
        assert_eq!(index_of(b"../lo"), None);
        assert_eq!(index_of(b"nosuch0"), None);
    }

    #[test]
    fn loopback_address_is_seen_but_not_counted() {
        assert!(local_ipv4_addresses().contains(&Ipv4Addr::LOCALHOST));
    }
}
