//! `/etc/host.conf` (or `NETLIBC_HOST_CONF`, or glibc's `RESOLV_HOST_CONF`): only `multi` changes what
//! the files lookups return; `RESOLV_MULTI` overrides it as in glibc's `res_hconf.c`.
//!
//! glibc reads the file once per process, and so does netlibc (once per path: a test that points
//! `NETLIBC_HOST_CONF` elsewhere gets the new file); `RESOLV_MULTI` is read on every call.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::cache::{guard, with_env, Lock, Var};
use super::text::is_space;

/// The settings of host.conf that the files databases use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostConf {
    /// `multi on`: a name lookup returns the addresses of every matching hosts line.
    pub multi: bool,
}

/// glibc's `arg_bool`: a word starting with `on` sets, `off` clears, anything else is ignored.
fn apply_bool(value: &[u8], setting: &mut bool) {
    let value = &value[value.iter().take_while(|&&b| is_space(b)).count()..];
    let starts =
        |word: &[u8]| value.len() >= word.len() && value[..word.len()].eq_ignore_ascii_case(word);
    if starts(b"on") {
        *setting = true;
    } else if starts(b"off") {
        *setting = false;
    }
}

impl HostConf {
    /// Parses host.conf: `keyword args`, `#` comments, keywords in any case.
    pub fn parse(content: &[u8]) -> HostConf {
        let mut conf = HostConf::default();
        for line in content.split(|&b| b == b'\n') {
            let line = &line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())];
            let start = line.iter().take_while(|&&b| is_space(b)).count();
            let rest = &line[start..];
            let word_len = rest.iter().take_while(|&&b| !is_space(b)).count();
            if rest[..word_len].eq_ignore_ascii_case(b"multi") {
                apply_bool(&rest[word_len..], &mut conf.multi);
            }
        }
        conf
    }
}

/// The parsed file and the path it came from.
static HOST_CONF: Lock<Option<(OsString, HostConf)>> = Lock::new(None);

/// The host.conf file, read once per path.
fn file_settings() -> HostConf {
    with_env(Var::HostConf, |netlibc| match netlibc {
        Some(path) => settings_of(path),
        None => with_env(Var::ResolvHostConf, |glibc| {
            settings_of(glibc.unwrap_or(b"/etc/host.conf"))
        }),
    })
}

fn settings_of(path: &[u8]) -> HostConf {
    if let Some((read_path, conf)) = guard(&HOST_CONF).as_ref() {
        if read_path.as_bytes() == path {
            return *conf;
        }
    }
    let conf = std::fs::read(OsStr::from_bytes(path))
        .map(|content| HostConf::parse(&content))
        .unwrap_or_default();
    *guard(&HOST_CONF) = Some((OsStr::from_bytes(path).to_os_string(), conf));
    conf
}

/// The host.conf settings now in force, with `RESOLV_MULTI` applied.
pub fn host_conf() -> HostConf {
    let mut conf = file_settings();
    with_env(Var::ResolvMulti, |value| {
        if let Some(value) = value {
            apply_bool(value, &mut conf.multi);
        }
    });
    conf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_keyword() {
        assert!(HostConf::parse(b"multi on\n").multi);
        assert!(HostConf::parse(b"  MULTI\tOn # yes\n").multi);
        assert!(!HostConf::parse(b"multi on\nmulti off\n").multi);
        assert!(!HostConf::parse(b"# multi on\norder hosts,bind\n").multi);
        assert!(!HostConf::parse(b"multi maybe\n").multi);
        assert!(HostConf::parse(b"multi onward\n").multi);
        assert!(!HostConf::parse(b"multiple on\n").multi);
    }
}
