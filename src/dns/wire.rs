//! The DNS wire format (RFC 1035): building queries and decoding replies.
//!
//! Every read from a reply goes through [`Reader`], whose methods return `Option`: a length or count
//! taken from the wire cannot be used before the bytes it promises are known to exist, so a hostile
//! reply can make decoding fail but never crash or loop.

/// Record types and the class this resolver uses.
pub(crate) const TYPE_A: u16 = 1;
pub(crate) const TYPE_CNAME: u16 = 5;
pub(crate) const TYPE_SOA: u16 = 6;
pub(crate) const TYPE_PTR: u16 = 12;
pub(crate) const TYPE_AAAA: u16 = 28;
pub(crate) const TYPE_OPT: u16 = 41;
pub(crate) const CLASS_IN: u16 = 1;

/// Response codes (RFC 1035 4.1.1).
pub(crate) const RCODE_NOERROR: u8 = 0;
pub(crate) const RCODE_SERVFAIL: u8 = 2;
pub(crate) const RCODE_NXDOMAIN: u8 = 3;
pub(crate) const RCODE_NOTIMP: u8 = 4;
pub(crate) const RCODE_REFUSED: u8 = 5;

/// RFC 1035 2.3.4: a name is at most 255 bytes on the wire, a label at most 63.
const MAX_NAME_WIRE: usize = 255;
const MAX_LABEL: usize = 63;
/// The UDP payload size advertised with EDNS0: glibc's cap since CVE-2017-12132.
pub(crate) const EDNS_UDP_SIZE: u16 = 1200;

/// A domain name in its uncompressed wire form (length-prefixed labels, then a zero byte), in the case
/// the wire gave: one allocation per name, copied to a query as it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    wire: Vec<u8>,
}

impl Default for Name {
    fn default() -> Name {
        Name::root()
    }
}

impl Name {
    /// Parses dotted text as `ns_name_pton` does: "www.example.test", a trailing dot allowed, `\.` and
    /// `\DDD` escapes. `None` for empty labels, over-long labels or names; "" and "." are the root.
    pub fn from_text(text: &[u8]) -> Option<Name> {
        if text == b"." {
            return Some(Name::root());
        }
        if text.contains(&b'\\') {
            Name::from_escaped_text(text)
        } else {
            Name::from_plain_text(text)
        }
    }

    /// [`Name::from_text`] byte by byte, escapes included.
    fn from_escaped_text(text: &[u8]) -> Option<Name> {
        let mut wire = Vec::with_capacity(text.len() + 2);
        // Where the length byte of the label being read is.
        let mut label_start = 0;
        wire.push(0);
        let close = |wire: &mut Vec<u8>, label_start: usize| -> Option<()> {
            let length = wire.len() - label_start - 1;
            if length > MAX_LABEL {
                return None;
            }
            *wire.get_mut(label_start)? = length as u8;
            Some(())
        };
        let mut rest = text;
        while let Some((&byte, after)) = rest.split_first() {
            rest = after;
            match byte {
                b'\\' => {
                    let digits = rest.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
                    if let Some(digits) = digits {
                        let value = digits
                            .iter()
                            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
                        wire.push(u8::try_from(value).ok()?);
                        rest = rest.get(3..)?;
                    } else {
                        let (&escaped, after) = rest.split_first()?;
                        wire.push(escaped);
                        rest = after;
                    }
                }
                b'.' if wire.len() == label_start + 1 => return None,
                b'.' => {
                    close(&mut wire, label_start)?;
                    label_start = wire.len();
                    wire.push(0);
                }
                _ => wire.push(byte),
            }
        }
        if wire.len() > label_start + 1 {
            close(&mut wire, label_start)?;
            wire.push(0);
        }
        // Otherwise the last length byte, still 0, ends the name.
        (wire.len() <= MAX_NAME_WIRE).then_some(Name { wire })
    }

