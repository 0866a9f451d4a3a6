//! The networks database (`/etc/networks`, or `NETLIBC_NETWORKS`): `name number aliases…`.
//!
//! Parsed as glibc's `files-network.c`: the number is padded with `.0` parts to four parts and read
//! with `inet_network` (so `10` is 10.0.0.0, and a bad number gives 0xffffffff rather than skipping
//! the line). Names are matched case-insensitively; every entry is `AF_INET`.

use std::sync::Arc;

use super::addr::inet_network;
use super::cache::{FileCache, Var};
use super::hash::Map;
use super::record::{ReadNeeds, Record, Table};
use super::text::{lower, raw_lines, Line};

/// One `/etc/networks` entry.
#[derive(Clone, Debug)]
pub struct Network {
    pub record: Record,
    pub name: u32,
    /// The network number in host byte order, as `n_net` holds it.
    pub number: u32,
}

impl AsRef<Record> for Network {
    fn as_ref(&self) -> &Record {
        &self.record
    }
}

impl Network {
    pub fn name(&self) -> &[u8] {
        self.record.str_at(self.name)
    }

    fn parse(mut line: Line, read_need: usize) -> Option<Network> {
        let name = line.string_field();
        let address = line.string_field();
        let mut text = line.str_at(address).to_vec();
        let dots = text.iter().filter(|&&b| b == b'.').count().min(3);
        for _ in dots..3 {
            text.extend_from_slice(b".0");
        }
        let number = inet_network(&text);
        Some(Network {
            record: Record::from_line(line, read_need),
            name,
            number,
        })
    }
}

/// The parsed file with its indexes.
#[derive(Default)]
pub struct NetworksFile {
    pub table: Table<Network>,
    by_name: Map<Box<[u8]>, u32>,
    by_number: Map<u32, u32>,
}

impl NetworksFile {
    /// Parses a whole file.
    pub fn parse(content: &[u8]) -> NetworksFile {
        let mut file = NetworksFile::default();
        let mut needs = ReadNeeds::default();
        for raw in raw_lines(content) {
            needs.note(raw.len());
            let Some(network) = Line::read(raw).and_then(|line| Network::parse(line, needs.peek()))
            else {
                continue;
            };
            needs.take();
            let index = file.table.entries.len() as u32;
            file.by_name.entry(lower(network.name())).or_insert(index);
            for alias in network.record.alias_names() {
                file.by_name.entry(lower(alias)).or_insert(index);
            }
            file.by_number.entry(network.number).or_insert(index);
            file.table.push(network);
        }
        file.table.finish(needs.take());
        file
    }

    /// The first entry named or aliased `name`, ignoring ASCII case.
    pub fn by_name(&self, name: &[u8]) -> Option<usize> {
        self.by_name.get(&lower(name)).map(|&index| index as usize)
    }

    /// The first entry with network number `number` (every entry is `AF_INET`).
    pub fn by_number(&self, number: u32) -> Option<usize> {
        self.by_number.get(&number).map(|&index| index as usize)
    }
}

static NETWORKS: FileCache<NetworksFile> =
    FileCache::new(Var::Networks, "/etc/networks", NetworksFile::parse);

/// The current networks file (`None` when it cannot be read).
pub fn networks_file() -> Option<Arc<NetworksFile>> {
    NETWORKS.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up_like_glibc() {
        let file = NetworksFile::parse(
            b"default 0.0.0.0\nloopback\t127 lo LOOP\nbad x.y\nempty\nten 10.1\n",
        );
        let got: Vec<_> = file
            .table
            .entries
            .iter()
            .map(|n| (n.name().to_vec(), n.number))
            .collect();
        assert_eq!(
            got,
            vec![
                (b"default".to_vec(), 0),
                (b"loopback".to_vec(), 0x7f00_0000),
                (b"bad".to_vec(), 0xffff_ffff),
                (b"empty".to_vec(), 0xffff_ffff),
                (b"ten".to_vec(), 0x0a01_0000)
            ]
        );
        assert_eq!(file.by_name(b"LOOP"), Some(1));
        assert_eq!(file.by_name(b"Loopback"), Some(1));
        assert_eq!(file.by_number(0x7f00_0000), Some(1));
        assert_eq!(file.by_number(0xffff_ffff), Some(2));
    }
}
