//! The hosts database (`/etc/hosts`, or `NETLIBC_HOSTS`): `address name aliases…`.
//!
//! Parsed as glibc's `files-hosts.c`: the address is read with `inet_pton`, IPv4 first. What a line
//! means depends on the lookup ([`View`]): an IPv4 lookup turns a `::1` line into 127.0.0.1 and a
//! `::ffff:a.b.c.d` line into a.b.c.d and skips other IPv6 lines; an IPv6 lookup skips IPv4 lines
//! unless it maps them (`gethostbyaddr` of a 16-byte address). Names are matched case-insensitively.
//! With `multi on` (host.conf) a name lookup gathers every matching line.

use std::sync::Arc;

use super::addr::{parse_ipv4_aton_exact, parse_ipv4_strict, parse_ipv6};
use super::cache::{FileCache, Var};
use super::hash::{same_name, Map};
use super::record::{scan_fits, Fit, ReadNeeds, Record};
use super::text::{raw_lines, Line};

pub const AF_INET: i32 = 2;
pub const AF_INET6: i32 = 10;
pub const AF_UNSPEC: i32 = 0;

/// Bytes glibc keeps before the line in a hosts buffer (`struct hostent_data`: the address and a
/// two-pointer address list).
pub const HOSTENT_DATA: usize = 32;

/// The address a line holds, as `inet_pton` read it (IPv4 tried first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineAddress {
    V4([u8; 4]),
    V6([u8; 16]),
}

/// How a lookup reads lines: glibc's parser is called with a family and flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// `AF_INET`: IPv4 lines, and IPv6 lines for ::1 and ::ffff:a.b.c.d as IPv4.
    Inet,
    /// `AF_INET6`: IPv6 lines only.
    Inet6,
    /// `AF_INET6` with `AI_V4MAPPED`: IPv6 lines, and IPv4 lines as ::ffff:a.b.c.d.
    Inet6Mapped,
    /// `AF_UNSPEC`: every line in its own family.
    Unspec,
    /// Any other family: no line.
    Other,
}

impl View {
    /// The view of a lookup by family (`flags_v4mapped` for `gethostbyaddr` of 16 bytes).
    pub fn of(family: i32, v4mapped: bool) -> View {
        match family {
            AF_INET => View::Inet,
            AF_INET6 if v4mapped => View::Inet6Mapped,
            AF_INET6 => View::Inet6,
            AF_UNSPEC => View::Unspec,
            _ => View::Other,
        }
    }
}

/// An address as a lookup returns it: family and bytes (4 or 16).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Address {
    pub fn family(&self) -> i32 {
        match self {
            Address::V4(_) => AF_INET,
            Address::V6(_) => AF_INET6,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            Address::V4(bytes) => bytes,
            Address::V6(bytes) => bytes,
        }
    }
}

