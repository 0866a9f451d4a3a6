//! The services file, for getaddrinfo and getnameinfo until `crate::db` provides the cached
//! database: name+protocol → port and port+protocol → name, case-sensitive, first line wins.

/// `NETLIBC_SERVICES`, else /etc/services.
fn services_path() -> std::path::PathBuf {
    std::env::var_os("NETLIBC_SERVICES").map_or_else(|| "/etc/services".into(), Into::into)
}

/// One line: name, port, protocol and aliases.
struct ServiceLine<'a> {
    names: Vec<&'a [u8]>,
    port: u16,
    protocol: &'a [u8],
}

fn parse_line(line: &[u8]) -> Option<ServiceLine<'_>> {
    let line = line.split(|&c| c == b'#').next()?;
    let mut fields = line
        .split(|c| c.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    let name = fields.next()?;
    let port_protocol = fields.next()?;
    let slash = port_protocol.iter().position(|&c| c == b'/')?;
    let port = std::str::from_utf8(&port_protocol[..slash])
        .ok()?
        .parse()
        .ok()?;
    let names = std::iter::once(name).chain(fields).collect();
    Some(ServiceLine {
        names,
        port,
        protocol: &port_protocol[slash + 1..],
    })
}

fn find<T>(pick: impl Fn(&ServiceLine<'_>) -> Option<T>) -> Option<T> {
    let text = std::fs::read(services_path()).ok()?;
    text.split(|&c| c == b'\n')
        .filter_map(parse_line)
        .find_map(|line| pick(&line))
}

/// The port (host order) of `name` for `protocol`.
pub fn port_of(name: &[u8], protocol: &str) -> Option<u16> {
    find(|line| {
        (line.protocol == protocol.as_bytes() && line.names.contains(&name)).then_some(line.port)
    })
}

/// The official name of the service on `port` for `protocol`.
pub fn name_of(port: u16, protocol: &str) -> Option<Vec<u8>> {
    find(|line| {
        (line.protocol == protocol.as_bytes() && line.port == port).then(|| line.names[0].to_vec())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_aliases() {
        let line = parse_line(b"www\t80/tcp http  # WorldWideWeb").unwrap();
        assert_eq!(line.names, vec![b"www".as_slice(), b"http"]);
        assert_eq!((line.port, line.protocol), (80, b"tcp".as_slice()));
        assert!(parse_line(b"bad 80").is_none());
        assert!(parse_line(b"bad 99999/tcp").is_none());
        assert!(parse_line(b"# comment").is_none());
    }
}
