//! One parsed line as glibc lays it out in a caller's buffer, and the buffer sizes glibc needs.
//!
//! glibc's `_r` functions read each line into the caller's buffer (after an optional header, the
//! `hostent` address block), split it in place, and put the alias pointer list after the line, aligned
//! to 8 bytes *by address*. A lookup reads every line up to the match into that buffer, so a long line
//! before the match makes the call fail with `ERANGE` too. The records keep what is needed to answer
//! "would glibc have run out of room?" exactly: the line image, the alias count, and the largest
//! `fgets` need of the raw lines read since the previous record.

use super::text::{read_need, Line};

/// Pointer size and alignment on x86_64.
pub const POINTER: usize = 8;

/// A line that glibc's parser accepted.
#[derive(Clone, Debug)]
pub struct Record {
    /// The buffer image of the line after parsing: text with NULs where glibc wrote them, ending in
    /// the NUL that `fgets` wrote (glibc puts the alias list after that one).
    pub image: Box<[u8]>,
    /// Offsets of the aliases in `image`.
    pub aliases: Box<[u32]>,
    /// The largest buffer `fgets` needed for this line and the lines skipped just before it.
    pub read_need: u32,
}

/// Rounds `address` up to a multiple of `align`.
pub fn align_up(address: usize, align: usize) -> usize {
    address.div_ceil(align) * align
}

impl Record {
    /// Finishes a record from a parsed line: the aliases are the rest of the line.
    pub fn from_line(mut line: Line, read_need: usize) -> Record {
        let aliases = line.trailing_list().into_boxed_slice();
        Record {
            image: line.bytes.into_boxed_slice(),
            aliases,
            read_need: read_need as u32,
        }
    }

    /// The NUL-terminated string at `offset` of the image, without the NUL.
    pub fn str_at(&self, offset: u32) -> &[u8] {
        super::text::c_str(&self.image, offset)
    }

    /// The aliases, in file order.
    pub fn alias_names(&self) -> impl Iterator<Item = &[u8]> {
        self.aliases.iter().map(|&offset| self.str_at(offset))
    }

    /// Offset (from `line_address`) of the alias pointer list when the line buffer starts at
    /// `line_address`.
    pub fn list_offset(&self, line_address: usize) -> usize {
        align_up(line_address + self.image.len(), POINTER) - line_address
    }

    /// Bytes from `line_address` glibc needs to hold this record: the line, the aligned alias list,
    /// and the one pointer of slack `parse_list` insists on.
    pub fn parse_need(&self, line_address: usize) -> usize {
        self.list_offset(line_address) + (self.aliases.len() + 2) * POINTER
    }

    /// Largest need from `line_address` over any alignment, for the fast "surely fits" check.
    pub fn worst_need(&self) -> usize {
        (self.image.len() + POINTER - 1 + (self.aliases.len() + 2) * POINTER)
            .max(self.read_need as usize)
    }
}

/// Tracks the `fgets` needs of the lines skipped between records.
#[derive(Default)]
pub struct ReadNeeds {
    pending: usize,
}

impl ReadNeeds {
    /// Notes a raw line; returns the need of the lines since the last call to `take`.
    pub fn note(&mut self, raw_len: usize) {
        self.pending = self.pending.max(read_need(raw_len));
    }

    /// The largest need noted since the last `take`.
    pub fn peek(&self) -> usize {
        self.pending
    }

    /// The largest need noted since the last `take`, reset.
    pub fn take(&mut self) -> usize {
        std::mem::take(&mut self.pending)
    }
}

/// The outcome of fitting one lookup into a caller's buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fit {
    Fits,
    /// glibc would have failed with `ERANGE`.
    TooSmall,
}

/// Whether glibc, scanning `records` in order (each paired with whether the lookup parses it as an
/// entry), can read and parse every one into a buffer of `line_len` bytes starting at `line_address`.
/// `tail` is the need of the lines after the last record when the scan reads to the end of the file.
pub fn scan_fits<'a>(
    records: impl Iterator<Item = (&'a Record, bool)>,
    tail: Option<usize>,
    line_address: usize,
    line_len: usize,
) -> Fit {
    if line_len < read_need(0) || tail.is_some_and(|need| need > line_len) {
        return Fit::TooSmall;
    }
    for (record, parsed) in records {
        if record.read_need as usize > line_len
            || (parsed && record.parse_need(line_address) > line_len)
        {
            return Fit::TooSmall;
        }
    }
    Fit::Fits
}

/// The entries of a file in file order, with what the `ERANGE` checks need.
pub struct Table<E> {
    pub entries: Vec<E>,
    /// The `fgets` need of the lines after the last entry.
    pub tail_need: usize,
    /// A need no entry or line exceeds, at any alignment.
    pub worst_need: usize,
}

impl<E> Default for Table<E> {
    fn default() -> Self {
        Table {
            entries: Vec::new(),
            tail_need: 0,
            worst_need: 0,
        }
    }
}

impl<E: AsRef<Record>> Table<E> {
    /// Adds an entry (its record holds the needs of the lines read for it).
    pub fn push(&mut self, entry: E) {
        self.worst_need = self.worst_need.max(entry.as_ref().worst_need());
        self.entries.push(entry);
    }

    /// Records the lines after the last entry.
    pub fn finish(&mut self, tail_need: usize) {
        self.tail_need = tail_need;
        self.worst_need = self.worst_need.max(tail_need).max(read_need(0));
    }

    /// Whether glibc's scan to entry `found` (or to the end of the file for `None`) fits a buffer.
    pub fn scan_fits(&self, found: Option<usize>, line_address: usize, line_len: usize) -> Fit {
        if line_len >= self.worst_need {
            return Fit::Fits;
        }
        let end = found.map_or(self.entries.len(), |index| index + 1);
        let records = self
            .entries
            .iter()
            .take(end)
            .map(|entry| (entry.as_ref(), true));
        scan_fits(
            records,
            found.is_none().then_some(self.tail_need),
            line_address,
            line_len,
        )
    }

    /// Where an enumeration at `position` goes next: the index of the next entry, or `None` at the end,
    /// and whether glibc could read it (and the lines before it) into the buffer.
    pub fn next_fits(
        &self,
        position: usize,
        line_address: usize,
        line_len: usize,
    ) -> (Option<usize>, Fit) {
        if line_len >= self.worst_need {
            return (
                (position < self.entries.len()).then_some(position),
                Fit::Fits,
            );
        }
        match self.entries.get(position) {
            Some(entry) => (
                Some(position),
                scan_fits(
                    [(entry.as_ref(), true)].into_iter(),
                    None,
                    line_address,
                    line_len,
                ),
            ),
            None => (
                None,
                scan_fits(
                    std::iter::empty(),
                    Some(self.tail_need),
                    line_address,
                    line_len,
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_aligned_by_address_with_one_pointer_of_slack() {
        let mut line = Line::read(b"name 1 a b\n").unwrap();
        line.string_field();
        line.string_field();
        let record = Record::from_line(line, 13);
        assert_eq!(record.image.len(), 12);
        assert_eq!(record.list_offset(0), 16);
        assert_eq!(record.list_offset(4), 12);
        assert_eq!(record.parse_need(0), 16 + 4 * 8);
        assert!(record.worst_need() >= record.parse_need(1));
    }
}