fn mapped(v4: [u8; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[10] = 0xff;
    out[11] = 0xff;
    out[12..].copy_from_slice(&v4);
    out
}

const LOOPBACK6: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

impl LineAddress {
    /// What the line's address is in `view`, or `None` when glibc skips the line.
    pub fn in_view(self, view: View) -> Option<Address> {
        match (self, view) {
            (LineAddress::V4(v4), View::Inet | View::Unspec) => Some(Address::V4(v4)),
            (LineAddress::V4(v4), View::Inet6Mapped) => Some(Address::V6(mapped(v4))),
            (LineAddress::V6(v6), View::Inet) if v6[..12] == mapped([0; 4])[..12] => {
                Some(Address::V4([v6[12], v6[13], v6[14], v6[15]]))
            }
            (LineAddress::V6(v6), View::Inet) if v6 == LOOPBACK6 => {
                Some(Address::V4([127, 0, 0, 1]))
            }
            (LineAddress::V6(v6), View::Inet6 | View::Inet6Mapped | View::Unspec) => {
                Some(Address::V6(v6))
            }
            _ => None,
        }
    }
}

/// One `/etc/hosts` line with a valid address.
#[derive(Clone, Debug)]
pub struct Host {
    pub record: Record,
    pub address: LineAddress,
    pub name: u32,
    /// The official name's length (what `name()` would otherwise find by looking for its NUL).
    name_len: u32,
}

impl AsRef<Record> for Host {
    fn as_ref(&self) -> &Record {
        &self.record
    }
}

impl Host {
    pub fn name(&self) -> &[u8] {
        let start = self.name as usize;
        self.record
            .image
            .get(start..start + self.name_len as usize)
            .unwrap_or_default()
    }

    fn parse(mut line: Line, read_need: usize) -> Option<Host> {
        let address = line.string_field();
        let text = line.str_at(address);
        let address = match parse_ipv4_strict(text) {
            Some(v4) => LineAddress::V4(v4),
            None => LineAddress::V6(parse_ipv6(text)?),
        };
        let name = line.string_field();
        let record = Record::from_line(line, read_need);
        let name_len = record.str_at(name).len() as u32;
        Some(Host {
            record,
            address,
            name,
            name_len,
        })
    }

    /// Whether `name` is the line's name or one of its aliases (ASCII case ignored).
    pub fn has_name(&self, name: &[u8]) -> bool {
        same_name(self.name(), name)
            || self
                .record
                .alias_names()
                .any(|alias| same_name(alias, name))
    }
}

/// Line indexes by key in file order, without an allocation per key (a hosts file of 200,000
/// ad-blocking lines has 200,000 names): the first line of a key in one map, the rare others in a
/// second one.
struct MultiIndex<K> {
    first: Map<K, u32>,
    more: Map<K, Vec<u32>>,
}

impl<K> Default for MultiIndex<K> {
    fn default() -> Self {
        MultiIndex {
            first: Map::default(),
            more: Map::default(),
        }
    }
}

/// Set in a `first` value when the key has more lines (in `more`): most keys have one line, and
/// their lookups then ask one map.
const HAS_MORE: u32 = 1 << 31;

impl<K: std::hash::Hash + Eq + Copy> MultiIndex<K> {
    fn insert(&mut self, key: K, index: u32) {
        match self.first.get_mut(&key) {
            None => {
                self.first.insert(key, index);
            }
            Some(first) if *first & !HAS_MORE == index => {}
            Some(first) => {
                *first |= HAS_MORE;
                let more = self.more.entry(key).or_default();
                if more.last() != Some(&index) {
                    more.push(index);
                }
            }
        }
    }

    /// The lines of `key`, in file order.
    fn get(&self, key: &K) -> impl Iterator<Item = usize> + '_ {
        let first = self.first.get(key).copied();
        let more = match first {
            Some(first) if first & HAS_MORE != 0 => {
                self.more.get(key).map_or(&[][..], |list| &list[..])
            }
            _ => &[],
        };
        first
            .map(|first| first & !HAS_MORE)
            .into_iter()
            .chain(more.iter().copied())
            .map(|index| index as usize)
    }
}

/// A hash of the ASCII lower case of `name`: names are indexed by this hash (no copy of each name),
/// so a lookup checks that a candidate line really has the name.
fn name_hash(name: &[u8]) -> u64 {
    super::hash::folded_case_hash(name)
}

/// The parsed file with its indexes.
#[derive(Default)]
pub struct HostsFile {
    pub hosts: Vec<Host>,
    /// The `fgets` need of the lines after the last host.
    pub tail_need: usize,
    worst_need: usize,
    by_name: MultiIndex<u64>,
    by_v4: MultiIndex<[u8; 4]>,
    by_v6: MultiIndex<[u8; 16]>,
}