    /// [`Name::from_text`] for text without escapes: labels copied whole.
    fn from_plain_text(text: &[u8]) -> Option<Name> {
        let text = text.strip_suffix(b".").unwrap_or(text);
        let mut wire = Vec::with_capacity(text.len() + 2);
        if !text.is_empty() {
            for label in text.split(|&b| b == b'.') {
                if label.is_empty() || label.len() > MAX_LABEL {
                    return None;
                }
                wire.push(label.len() as u8);
                wire.extend_from_slice(label);
            }
        }
        wire.push(0);
        (wire.len() <= MAX_NAME_WIRE).then_some(Name { wire })
    }

    /// The labels, first to last (the root has none).
    fn labels(&self) -> Labels<'_> {
        Labels { rest: &self.wire }
    }

    /// glibc's `res_hnok` on the decoded name: every label of letters, digits, `-` and `_`, and no `-`
    /// first. (With [`is_printable`], what glibc requires of a host name before it asks DNS.)
    pub fn is_host_name(&self) -> bool {
        let middle = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        let leading_dash = self.labels().next().and_then(|l| l.first()) == Some(&b'-');
        !leading_dash && self.labels().all(|l| l.iter().all(middle))
    }

    /// The root name.
    pub fn root() -> Name {
        Name { wire: vec![0] }
    }

    /// Length of the uncompressed wire form, the final zero byte included.
    pub fn wire_len(&self) -> usize {
        self.wire.len()
    }

    /// The name with `suffix`'s labels appended (`None` if the result is too long).
    pub fn join(&self, suffix: &Name) -> Option<Name> {
        let own = self.wire.len().saturating_sub(1);
        let mut wire = Vec::with_capacity(own + suffix.wire.len());
        wire.extend_from_slice(self.wire.get(..own)?);
        wire.extend_from_slice(&suffix.wire);
        (wire.len() <= MAX_NAME_WIRE).then_some(Name { wire })
    }

    /// Case-insensitive comparison (RFC 4343). Length bytes (at most 63) are not letters, so comparing
    /// the wire forms without ASCII case compares the labels so.
    pub fn eq_ignore_case(&self, other: &Name) -> bool {
        self.wire.eq_ignore_ascii_case(&other.wire)
    }

    /// The name in lower case, for use as a map key.
    pub fn to_lowercase(&self) -> Name {
        Name {
            wire: self.wire.to_ascii_lowercase(),
        }
    }

    /// Dotted text without a trailing dot, escaping as `dn_expand` does: `.` and `\` with a backslash,
    /// bytes outside printable ASCII as `\DDD`. The root is ".".
    pub fn to_text(&self) -> Vec<u8> {
        if self.wire.len() <= 1 {
            return b".".to_vec();
        }
        let mut out = Vec::with_capacity(self.wire_len());
        for (i, label) in self.labels().enumerate() {
            if i > 0 {
                out.push(b'.');
            }
            // Host names, nearly all names, need no escape.
            if label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            {
                out.extend_from_slice(label);
                continue;
            }
            for &b in label {
                match b {
                    b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
                        out.extend_from_slice(&[b'\\', b])
                    }
                    0x21..=0x7e => out.push(b),
                    _ => {
                        out.push(b'\\');
                        out.extend_from_slice(&[b'0' + b / 100, b'0' + b / 10 % 10, b'0' + b % 10]);
                    }
                }
            }
        }
        out
    }

    fn write_wire(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.wire);
    }
}

/// The labels of a name's wire form.
struct Labels<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (&length, after) = self.rest.split_first()?;
        if length == 0 {
            self.rest = &[];
            return None;
        }
        let label = after.get(..usize::from(length))?;
        self.rest = after.get(usize::from(length)..)?;
        Some(label)
    }
}

/// Whether `text` is printable ASCII without blanks (glibc's `printable_string`).
pub fn is_printable(text: &[u8]) -> bool {
    text.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// One question: name, type, class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub name: Name,
    pub qtype: u16,
    pub qclass: u16,
}

/// Header flags that the resolver sets in queries.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueryFlags {
    /// Add an EDNS0 OPT record (`options edns0`).
    pub edns0: bool,
    /// Set the AD bit (`options trust-ad`).
    pub trust_ad: bool,
}

