//! The protocols database (`/etc/protocols`, or `NETLIBC_PROTOCOLS`): `name number aliases…`.
//!
//! Parsed as glibc's `files-proto.c`: the number is read with `strtoul(…, 10)`, a line whose value
//! exceeds 32 bits (so a negative one) is skipped, and it is stored in an `int`; it must be followed by a blank or the end of the line. Names
//! and aliases are matched case-sensitively (`TCP` works because it is listed as an alias).

use std::sync::Arc;

use super::cache::{FileCache, Var};
use super::hash::Map;
use super::record::{ReadNeeds, Record, Table};
use super::text::{is_space, raw_lines, Line};

/// One `/etc/protocols` entry.
#[derive(Clone, Debug)]
pub struct Protocol {
    pub record: Record,
    pub name: u32,
    pub number: i32,
}

impl AsRef<Record> for Protocol {
    fn as_ref(&self) -> &Record {
        &self.record
    }
}

/// glibc's `INT_FIELD(var, isspace, 1, base, )`: a number followed by blanks or the end; `None` when
/// the line is not valid.
pub fn int_field(line: &mut Line, base: u32) -> Option<u32> {
    let (value, end) = line.strtoul(base);
    // glibc 2.36 rejects a value above 32 bits (so also any negative one but -0).
    if end == line.pos || value > 0xffff_ffff {
        return None;
    }
    let value = value as u32;
    line.pos = end;
    if is_space(line.current()) {
        while is_space(line.current()) {
            line.pos += 1;
        }
    } else if line.current() != 0 {
        return None;
    }
    Some(value)
}

impl Protocol {
    pub fn name(&self) -> &[u8] {
        self.record.str_at(self.name)
    }

    fn parse(mut line: Line, read_need: usize) -> Option<Protocol> {
        let name = line.string_field();
        let number = int_field(&mut line, 10)? as i32;
        Some(Protocol {
            record: Record::from_line(line, read_need),
            name,
            number,
        })
    }
}

/// The parsed file with its indexes.
#[derive(Default)]
pub struct ProtocolsFile {
    pub table: Table<Protocol>,
    by_name: Map<Box<[u8]>, u32>,
    by_number: Map<i32, u32>,
}

impl ProtocolsFile {
    /// Parses a whole file.
    pub fn parse(content: &[u8]) -> ProtocolsFile {
        let mut file = ProtocolsFile::default();
        let mut needs = ReadNeeds::default();
        for raw in raw_lines(content) {
            needs.note(raw.len());
            let Some(protocol) =
                Line::read(raw).and_then(|line| Protocol::parse(line, needs.peek()))
            else {
                continue;
            };
            needs.take();
            let index = file.table.entries.len() as u32;
            file.by_name.entry(protocol.name().into()).or_insert(index);
            for alias in protocol.record.alias_names() {
                file.by_name.entry(alias.into()).or_insert(index);
            }
            file.by_number.entry(protocol.number).or_insert(index);
            file.table.push(protocol);
        }
        file.table.finish(needs.take());
        file
    }

    /// The first entry named or aliased `name`.
    pub fn by_name(&self, name: &[u8]) -> Option<usize> {
        self.by_name.get(name).map(|&index| index as usize)
    }

    /// The first entry with protocol `number`.
    pub fn by_number(&self, number: i32) -> Option<usize> {
        self.by_number.get(&number).map(|&index| index as usize)
    }
}

static PROTOCOLS: FileCache<ProtocolsFile> =
    FileCache::new(Var::Protocols, "/etc/protocols", ProtocolsFile::parse);

/// The current protocols file (`None` when it cannot be read).
pub fn protocols_file() -> Option<Arc<ProtocolsFile>> {
    PROTOCOLS.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up_like_glibc() {
        let content = b"ip 0 IP\ntcp\t6\tTCP # c\nbad 7x\nneg -1 NEG\nbig 99999999999 B\nmax 4294967295\nzero -0\ntcp 60 dup\n";
        let file = ProtocolsFile::parse(content);
        let got: Vec<_> = file
            .table
            .entries
            .iter()
            .map(|p| (p.name().to_vec(), p.number))
            .collect();
        let expected: Vec<(&[u8], i32)> = vec![
            (b"ip", 0),
            (b"tcp", 6),
            (b"max", -1),
            (b"zero", 0),
            (b"tcp", 60),
        ];
        assert_eq!(
            got,
            expected
                .into_iter()
                .map(|(n, v)| (n.to_vec(), v))
                .collect::<Vec<_>>()
        );
        assert_eq!(file.by_name(b"TCP"), Some(1));
        assert_eq!(file.by_name(b"tcp"), Some(1));
        assert_eq!(file.by_name(b"Tcp"), None);
        assert_eq!(file.by_name(b"NEG"), None);
        assert_eq!(file.by_number(-1), Some(2));
        assert_eq!(file.by_number(60), Some(4));
        assert_eq!(file.by_name(b"dup"), Some(4));
    }
}