impl HostsFile {
    /// Parses a whole file.
    pub fn parse(content: &[u8]) -> HostsFile {
        let mut file = HostsFile::default();
        let mut needs = ReadNeeds::default();
        for raw in raw_lines(content) {
            needs.note(raw.len());
            let Some(host) = Line::read(raw).and_then(|line| Host::parse(line, needs.peek()))
            else {
                continue;
            };
            needs.take();
            let index = file.hosts.len() as u32;
            file.by_name.insert(name_hash(host.name()), index);
            for alias in host.record.alias_names() {
                file.by_name.insert(name_hash(alias), index);
            }
            if let Some(Address::V4(v4)) = host.address.in_view(View::Inet) {
                file.by_v4.insert(v4, index);
            }
            if let Some(Address::V6(v6)) = host.address.in_view(View::Inet6Mapped) {
                file.by_v6.insert(v6, index);
            }
            file.worst_need = file.worst_need.max(host.record.worst_need());
            file.hosts.push(host);
        }
        file.tail_need = needs.take();
        file.worst_need = file
            .worst_need
            .max(file.tail_need)
            .max(super::text::read_need(0));
        file
    }

    /// Every line matching `name` in `view`, in file order.
    pub fn by_name<'a>(&'a self, name: &'a [u8], view: View) -> impl Iterator<Item = usize> + 'a {
        self.by_name
            .get(&name_hash(name))
            .filter(move |&index| self.valid(index, view) && self.hosts[index].has_name(name))
    }

    /// The first line whose address in `view` is `address`.
    pub fn by_address(&self, address: &[u8], view: View) -> Option<usize> {
        let has_address = |&index: &usize| {
            self.hosts[index]
                .address
                .in_view(view)
                .is_some_and(|found| found.bytes() == address)
        };
        match (address.len(), view) {
            (4, View::Inet | View::Unspec) => self
                .by_v4
                .get(<&[u8; 4]>::try_from(address).ok()?)
                .find(has_address),
            (16, View::Inet6 | View::Inet6Mapped | View::Unspec) => self
                .by_v6
                .get(<&[u8; 16]>::try_from(address).ok()?)
                .find(has_address),
            _ => None,
        }
    }

    /// Whether line `index` is an entry in `view`.
    pub fn valid(&self, index: usize, view: View) -> bool {
        self.hosts
            .get(index)
            .is_some_and(|host| host.address.in_view(view).is_some())
    }

    /// Whether glibc's scan in `view` up to line `found` (or to the end for `None`) fits a buffer whose
    /// line part is `line_len` bytes at `line_address`.
    pub fn scan_fits(
        &self,
        found: Option<usize>,
        view: View,
        line_address: usize,
        line_len: usize,
    ) -> Fit {
        if line_len >= self.worst_need {
            return Fit::Fits;
        }
        let end = found.map_or(self.hosts.len(), |index| index + 1);
        let records = self
            .hosts
            .iter()
            .take(end)
            .map(|host| (&host.record, host.address.in_view(view).is_some()));
        scan_fits(
            records,
            found.is_none().then_some(self.tail_need),
            line_address,
            line_len,
        )
    }

    /// The next entry in `view` from `position` for an enumeration, and whether glibc could read the
    /// lines up to it (or to the end of the file).
    pub fn next_fits(
        &self,
        position: usize,
        view: View,
        line_address: usize,
        line_len: usize,
    ) -> (Option<usize>, Fit) {
        let next = (position..self.hosts.len()).find(|&index| self.valid(index, view));
        let end = next.map_or(self.hosts.len(), |index| index + 1);
        let records = self.hosts[position.min(end)..end]
            .iter()
            .map(|host| (&host.record, host.address.in_view(view).is_some()));
        (
            next,
            scan_fits(
                records,
                next.is_none().then_some(self.tail_need),
                line_address,
                line_len,
            ),
        )
    }
}

static HOSTS: FileCache<HostsFile> = FileCache::new(Var::Hosts, "/etc/hosts", HostsFile::parse);

/// The current hosts file (`None` when it cannot be read).
pub fn hosts_file() -> Option<Arc<HostsFile>> {
    HOSTS.get()
}