/// Builds a recursive query for `question` with message ID `id`.
pub fn build_query(id: u16, question: &Question, flags: QueryFlags) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + question.name.wire_len() + 4 + 11);
    out.extend_from_slice(&id.to_be_bytes());
    let ad = if flags.trust_ad { 0x20 } else { 0 };
    out.extend_from_slice(&[0x01, ad]); // RD, and AD when trusted
    let arcount: u16 = flags.edns0.into();
    for count in [1u16, 0, 0, arcount] {
        out.extend_from_slice(&count.to_be_bytes());
    }
    question.name.write_wire(&mut out);
    out.extend_from_slice(&question.qtype.to_be_bytes());
    out.extend_from_slice(&question.qclass.to_be_bytes());
    if flags.edns0 {
        // Root owner, type OPT, class = UDP payload size, TTL 0 (no DO bit), no options.
        out.push(0);
        out.extend_from_slice(&TYPE_OPT.to_be_bytes());
        out.extend_from_slice(&EDNS_UDP_SIZE.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    out
}

/// The data of an answer record this resolver uses; anything else is `Other`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordData {
    A([u8; 4]),
    Aaaa([u8; 16]),
    Cname(Name),
    Ptr(Name),
    Other,
}

/// One answer record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: Name,
    pub rtype: u16,
    pub ttl: u32,
    pub data: RecordData,
}

/// A decoded reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub id: u16,
    pub is_response: bool,
    pub truncated: bool,
    pub rcode: u8,
    /// The first question (replies to our queries carry exactly one).
    pub question: Option<Question>,
    /// QDCOUNT: a reply with more than one question does not answer our query (`res_queriesmatch`).
    pub question_count: u16,
    pub answers: Vec<Record>,
    /// ANCOUNT as the header gives it (glibc decides "has answers" on it, before parsing them).
    pub answer_count: u16,
    /// The answer section did not parse to the end (a bad name, a count beyond the message end…):
    /// glibc fails such a reply with NO_RECOVERY.
    pub malformed: bool,
    /// RFC 2308 negative-caching TTL: min(SOA TTL, SOA MINIMUM) of an authority SOA, when present.
    pub negative_ttl: Option<u32>,
}

/// Reads a message front to back; every method returns `None` rather than read past the end.
pub struct Reader<'a> {
    message: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    pub fn new(message: &'a [u8]) -> Reader<'a> {
        Reader {
            message,
            position: 0,
        }
    }

    pub fn bytes(&mut self, count: usize) -> Option<&'a [u8]> {
        let end = self.position.checked_add(count)?;
        let slice = self.message.get(self.position..end)?;
        self.position = end;
        Some(slice)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.bytes(1)?.first().copied()
    }

    pub fn u16(&mut self) -> Option<u16> {
        let b = self.bytes(2)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    pub fn u32(&mut self) -> Option<u32> {
        let b: [u8; 4] = self.bytes(4)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    }

    /// Reads a possibly compressed name. Each compression pointer must point strictly before the
    /// target of the previous one (or before itself, for the first), so the targets strictly decrease
    /// and every chain ends: no loop is possible.
    pub fn name(&mut self) -> Option<Name> {
        let mut wire = Vec::with_capacity(32);
        let mut at = self.position;
        let mut resume_at = None;
        let mut pointer_limit = usize::MAX;
        loop {
            let length = *self.message.get(at)? as usize;
            match length & 0xc0 {
                0x00 if length == 0 => {
                    wire.push(0);
                    self.position = resume_at.unwrap_or(at + 1);
                    return Some(Name { wire });
                }
                0x00 => {
                    let label = self.message.get(at..at + 1 + length)?;
                    if wire.len() + label.len() + 1 > MAX_NAME_WIRE {
                        return None;
                    }
                    wire.extend_from_slice(label);
                    at += 1 + length;
                }
                0xc0 => {
                    let low = *self.message.get(at + 1)? as usize;
                    let target = ((length & 0x3f) << 8) | low;
                    if target >= at.min(pointer_limit) {
                        return None;
                    }
                    resume_at.get_or_insert(at + 2);
                    pointer_limit = target;
                    at = target;
                }
                _ => return None, // 0x40 and 0x80 label types are obsolete (RFC 6891)
            }
        }
    }
}

