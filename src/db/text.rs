//! Reading database lines the way glibc's nss_files reads them, on bytes.
//!
//! glibc reads a line with `fgets` into the caller's buffer, drops blank and `#` lines, moves the
//! text left over its leading blanks (with `memmove` of `strlen` bytes, so the old tail stays after
//! it: a last line with no newline and leading blanks is seen with its last characters doubled), cuts
//! the line at the first `#` or newline and then splits fields in place, writing NULs. [`Line`] redoes
//! exactly that on a copy, so both the strings and where glibc puts them in the buffer are known.

/// C's `isspace` in the C locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// One physical line of a file, with its newline (the last line may lack one).
pub fn raw_lines(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    content.split_inclusive(|&byte| byte == b'\n')
}

/// The buffer length glibc's `__nss_readline` needs to read a raw line: the line, a NUL, and the
/// byte it keeps free to detect truncation (at least 3).
pub fn read_need(raw_len: usize) -> usize {
    (raw_len + 2).max(3)
}

/// A line as glibc's parser holds it: a C string in a buffer, split in place.
pub struct Line {
    /// The buffer: the text after glibc's `memmove`, with the NULs the parser has written so far,
    /// ending in a NUL.
    pub bytes: Vec<u8>,
    /// The parser's position (glibc's `line` pointer).
    pub pos: usize,
}

impl Line {
    /// Prepares a raw line as `__nss_readline` and `LINE_PARSER` do; `None` for a blank or comment
    /// line, which glibc skips before parsing.
    pub fn read(raw: &[u8]) -> Option<Line> {
        let text = &raw[..raw.iter().position(|&b| b == 0).unwrap_or(raw.len())];
        let blanks = text.iter().take_while(|&&b| is_space(b)).count();
        match text.get(blanks) {
            None | Some(b'#') => return None,
            Some(_) => {}
        }
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(&text[blanks..]);
        bytes.extend_from_slice(&text[text.len() - blanks..]);
        bytes.push(0);
        // LINE_PARSER: the line ends at the first comment character or newline.
        if let Some(end) = bytes.iter().position(|&b| b == b'#' || b == b'\n') {
            bytes[end] = 0;
        }
        Some(Line { bytes, pos: 0 })
    }

    /// The length of the C string glibc read (where its terminating NUL sits in the buffer).
    pub fn text_len(&self) -> usize {
        self.bytes.len() - 1
    }

    fn at(&self, index: usize) -> u8 {
        self.bytes.get(index).copied().unwrap_or(0)
    }

    /// The byte under the parser's position (0 at the end of the string).
    pub fn current(&self) -> u8 {
        self.at(self.pos)
    }

    /// glibc's `STRING_FIELD(var, isspace, 1)`: the field runs to the next blank, which becomes a
    /// NUL; following blanks are skipped. Returns the field's offset (the field may be empty).
    pub fn string_field(&mut self) -> u32 {
        let start = self.pos;
        while self.current() != 0 && !is_space(self.current()) {
            self.pos += 1;
        }
        if self.current() != 0 {
            self.bytes[self.pos] = 0;
            self.pos += 1;
            while is_space(self.current()) {
                self.pos += 1;
            }
        }
        start as u32
    }

    /// The trailing list of aliases: every run of non-blank bytes, each NUL-terminated in place.
    pub fn trailing_list(&mut self) -> Vec<u32> {
        let mut list = Vec::new();
        loop {
            while is_space(self.current()) {
                self.pos += 1;
            }
            if self.current() == 0 {
                return list;
            }
            list.push(self.pos as u32);
            while self.current() != 0 && !is_space(self.current()) {
                self.pos += 1;
            }
            if self.current() != 0 {
                self.bytes[self.pos] = 0;
                self.pos += 1;
            }
        }
    }

    /// `strtoul(line, &end, base)` at the parser's position; returns the value and the end offset
    /// (equal to the position when no digits were found).
    pub fn strtoul(&self, base: u32) -> (u64, usize) {
        strtoul(&self.bytes, self.pos, base)
    }