/// Calls `f` with the current hosts file (`None` when it cannot be read), under the cache's lock when
/// nothing changed (see [`FileCache::with_value`]): `f` must not take another lock (compute
/// host.conf's settings first) nor do I/O.
pub fn with_hosts_file<R>(f: impl FnOnce(Option<&HostsFile>) -> R) -> R {
    HOSTS.with_value(f)
}

/// A host as the files source answers a name lookup: glibc's `hostent`, in Rust values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    pub name: Vec<u8>,
    pub aliases: Vec<Vec<u8>>,
    pub addresses: Vec<Address>,
}

/// The files source's answer to `gethostbyname2(name, family)`: the first matching line and, with
/// `multi on` (`AF_INET`/`AF_INET6`), the addresses of every other matching line, their aliases, and
/// their names when they differ from the first (glibc's `gethostbyname3_multi`). `None` when no line
/// matches or the file cannot be read. The entry point for the lookup layers (DNS, getaddrinfo).
pub fn lookup_by_name(name: &[u8], family: i32) -> Option<HostEntry> {
    let file = hosts_file()?;
    let view = View::of(family, false);
    let mut matches = file.by_name(name, view);
    let first = &file.hosts[matches.next()?];
    // host.conf matters only once a line matched (it costs environment reads).
    let multi = view != View::Unspec && super::host_conf::host_conf().multi;
    let mut entry = HostEntry {
        name: first.name().to_vec(),
        aliases: first.record.alias_names().map(<[u8]>::to_vec).collect(),
        addresses: first.address.in_view(view).into_iter().collect(),
    };
    for index in matches.take_while(|_| multi) {
        let host = &file.hosts[index];
        entry.addresses.extend(host.address.in_view(view));
        entry
            .aliases
            .extend(host.record.alias_names().map(<[u8]>::to_vec));
        if host.name() != entry.name.as_slice() {
            entry.aliases.push(host.name().to_vec());
        }
    }
    Some(entry)
}

/// Every address of every line matching `name`, in file order, each in its own family (what glibc's
/// `gethostbyname4_r` of the files source gives getaddrinfo for `AF_UNSPEC`).
pub fn addresses_by_name(name: &[u8]) -> Vec<Address> {
    let Some(file) = hosts_file() else {
        return Vec::new();
    };
    file.by_name(name, View::Unspec)
        .filter_map(|index| file.hosts[index].address.in_view(View::Unspec))
        .collect()
}

/// The files source's answer to `gethostbyaddr(address, len, family)`: the first line with that
/// address, or `None`.
pub fn lookup_by_address(address: &[u8], family: i32) -> Option<HostEntry> {
    let file = hosts_file()?;
    let view = View::of(family, false);
    let host = &file.hosts[file.by_address(address, view)?];
    Some(HostEntry {
        name: host.name().to_vec(),
        aliases: host.record.alias_names().map(<[u8]>::to_vec).collect(),
        addresses: host.address.in_view(view).into_iter().collect(),
    })
}

/// What glibc's `__nss_hostname_digits_dots` makes of a name before any database is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numeric {
    /// Not a numeric name: look it up.
    NotNumeric,
    /// A numeric name that does not parse: `HOST_NOT_FOUND`.
    Invalid,
    /// The address the name spells.
    Address(Address),
}

