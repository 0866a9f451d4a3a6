//! resolv.conf, parsed as glibc 2.36's `res_init.c` parses it, with `LOCALDOMAIN` and `RES_OPTIONS`.
//!
//! The parsed file is kept and reused until the file changes on disk (checked with `stat` on every
//! lookup, as glibc does since 2.26), unless `options no-reload` was given.

use crate::sys::lock::ForkSafeMutex;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Arc;

/// `<resolv.h>` limits and defaults.
pub(crate) const MAXNS: usize = 3;
const MAXRESOLVSORT: usize = 10;
const RES_MAXNDOTS: i32 = 15;
const RES_MAXRETRANS: i32 = 30;
const RES_MAXRETRY: i32 = 5;
const RES_TIMEOUT: i32 = 5;
const RES_DFLRETRY: i32 = 2;
const NAMESERVER_PORT: u16 = 53;

/// What resolv.conf and the environment configure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvConf {
    /// At most [`MAXNS`] servers; 127.0.0.1 when the file names none.
    pub nameservers: Vec<SocketAddr>,
    /// Domains appended to names with fewer than `ndots` dots (and after a failed as-is query).
    pub search: Vec<Vec<u8>>,
    /// `sortlist` pairs (address, mask), in network order.
    pub sortlist: Vec<([u8; 4], [u8; 4])>,
    pub options: ResolvOptions,
}

/// The `options` of resolv.conf and `RES_OPTIONS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvOptions {
    pub ndots: u32,
    /// Seconds (glibc's `retrans`): at most 30, and kept as given below that, negative included (a
    /// value below 1 then waits 1 s, as glibc's `send_dg` does).
    pub timeout: i32,
    /// Rounds over all servers (glibc's `retry`): at most 5; 0 or less sends nothing.
    pub attempts: i32,
    pub rotate: bool,
    pub single_request: bool,
    pub single_request_reopen: bool,
    pub edns0: bool,
    pub trust_ad: bool,
    pub no_aaaa: bool,
    pub use_vc: bool,
    pub no_tld_query: bool,
    pub no_reload: bool,
    /// `options no-cache`, netlibc's own: turns the TTL cache off.
    pub no_cache: bool,
}

impl Default for ResolvOptions {
    fn default() -> Self {
        ResolvOptions {
            ndots: 1,
            timeout: RES_TIMEOUT,
            attempts: RES_DFLRETRY,
            rotate: false,
            single_request: false,
            single_request_reopen: false,
            edns0: false,
            trust_ad: false,
            no_aaaa: false,
            use_vc: false,
            no_tld_query: false,
            no_reload: false,
            no_cache: false,
        }
    }
}

/// The environment variables glibc's `res_init` reads, passed in so parsing stays pure.
#[derive(Clone, Debug, Default)]
pub struct ResolvEnv {
    pub localdomain: Option<Vec<u8>>,
    pub res_options: Option<Vec<u8>>,
    /// The host name (for the default search domain).
    pub hostname: Vec<u8>,
}

impl ResolvEnv {
    /// Reads `LOCALDOMAIN`, `RES_OPTIONS` and the host name of this process.
    pub fn from_process() -> ResolvEnv {
        use crate::sys::env::Var;
        let [localdomain, res_options] =
            crate::sys::call::with_envs([Var::LocalDomain, Var::ResOptions], |values| {
                values.map(|value| value.map(<[u8]>::to_vec))
            });
        ResolvEnv {
            localdomain,
            res_options,
            hostname: crate::dns::sysio::hostname(),
        }
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The words of `text`, separated by spaces, tabs and newlines.
fn words(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| is_blank(b) || b == b'\n')
        .filter(|w| !w.is_empty())
}

/// glibc's `MATCH`: the keyword followed by a space or a tab; returns the rest, blanks skipped.
fn keyword_rest<'a>(line: &'a [u8], keyword: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(keyword)?;
    if !is_blank(*rest.first()?) {
        return None;
    }
    let start = rest
        .iter()
        .position(|&b| !is_blank(b))
        .unwrap_or(rest.len());
    rest.get(start..)
}

