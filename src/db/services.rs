//! The services database (`/etc/services`, or `NETLIBC_SERVICES`): `name port/protocol aliases…`.
//!
//! Parsed as glibc's `files-service.c` parses it: the port is read with `strtoul(…, 0)` (so `0x50`
//! and `010` are numbers, a value above 32 bits or a negative one skips the line, and the value is
//! cut to 16 bits), one or more `/` follow
//! it, and the protocol may be empty. Names are case-sensitive.

use std::sync::Arc;

use super::cache::{FileCache, Var};
use super::hash::Map;
use super::record::{ReadNeeds, Record, Table};
use super::text::{raw_lines, Line};

/// One `/etc/services` entry.
#[derive(Clone, Debug)]
pub struct Service {
    pub record: Record,
    pub name: u32,
    pub protocol: u32,
    /// The port in network byte order, as `s_port` holds it.
    pub port: i32,
}

impl AsRef<Record> for Service {
    fn as_ref(&self) -> &Record {
        &self.record
    }
}

impl Service {
    pub fn name(&self) -> &[u8] {
        self.record.str_at(self.name)
    }

    pub fn protocol(&self) -> &[u8] {
        self.record.str_at(self.protocol)
    }

    fn parse(mut line: Line, read_need: usize) -> Option<Service> {
        let name = line.string_field();
        let (value, end) = line.strtoul(0);
        // glibc 2.36 rejects a value above 32 bits (so also any negative one but -0).
        if end == line.pos || value > 0xffff_ffff || line.bytes.get(end) != Some(&b'/') {
            return None;
        }
        line.pos = end;
        while line.current() == b'/' {
            line.pos += 1;
        }
        let protocol = line.string_field();
        let port = i32::from((value as u16).to_be());
        Some(Service {
            record: Record::from_line(line, read_need),
            name,
            protocol,
            port,
        })
    }
}

/// The parsed file with its indexes.
#[derive(Default)]
pub struct ServicesFile {
    pub table: Table<Service>,
    by_name: Map<Box<[u8]>, Vec<u32>>,
    by_port: Map<i32, Vec<u32>>,
}

fn add_key<K: std::hash::Hash + Eq>(map: &mut Map<K, Vec<u32>>, key: K, index: u32) {
    let list = map.entry(key).or_default();
    if list.last() != Some(&index) {
        list.push(index);
    }
}

impl ServicesFile {
    /// Parses a whole file.
    pub fn parse(content: &[u8]) -> ServicesFile {
        let mut file = ServicesFile::default();
        let mut needs = ReadNeeds::default();
        for raw in raw_lines(content) {
            needs.note(raw.len());
            let Some(service) = Line::read(raw).and_then(|line| Service::parse(line, needs.peek()))
            else {
                continue;
            };
            needs.take();
            let index = file.table.entries.len() as u32;
            add_key(&mut file.by_name, service.name().into(), index);
            for alias in service.record.alias_names() {
                add_key(&mut file.by_name, alias.into(), index);
            }
            add_key(&mut file.by_port, service.port, index);
            file.table.push(service);
        }
        file.table.finish(needs.take());
        file
    }

    /// The first entry named `name` (or with alias `name`) for `protocol` (any when `None`).
    pub fn by_name(&self, name: &[u8], protocol: Option<&[u8]>) -> Option<usize> {
        let candidates = self.by_name.get(name)?;
        self.first_with_protocol(candidates, protocol)
    }

    /// The first entry for `port` (network byte order) and `protocol` (any when `None`).
    pub fn by_port(&self, port: i32, protocol: Option<&[u8]>) -> Option<usize> {
        self.first_with_protocol(self.by_port.get(&port)?, protocol)
    }

    fn first_with_protocol(&self, candidates: &[u32], protocol: Option<&[u8]>) -> Option<usize> {
        candidates
            .iter()
            .map(|&index| index as usize)
            .find(|&index| {
                protocol.is_none_or(|wanted| {
                    self.table
                        .entries
                        .get(index)
                        .is_some_and(|s| s.protocol() == wanted)
                })
            })
    }
}

static SERVICES: FileCache<ServicesFile> =
    FileCache::new(Var::Services, "/etc/services", ServicesFile::parse);

/// The current services file (`None` when it cannot be read).
pub fn services_file() -> Option<Arc<ServicesFile>> {
    SERVICES.get()
}

/// Calls `f` with the current services file (`None` when it cannot be read), under the cache's lock
/// when nothing changed (see [`FileCache::with_value`]): `f` must not take another lock nor do I/O.
pub fn with_services_file<R>(f: impl FnOnce(Option<&ServicesFile>) -> R) -> R {
    SERVICES.with_value(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"# comment\n\
        tcpmux\t1/tcp\n\
        echo 7/tcp\n\
        echo 7/udp\n\
        discard 9/tcp sink null # comment\n\
        hex 0x50//udp\n\
        octal 010/tcp\n\
        big 65617/tcp\n\
        neg -1/tcp\n\
        noproto 5/\n\
        noslash 5 tcp\n\
        noport\n\
        \x80bin\xff 11/tcp \xfe\n\
        last 99/tcp";

    fn names(file: &ServicesFile) -> Vec<(Vec<u8>, i32, Vec<u8>)> {
        let entries = &file.table.entries;
        entries
            .iter()
            .map(|s| {
                (
                    s.name().to_vec(),
                    i32::from(u16::from_be(s.port as u16)),
                    s.protocol().to_vec(),
                )
            })
            .collect()
    }

    #[test]
    fn parses_like_glibc() {
        let file = ServicesFile::parse(FILE);
        let expected: Vec<(&[u8], i32, &[u8])> = vec![
            (b"tcpmux", 1, b"tcp"),
            (b"echo", 7, b"tcp"),
            (b"echo", 7, b"udp"),
            (b"discard", 9, b"tcp"),
            (b"hex", 80, b"udp"),
            (b"octal", 8, b"tcp"),
            (b"big", 81, b"tcp"),
            (b"noproto", 5, b""),
            (b"\x80bin\xff", 11, b"tcp"),
            (b"last", 99, b"tcp"),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(n, p, t)| (n.to_vec(), p, t.to_vec()))
            .collect();
        assert_eq!(names(&file), expected);
        let discard = &file.table.entries[3];
        assert_eq!(
            discard.record.alias_names().collect::<Vec<_>>(),
            vec![&b"sink"[..], b"null"]
        );
    }

    #[test]
    fn lookups_follow_file_order_and_case() {
        let file = ServicesFile::parse(FILE);
        assert_eq!(file.by_name(b"echo", None), Some(1));
        assert_eq!(file.by_name(b"echo", Some(b"udp")), Some(2));
        assert_eq!(file.by_name(b"ECHO", None), None);
        assert_eq!(file.by_name(b"null", Some(b"tcp")), Some(3));
        assert_eq!(file.by_name(b"null", Some(b"udp")), None);
        assert_eq!(file.by_port(i32::from(7u16.to_be()), Some(b"udp")), Some(2));
        assert_eq!(file.by_port(7, None), None);
        assert_eq!(file.by_name(b"\x80bin\xff", None), Some(8));
    }
}