/// Whether glibc treats `name` as a numeric address for a lookup in `family` (`AF_INET` or
/// `AF_INET6`), before reading any file. Names made of digits and dots (no final dot) are IPv4
/// (`inet_aton` rules for `AF_INET`, `inet_pton` for `AF_INET6`); hex digits, colons and dots with a
/// colon are IPv6, never found for `AF_INET`.
pub fn numeric_name(name: &[u8], family: i32) -> Numeric {
    let Some(&first) = name.first() else {
        return Numeric::NotNumeric;
    };
    if !first.is_ascii_hexdigit() && first != b':' {
        return Numeric::NotNumeric;
    }
    if first.is_ascii_digit() && name.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        if name.last() == Some(&b'.') {
            return Numeric::NotNumeric;
        }
        let address = if family == AF_INET6 {
            parse_ipv6(name).map(Address::V6)
        } else {
            parse_ipv4_aton_exact(name).map(Address::V4)
        };
        return address.map_or(Numeric::Invalid, Numeric::Address);
    }
    if !(first == b':' || name.contains(&b':')) {
        return Numeric::NotNumeric;
    }
    if family != AF_INET6 {
        return Numeric::Invalid;
    }
    if !name
        .iter()
        .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        || name.last() == Some(&b'.')
    {
        return Numeric::NotNumeric;
    }
    parse_ipv6(name).map_or(Numeric::Invalid, |v6| Numeric::Address(Address::V6(v6)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"# hosts\n\
        127.0.0.1\tlocalhost\n\
        ::1 localhost ip6-localhost ip6-loopback\n\
        ::ffff:10.0.0.1 mapped\n\
        fe80::1%lo scoped\n\
        10.1.1.1 MyHost my.alias # comment\n\
        ff02::1 ip6-allnodes\n\
        010.1.1.1 octal\n\
        junk line here\n\
        10.2.2.2\n\
        10.1.1.2 myhost\n";

    #[test]
    fn parses_only_lines_with_a_valid_address() {
        let file = HostsFile::parse(FILE);
        let names: Vec<_> = file.hosts.iter().map(|h| h.name().to_vec()).collect();
        let expected: Vec<&[u8]> = vec![
            b"localhost",
            b"localhost",
            b"mapped",
            b"MyHost",
            b"ip6-allnodes",
            b"",
            b"myhost",
        ];
        assert_eq!(
            names,
            expected.iter().map(|n| n.to_vec()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn views_map_loopback_and_v4mapped_for_ipv4() {
        let file = HostsFile::parse(FILE);
        assert_eq!(
            file.by_name(b"LOCALHOST", View::Inet).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(
            file.hosts[1].address.in_view(View::Inet),
            Some(Address::V4([127, 0, 0, 1]))
        );
        assert_eq!(
            file.by_name(b"localhost", View::Inet6).collect::<Vec<_>>(),
            vec![1]
        );
        assert_eq!(
            file.by_name(b"mapped", View::Inet).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(file.by_name(b"ip6-allnodes", View::Inet).count(), 0);
        assert_eq!(
            file.by_name(b"myhost", View::Inet).collect::<Vec<_>>(),
            vec![3, 6]
        );
        assert_eq!(file.by_address(&[127, 0, 0, 1], View::Inet), Some(0));
        assert_eq!(
            file.by_address(&mapped([10, 1, 1, 1]), View::Inet6Mapped),
            Some(3)
        );
        assert_eq!(file.by_address(&mapped([10, 1, 1, 1]), View::Inet6), None);
        assert_eq!(file.by_address(&[10, 0, 0, 1], View::Unspec), None);
        assert_eq!(file.by_address(&[10, 0, 0, 1], View::Inet), Some(2));
    }

    #[test]
    fn numeric_names_follow_digits_dots() {
        assert_eq!(
            numeric_name(b"1.2.3", AF_INET),
            Numeric::Address(Address::V4([1, 2, 0, 3]))
        );
        assert_eq!(numeric_name(b"1.2.3.", AF_INET), Numeric::NotNumeric);
        assert_eq!(numeric_name(b"1.2.3.4.5", AF_INET), Numeric::Invalid);
        assert_eq!(numeric_name(b"::1", AF_INET), Numeric::Invalid);
        assert_eq!(
            numeric_name(b"::1", AF_INET6),
            Numeric::Address(Address::V6(LOOPBACK6))
        );
        assert_eq!(numeric_name(b"localhost", AF_INET), Numeric::NotNumeric);
        assert_eq!(numeric_name(b"abc.example", AF_INET), Numeric::NotNumeric);
        assert_eq!(numeric_name(b"1.2.3.4", AF_INET6), Numeric::Invalid);
    }
}