impl ResolvConf {
    /// Parses the file's text (`None`: the file could not be read) and applies the environment.
    pub fn parse(text: Option<&[u8]>, env: &ResolvEnv) -> ResolvConf {
        let mut conf = ResolvConf {
            nameservers: Vec::new(),
            search: Vec::new(),
            sortlist: Vec::new(),
            options: ResolvOptions::default(),
        };
        let mut have_search = false;
        if let Some(localdomain) = &env.localdomain {
            // glibc takes the first name from the very start of the value, so a leading blank gives
            // an empty first domain (which searches the name as is).
            let value = localdomain
                .split(|&b| b == b'\n')
                .next()
                .unwrap_or_default();
            if value.first().is_none_or(|&b| is_blank(b)) {
                conf.search.push(Vec::new());
            }
            conf.search.extend(words(value).map(<[u8]>::to_vec));
            have_search = true;
        }
        let mut have_domain = have_search;
        for line in text.unwrap_or_default().split(|&b| b == b'\n') {
            if matches!(line.first(), Some(b';' | b'#')) {
                continue;
            }
            if let Some(rest) = keyword_rest(line, b"domain") {
                if !have_search && !rest.is_empty() {
                    conf.search = words(rest).take(1).map(<[u8]>::to_vec).collect();
                    have_domain = true;
                }
            } else if let Some(rest) = keyword_rest(line, b"search") {
                if !have_search && !rest.is_empty() {
                    conf.search = words(rest).map(<[u8]>::to_vec).collect();
                    have_domain = true;
                }
            } else if let Some(rest) = keyword_rest(line, b"nameserver") {
                if conf.nameservers.len() < MAXNS {
                    conf.nameservers.extend(parse_nameserver(rest));
                }
            } else if let Some(rest) = keyword_rest(line, b"sortlist") {
                parse_sortlist(rest, &mut conf.sortlist);
            } else if let Some(rest) = keyword_rest(line, b"options") {
                conf.options.apply(rest);
            }
        }
        if conf.nameservers.is_empty() {
            conf.nameservers
                .push(SocketAddr::from((Ipv4Addr::LOCALHOST, NAMESERVER_PORT)));
        }
        if !have_domain {
            if let Some(dot) = env.hostname.iter().position(|&b| b == b'.') {
                let domain = env.hostname.get(dot + 1..).unwrap_or_default();
                if !domain.is_empty() {
                    conf.search.push(domain.to_vec());
                }
            }
        }
        if let Some(res_options) = &env.res_options {
            conf.options.apply(res_options);
        }
        conf
    }
}

/// One `nameserver` value: IPv4 as `inet_aton` reads it, or IPv6 with an optional `%scope`.
fn parse_nameserver(rest: &[u8]) -> Option<SocketAddr> {
    let value = words(rest).next()?;
    if let Some(v4) = parse_ipv4_aton(value) {
        return Some(SocketAddr::V4(SocketAddrV4::new(v4, NAMESERVER_PORT)));
    }
    let mut parts = value.splitn(2, |&b| b == b'%');
    let address: Ipv6Addr = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    let scope = parts.next().map_or(0, crate::dns::sysio::scope_id);
    Some(SocketAddr::V6(SocketAddrV6::new(
        address,
        NAMESERVER_PORT,
        0,
        scope,
    )))
}

/// IPv4 text as glibc's `inet_aton` accepts it (1 to 4 parts, decimal, octal or hex), whole string.
pub fn parse_ipv4_aton(text: &[u8]) -> Option<Ipv4Addr> {
    let text = std::str::from_utf8(text).ok()?;
    let parts: Vec<u32> = text.split('.').map(parse_c_number).collect::<Option<_>>()?;
    let value = match parts.as_slice() {
        [a] => *a,
        [a, b] if *a <= 0xff && *b <= 0xff_ffff => a << 24 | b,
        [a, b, c] if *a <= 0xff && *b <= 0xff && *c <= 0xffff => a << 24 | b << 16 | c,
        [a, b, c, d] if [a, b, c, d].iter().all(|p| **p <= 0xff) => a << 24 | b << 16 | c << 8 | d,
        _ => return None,
    };
    Some(Ipv4Addr::from(value))
}

