//! `/etc/host.conf` (or `NETLIBC_HOST_CONF`, or glibc's `RESOLV_HOST_CONF`): only `multi` changes what
//! the files lookups return; `RESOLV_MULTI` overrides it as in glibc's `res_hconf.c`.
//!
//! glibc reads the file once per process, and so does netlibc (once per path: a test that points
//! `NETLIBC_HOST_CONF` elsewhere gets the new file); `RESOLV_MULTI` is read on every call.

use std::ffi::OsString;

use super::cache::{database_path, guard, Lock};
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
    let from_netlibc = std::env::var_os("NETLIBC_HOST_CONF").is_some_and(|v| !v.is_empty());
    let variable = if from_netlibc {
        "NETLIBC_HOST_CONF"
    } else {
        "RESOLV_HOST_CONF"
    };
    let path = database_path(variable, "/etc/host.conf").into_os_string();
    if let Some((read_path, conf)) = guard(&HOST_CONF).as_ref() {
        if *read_path == path {
            return *conf;
        }
    }
    let conf = std::fs::read(&path)
        .map(|content| HostConf::parse(&content))
        .unwrap_or_default();
    *guard(&HOST_CONF) = Some((path, conf));
    conf
}

/// The host.conf settings now in force, with `RESOLV_MULTI` applied.
pub fn host_conf() -> HostConf {
    let mut conf = file_settings();
    if let Some(value) = std::env::var_os("RESOLV_MULTI") {
        apply_bool(
            std::os::unix::ffi::OsStrExt::as_bytes(value.as_os_str()),
            &mut conf.multi,
        );
    }
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
