//! The services database (`crate::db::services`) as getaddrinfo and getnameinfo ask it: by name and
//! protocol, by port and protocol.

use crate::db::services::ServicesFile;

/// The port (host order) of `name` for `protocol`.
pub fn port_of(file: Option<&ServicesFile>, name: &[u8], protocol: &str) -> Option<u16> {
    let file = file?;
    let index = file.by_name(name, Some(protocol.as_bytes()))?;
    file.table
        .entries
        .get(index)
        .map(|service| u16::from_be(service.port as u16))
}

/// The official name of the service on `port` (host order) for `protocol`.
pub fn name_of(file: Option<&ServicesFile>, port: u16, protocol: &str) -> Option<Vec<u8>> {
    let file = file?;
    let index = file.by_port(i32::from(port.to_be()), Some(protocol.as_bytes()))?;
    file.table
        .entries
        .get(index)
        .map(|service| service.name().to_vec())
}