/// One `strtoul(…, 0)` number as inet_aton reads it: `0x` hex, leading-zero octal, or decimal.
fn parse_c_number(text: &str) -> Option<u32> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        (hex, 16)
    } else if text.len() > 1 && text.starts_with('0') {
        (&text[1..], 8)
    } else {
        (text, 10)
    };
    if digits.is_empty() && radix != 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if digits.is_empty() {
        return Some(0); // "0x" alone is 0 for inet_aton
    }
    u32::from_str_radix(digits, radix).ok()
}

/// `sortlist addr[/mask] …`, up to MAXRESOLVSORT pairs; a missing or bad mask is the classful one.
fn parse_sortlist(rest: &[u8], sortlist: &mut Vec<([u8; 4], [u8; 4])>) {
    let rest = rest.split(|&b| b == b';').next().unwrap_or_default();
    for word in words(rest) {
        if sortlist.len() >= MAXRESOLVSORT {
            break;
        }
        let mut parts = word.splitn(2, |&b| b == b'/' || b == b'&');
        let Some(address) = parts.next().and_then(parse_ipv4_aton) else {
            continue;
        };
        let classful = classful_mask(address);
        let mask = parts.next().and_then(parse_ipv4_aton).unwrap_or(classful);
        sortlist.push((address.octets(), mask.octets()));
    }
}

/// glibc's `net_mask`: the mask of the address's class.
fn classful_mask(address: Ipv4Addr) -> Ipv4Addr {
    let first = address.octets()[0];
    match first {
        0..=127 => Ipv4Addr::new(255, 0, 0, 0),
        128..=191 => Ipv4Addr::new(255, 255, 0, 0),
        _ => Ipv4Addr::new(255, 255, 255, 0),
    }
}

/// glibc's `atoi`: `(int) strtol(text, NULL, 10)` — optional blanks and sign, then decimal digits
/// (0 when there are none), saturated to a `long`, then cut to an `int`.
fn atoi(text: &[u8]) -> i32 {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = text.get(start..).unwrap_or_default();
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i128, |v, &d| (v * 10 + i128::from(d - b'0')).min(1 << 64));
    let signed = if negative { -magnitude } else { magnitude };
    let long = signed.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    long as i32
}

impl ResolvOptions {
    /// glibc's `res_setoptions`: each word is matched by prefix; unknown words are ignored.
    pub fn apply(&mut self, text: &[u8]) {
        // Flags in glibc's table order, which matters for prefix matching ("single-request-reopen"
        // before "single-request").
        type Setter = fn(&mut ResolvOptions);
        let flags: [(&[u8], Setter); 11] = [
            (b"rotate", |o| o.rotate = true),
            (b"edns0", |o| o.edns0 = true),
            (b"single-request-reopen", |o| o.single_request_reopen = true),
            (b"single-request", |o| o.single_request = true),
            (b"no_tld_query", |o| o.no_tld_query = true),
            (b"no-tld-query", |o| o.no_tld_query = true),
            (b"no-reload", |o| o.no_reload = true),
            (b"use-vc", |o| o.use_vc = true),
            (b"trust-ad", |o| o.trust_ad = true),
            (b"no-aaaa", |o| o.no_aaaa = true),
            (b"no-cache", |o| o.no_cache = true),
        ];
        for word in text.split(|&b| is_blank(b)).filter(|w| !w.is_empty()) {
            if let Some(n) = word.strip_prefix(b"ndots:") {
                // glibc stores ndots in a 4-bit field: a negative value wraps.
                self.ndots = (atoi(n).min(RES_MAXNDOTS) as u32) & 0xf;
            } else if let Some(n) = word.strip_prefix(b"timeout:") {
                self.timeout = atoi(n).min(RES_MAXRETRANS);
            } else if let Some(n) = word.strip_prefix(b"attempts:") {
                self.attempts = atoi(n).min(RES_MAXRETRY);
            } else if let Some((_, set)) = flags.iter().find(|(flag, _)| word.starts_with(flag)) {
                set(self);
            }
        }
    }
}