/// Decodes a reply. `None` when the header or question is malformed; answers that are malformed
/// end the answer list (the records before them are kept, as glibc keeps what it parsed).
pub fn parse_reply(message: &[u8]) -> Option<Reply> {
    let mut reader = Reader::new(message);
    let id = reader.u16()?;
    let flags = reader.u16()?;
    let qdcount = reader.u16()?;
    let ancount = reader.u16()?;
    let nscount = reader.u16()?;
    let _arcount = reader.u16()?;
    let question = if qdcount >= 1 {
        Some(read_question(&mut reader)?)
    } else {
        None
    };
    for _ in 1..qdcount {
        read_question(&mut reader)?;
    }
    let mut answers = Vec::new();
    let mut complete = true;
    for _ in 0..ancount {
        match read_record(&mut reader) {
            Some((record, _)) => answers.push(record),
            None => {
                complete = false;
                break;
            }
        }
    }
    let mut negative_ttl = None;
    for _ in 0..if complete { nscount } else { 0 } {
        match read_record(&mut reader) {
            Some((record, Some(minimum))) if record.rtype == TYPE_SOA => {
                negative_ttl = Some(record.ttl.min(minimum));
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    Some(Reply {
        id,
        is_response: flags & 0x8000 != 0,
        truncated: flags & 0x0200 != 0,
        rcode: (flags & 0x000f) as u8,
        question,
        question_count: qdcount,
        answers,
        answer_count: ancount,
        malformed: !complete,
        negative_ttl,
    })
}

fn read_question(reader: &mut Reader) -> Option<Question> {
    Some(Question {
        name: reader.name()?,
        qtype: reader.u16()?,
        qclass: reader.u16()?,
    })
}

/// Reads one resource record; for an SOA also returns its MINIMUM field.
fn read_record(reader: &mut Reader) -> Option<(Record, Option<u32>)> {
    let name = reader.name()?;
    let rtype = reader.u16()?;
    let class = reader.u16()?;
    let ttl = reader.u32()?;
    // RFC 2181 8: a TTL with the top bit set is treated as zero.
    let ttl = if ttl > i32::MAX as u32 { 0 } else { ttl };
    let rdlength = reader.u16()? as usize;
    let rdata_start = reader.position;
    let rdata = reader.bytes(rdlength)?;
    let after = reader.position;
    let mut soa_minimum = None;
    let data = match (rtype, class) {
        (TYPE_A, CLASS_IN) => rdata.try_into().map(RecordData::A).ok()?,
        (TYPE_AAAA, CLASS_IN) => rdata.try_into().map(RecordData::Aaaa).ok()?,
        (TYPE_CNAME | TYPE_PTR, CLASS_IN) => {
            let target = name_in_rdata(reader, rdata_start, after)?;
            if rtype == TYPE_CNAME {
                RecordData::Cname(target)
            } else {
                RecordData::Ptr(target)
            }
        }
        (TYPE_SOA, _) => {
            reader.position = rdata_start;
            reader.name()?; // MNAME
            reader.name()?; // RNAME
            reader.bytes(16)?; // SERIAL REFRESH RETRY EXPIRE
            soa_minimum = Some(reader.u32()?);
            if reader.position > after {
                return None;
            }
            reader.position = after;
            RecordData::Other
        }
        _ => RecordData::Other,
    };
    Some((
        Record {
            name,
            rtype,
            ttl,
            data,
        },
        soa_minimum,
    ))
}

/// Reads a name that must lie within the record data `start..end`.
fn name_in_rdata(reader: &mut Reader, start: usize, end: usize) -> Option<Name> {
    reader.position = start;
    let name = reader.name()?;
    let inside = reader.position <= end;
    reader.position = end;
    inside.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(name: &str, qtype: u16) -> Question {
        Question {
            name: Name::from_text(name.as_bytes()).unwrap(),
            qtype,
            qclass: CLASS_IN,
        }
    }

    #[test]
    fn query_layout_matches_rfc1035() {
        let q = build_query(0x1234, &question("ab.test", TYPE_A), QueryFlags::default());
        let expected = [
            0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 2, b'a', b'b', 4, b't', b'e', b's',
            b't', 0, 0, 1, 0, 1,
        ];
        assert_eq!(q, expected);
    }

    #[test]
    fn edns0_and_trust_ad_are_encoded() {
        let flags = QueryFlags {
            edns0: true,
            trust_ad: true,
        };
        let q = build_query(1, &question("a.test", TYPE_AAAA), flags);
        assert_eq!(q[3], 0x20);
        assert_eq!(&q[10..12], &[0, 1]);
        assert_eq!(
            &q[q.len() - 11..],
            &[0, 0, 41, 0x04, 0xb0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn names_are_validated() {
        assert!(Name::from_text(b"a..b").is_none());
        assert!(Name::from_text(&[b'a'; 64]).is_none());
        assert!(Name::from_text(&[b'a'; 63]).is_some());
        let long = b"abcdefghi.".repeat(26); // 26 * 10 = 260 bytes
        assert!(Name::from_text(&long).is_none());
        assert_eq!(Name::from_text(b"x.test.").unwrap().to_text(), b"x.test");
        assert_eq!(Name::root().to_text(), b".");
    }

    #[test]
    fn plain_names_parse_as_the_escape_aware_parser_reads_them() {
        let long = b"abcdefghi.".repeat(25);
        let inputs: [&[u8]; 14] = [
            b"",
            b"x",
            b"x.",
            b"x..",
            b"..",
            b".x",
            b"a..b",
            b"www.example.test",
            b"www.example.test.",
            &[b'a'; 63],
            &[b'a'; 64],
            &long,
            &long[..long.len() - 1],
            b"-x_y.Test",
        ];
        for text in inputs {
            assert_eq!(
                Name::from_plain_text(text),
                Name::from_escaped_text(text),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn join_case_and_wire_form() {
        let name = |t: &[u8]| Name::from_text(t).unwrap();
        let joined = name(b"Www").join(&name(b"Example.TEST.")).unwrap();
        assert_eq!(joined.to_text(), b"Www.Example.TEST");
        assert_eq!(joined.wire_len(), 1 + 3 + 1 + 7 + 1 + 4 + 1);
        assert!(joined.eq_ignore_case(&name(b"www.example.test")));
        assert!(!joined.eq_ignore_case(&name(b"www.example.tes")));
        assert!(!name(b"ab.c").eq_ignore_case(&name(b"a.bc")));
        assert_eq!(joined.to_lowercase(), name(b"www.example.test"));
        assert_eq!(Name::root().join(&name(b"x")).unwrap(), name(b"x"));
        assert_eq!(name(b"x").join(&Name::root()).unwrap(), name(b"x"));
        let long = name(&b"abcdefghi.".repeat(13));
        assert!(long.join(&long).is_none(), "2 * 131 bytes is over 255");
        assert_eq!(Name::from_text(b""), Some(Name::root()));
        assert_eq!(Name::default(), Name::root());
    }

    #[test]
    fn escapes_and_host_name_rules() {
        let name = |t: &[u8]| Name::from_text(t);
        assert_eq!(name(b"a\\098.test").unwrap().to_text(), b"ab.test");
        assert_eq!(
            name(b"a\\.b.test").unwrap().labels().next(),
            Some(&b"a.b"[..])
        );
        assert_eq!(name(b"a\\.b.test").unwrap().labels().count(), 2);
        assert!(name(b"a\\256.test").is_none() && name(b"a\\").is_none());
        assert!(name(b".x").is_none() && name(b"..").is_none() && name(b"x..").is_none());
        assert!(name(b"a_b.x-.test").unwrap().is_host_name());
        assert!(!name(b"-x.test").unwrap().is_host_name());
        assert!(name(b"x.-y.test").unwrap().is_host_name());
        assert!(!name(b"a\\.b.test").unwrap().is_host_name());
        assert!(!is_printable(b"a b.test") && !is_printable("\u{fc}.test".as_bytes()));
    }

    #[test]
    fn text_escapes_like_dn_expand() {
        let name = Name {
            wire: vec![3, b'a', b'.', b'b', 2, 0, b'\\', 0],
        };
        assert_eq!(name.to_text(), b"a\\.b.\\000\\\\");
    }

    /// A reply to `q` with the given answer section bytes.
    fn reply_with(q: &[u8], ancount: u16, answers: &[u8]) -> Vec<u8> {
        let mut r = q.to_vec();
        r[2] |= 0x80;
        r[6..8].copy_from_slice(&ancount.to_be_bytes());
        r.extend_from_slice(answers);
        r
    }

    #[test]
    fn parses_compressed_cname_chain() {
        let q = build_query(7, &question("www.test", TYPE_A), QueryFlags::default());
        let mut ans = vec![
            0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, b'w', b'e', b'b', 0xc0, 16,
        ];
        ans.extend_from_slice(&[0xc0, 38, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 10, 0, 0, 1]);
        let reply = parse_reply(&reply_with(&q, 2, &ans)).unwrap();
        assert!(reply.is_response);
        assert_eq!(reply.question, Some(question("www.test", TYPE_A)));
        assert_eq!(reply.answers.len(), 2);
        let web = Name::from_text(b"web.test").unwrap();
        assert_eq!(reply.answers[0].data, RecordData::Cname(web.clone()));
        assert_eq!(reply.answers[1].name, web);
        assert_eq!(reply.answers[1].ttl, 256);
        assert_eq!(reply.answers[1].data, RecordData::A([10, 0, 0, 1]));
    }

    #[test]
    fn pointer_loops_and_forward_pointers_are_rejected() {
        let q = build_query(7, &question("a.test", TYPE_A), QueryFlags::default());
        let self_loop = reply_with(&q, 1, &[0xc0, 24, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
        assert!(parse_reply(&self_loop).unwrap().malformed);
        // A label at 24 followed by a pointer back to it: the walk would revisit the pointer forever.
        let label_loop = reply_with(
            &q,
            1,
            &[1, b'x', 0xc0, 24, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4],
        );
        assert!(parse_reply(&label_loop).unwrap().malformed);
        let past_end = reply_with(&q, 1, &[0xff, 0xff]);
        assert!(parse_reply(&past_end).unwrap().malformed);
    }

    #[test]
    fn counts_beyond_the_message_end_decoding_without_panic() {
        let q = build_query(7, &question("a.test", TYPE_A), QueryFlags::default());
        let reply = parse_reply(&reply_with(&q, 65535, &[])).unwrap();
        assert!(reply.answers.is_empty() && reply.malformed && reply.answer_count == 65535);
        assert!(parse_reply(&[]).is_none());
        assert!(parse_reply(&q[..11]).is_none());
    }

    #[test]
    fn soa_gives_negative_ttl() {
        let q = build_query(7, &question("a.test", TYPE_A), QueryFlags::default());
        let mut r = reply_with(&q, 0, &[]);
        r[9] = 1; // nscount
        r.extend_from_slice(&[0xc0, 14, 0, 6, 0, 1, 0, 0, 0, 90, 0, 24, 0xc0, 14, 0xc0, 14]);
        r.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 30]);
        assert_eq!(parse_reply(&r).unwrap().negative_ttl, Some(30));
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x9e3779b97f4a7c15u64;
        let q = build_query(7, &question("a.b.test", TYPE_AAAA), QueryFlags::default());
        for round in 0..20_000 {
            let mut msg = if round % 2 == 0 {
                q.clone()
            } else {
                Vec::new()
            };
            let extra = (state % 80) as usize;
            for _ in 0..extra {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                msg.push(state as u8);
            }
            if let Some(m) = msg.get_mut(6) {
                *m &= 0x03;
            }
            let _ = parse_reply(&msg);
        }
    }
}