    /// The NUL-terminated string at `offset`, without its NUL.
    pub fn str_at(&self, offset: u32) -> &[u8] {
        c_str(&self.bytes, offset)
    }
}

/// The NUL-terminated string at `offset` of `bytes`, without its NUL.
pub fn c_str(bytes: &[u8], offset: u32) -> &[u8] {
    let rest = bytes.get(offset as usize..).unwrap_or(&[]);
    &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())]
}

fn digit_value(byte: u8) -> u32 {
    match byte {
        b'0'..=b'9' => u32::from(byte - b'0'),
        b'a'..=b'z' => u32::from(byte - b'a') + 10,
        b'A'..=b'Z' => u32::from(byte - b'A') + 10,
        _ => u32::MAX,
    }
}

/// glibc's `strtoul` on the C string starting at `start` of `bytes`: leading blanks, a sign, base 0's
/// `0x` and `0` prefixes, `ULONG_MAX` on overflow, a negated value for `-`.
pub fn strtoul(bytes: &[u8], start: usize, base: u32) -> (u64, usize) {
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut i = start;
    while is_space(at(i)) {
        i += 1;
    }
    let negative = at(i) == b'-';
    if at(i) == b'-' || at(i) == b'+' {
        i += 1;
    }
    let mut base = base;
    if (base == 0 || base == 16)
        && at(i) == b'0'
        && (at(i + 1) | 0x20) == b'x'
        && digit_value(at(i + 2)) < 16
    {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if at(i) == b'0' { 8 } else { 10 };
    }
    let digits_start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while digit_value(at(i)) < base {
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(digit_value(at(i)))))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        return (0, start);
    }
    if overflow {
        (u64::MAX, i)
    } else if negative {
        (value.wrapping_neg(), i)
    } else {
        (value, i)
    }
}

/// ASCII lower case of a name, the key of case-insensitive indexes (`strcasecmp` in the C locale).
pub fn lower(name: &[u8]) -> Box<[u8]> {
    name.to_ascii_lowercase().into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(line: &Line, offsets: &[u32]) -> Vec<Vec<u8>> {
        offsets.iter().map(|&o| line.str_at(o).to_vec()).collect()
    }

    #[test]
    fn blank_and_comment_lines_are_skipped() {
        assert!(Line::read(b"\n").is_none());
        assert!(Line::read(b"   \t\n").is_none());
        assert!(Line::read(b"  # comment\n").is_none());
        assert!(Line::read(b"").is_none());
        assert!(Line::read(b"\0abc\n").is_none());
    }

    #[test]
    fn fields_and_aliases_split_on_blanks() {
        let mut line = Line::read(b"  echo\t7/tcp  a \t b # c\n").unwrap();
        let name = line.string_field();
        assert_eq!(line.str_at(name), b"echo");
        assert_eq!(line.strtoul(0), (7, line.pos + 1));
        line.pos += 6;
        let list = line.trailing_list();
        assert_eq!(strings(&line, &list), vec![b"a".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn memmove_quirk_doubles_the_tail_of_an_unterminated_indented_line() {
        let line = Line::read(b"  abc").unwrap();
        assert_eq!(&line.bytes, b"abcbc\0");
        let line = Line::read(b"  abc\n").unwrap();
        assert_eq!(line.text_len(), 6);
        assert_eq!(line.str_at(0), b"abc");
    }

    #[test]
    fn strtoul_matches_c() {
        assert_eq!(strtoul(b"0x50/", 0, 0), (80, 4));
        assert_eq!(strtoul(b"010", 0, 0), (8, 3));
        assert_eq!(strtoul(b"0x", 0, 0), (0, 1));
        assert_eq!(strtoul(b"-1", 0, 10), (u64::MAX, 2));
        assert_eq!(strtoul(b" +5", 0, 10), (5, 3));
        assert_eq!(strtoul(b"abc", 0, 10), (0, 0));
        assert_eq!(strtoul(b"99999999999999999999999", 0, 10), (u64::MAX, 23));
        assert_eq!(strtoul(b"09", 0, 0), (0, 1));
    }
}