/// Identifies a file's version: what glibc's `file_change_detection` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileVersion {
    size: u64,
    inode: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FileVersion {
    /// The file's current version; `None` when it does not exist or cannot be read.
    pub fn of(path: &std::path::Path) -> Option<FileVersion> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileVersion {
            size: m.size(),
            inode: m.ino(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

/// The variable naming resolv.conf, and the file glibc reads.
pub(crate) const RESOLV_CONF_VARIABLE: crate::sys::env::Var = crate::sys::env::Var::ResolvConf;
pub(crate) const RESOLV_CONF_DEFAULT: &str = "/etc/resolv.conf";

/// The path of resolv.conf: `NETLIBC_RESOLV_CONF`, else /etc/resolv.conf.
pub fn resolv_conf_path() -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    crate::db::cache::with_env_raw(RESOLV_CONF_VARIABLE, |value| {
        std::ffi::OsStr::from_bytes(value.unwrap_or(RESOLV_CONF_DEFAULT.as_bytes())).into()
    })
}

/// The loaded configuration and the file version it came from.
struct Loaded {
    path: std::path::PathBuf,
    version: Option<FileVersion>,
    conf: Arc<ResolvConf>,
    generation: u64,
}

static CURRENT: ForkSafeMutex<Option<Loaded>> = ForkSafeMutex::new(None);

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The current configuration and its generation (which changes whenever the file is re-read), reloading
/// the file when it changed unless `no-reload` is set. The lock is never held while reading the file.
pub fn current() -> (Arc<ResolvConf>, u64) {
    current_at(&resolv_conf_path())
}

/// [`current`] for the file at `path` (what [`resolv_conf_path`] gave).
pub fn current_at(path: &std::path::Path) -> (Arc<ResolvConf>, u64) {
    let version = FileVersion::of(path);
    if let Some(l) = CURRENT.lock().as_ref() {
        if l.path == path && (l.version == version || l.conf.options.no_reload) {
            return (l.conf.clone(), l.generation);
        }
    }
    let text = std::fs::read(path).ok();
    let conf = Arc::new(ResolvConf::parse(
        text.as_deref(),
        &ResolvEnv::from_process(),
    ));
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let loaded = Loaded {
        path: path.to_path_buf(),
        version,
        conf: conf.clone(),
        generation,
    };
    *CURRENT.lock() = Some(loaded);
    crate::sys::changes::note_change();
    (conf, generation)
}
#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ResolvConf {
        ResolvConf::parse(Some(text.as_bytes()), &ResolvEnv::default())
    }

    #[test]
    fn defaults_without_a_file() {
        let env = ResolvEnv {
            hostname: b"box.corp.test".to_vec(),
            ..Default::default()
        };
        let conf = ResolvConf::parse(None, &env);
        assert_eq!(conf.nameservers, vec!["127.0.0.1:53".parse().unwrap()]);
        assert_eq!(conf.search, vec![b"corp.test".to_vec()]);
        assert_eq!(conf.options, ResolvOptions::default());
    }

    #[test]
    fn nameservers_are_capped_and_may_carry_text_and_scope() {
        let conf = parse(
            "nameserver 10.0.0.1 trailing words\nnameserver\t::1\nnameserver fe80::1%7\n\
             nameserver 10.0.0.4\nnameserver bogus\n",
        );
        let expected: Vec<SocketAddr> = vec![
            "10.0.0.1:53".parse().unwrap(),
            "[::1]:53".parse().unwrap(),
            SocketAddr::V6(SocketAddrV6::new("fe80::1".parse().unwrap(), 53, 0, 7)),
        ];
        assert_eq!(conf.nameservers, expected);
        assert_eq!(
            parse("nameserver 127.1\n").nameservers,
            vec!["127.0.0.1:53".parse().unwrap()]
        );
    }

    #[test]
    fn last_of_search_and_domain_wins_and_keywords_need_a_blank() {
        assert_eq!(
            parse("search a.test b.test\ndomain c.test d\n").search,
            vec![b"c.test".to_vec()]
        );
        assert_eq!(
            parse("domain c.test\nsearch a.test  b.test\n").search.len(),
            2
        );
        assert!(parse("searcha.test\n#search b.test\n; search c.test\n")
            .search
            .is_empty());
    }

    #[test]
    fn localdomain_overrides_the_file_and_res_options_comes_last() {
        let env = ResolvEnv {
            localdomain: Some(b" corp.test  x.test ".to_vec()),
            res_options: Some(b"ndots:3 edns0".to_vec()),
            hostname: b"h.other.test".to_vec(),
        };
        let conf = ResolvConf::parse(Some(b"search a.test\noptions ndots:2 rotate\n"), &env);
        assert_eq!(
            conf.search,
            vec![Vec::new(), b"corp.test".to_vec(), b"x.test".to_vec()]
        );
        assert_eq!(conf.options.ndots, 3);
        assert!(conf.options.edns0 && conf.options.rotate);
    }

    #[test]
    fn options_follow_glibc_caps_and_prefix_matching() {
        let o =
            parse("options ndots:99 timeout:100 attempts:9 single-request-reopen no_tld_query x\n")
                .options;
        assert_eq!((o.ndots, o.timeout, o.attempts), (15, 30, 5));
        assert!(o.single_request_reopen && !o.single_request && o.no_tld_query);
        let o = parse(
            "options ndots:-1 timeout:0 attempts:0 rotated trust-ad no-aaaa use-vc no-reload\n",
        )
        .options;
        assert_eq!((o.ndots, o.timeout, o.attempts), (15, 0, 0));
        assert!(o.rotate && o.trust_ad && o.no_aaaa && o.use_vc && o.no_reload);
        // glibc's atoi: strtol cut to an int; negatives are kept for timeout and attempts.
        let o = parse("options timeout:-2 attempts:-1 ndots:4294967297\n").options;
        assert_eq!((o.ndots, o.timeout, o.attempts), (1, -2, -1));
        assert!(parse("options no-cache\n").options.no_cache);
    }

    #[test]
    fn sortlist_pairs_and_classful_masks() {
        let conf =
            parse("sortlist 130.155.160.0/255.255.240.0 10.1.2.3 192.168.1.1&bad ; 1.2.3.4\n");
        assert_eq!(
            conf.sortlist,
            vec![
                ([130, 155, 160, 0], [255, 255, 240, 0]),
                ([10, 1, 2, 3], [255, 0, 0, 0]),
                ([192, 168, 1, 1], [255, 255, 255, 0]),
            ]
        );
    }

    #[test]
    fn sortlist_lines_that_hang_glibc_are_parsed() {
        // glibc 2.36's res_init never returns on these (docs/deviations.md).
        assert_eq!(parse("sortlist 10.0.0.0\r\n").sortlist, vec![]);
        let conf = parse("sortlist junk/1 10.0.0.0\n");
        assert_eq!(conf.sortlist, vec![([10, 0, 0, 0], [255, 0, 0, 0])]);
    }

    #[test]
    fn aton_forms() {
        assert_eq!(
            parse_ipv4_aton(b"0x7f.1"),
            Some(Ipv4Addr::new(127, 0, 0, 1))
        );
        assert_eq!(parse_ipv4_aton(b"1.2.3"), Some(Ipv4Addr::new(1, 2, 0, 3)));
        assert_eq!(
            parse_ipv4_aton(b"010.0.0.1"),
            Some(Ipv4Addr::new(8, 0, 0, 1))
        );
        assert_eq!(parse_ipv4_aton(b"08.1.1.1"), None);
        assert_eq!(parse_ipv4_aton(b"1.2.3.256"), None);
        assert_eq!(parse_ipv4_aton(b"::1"), None);
    }
}
