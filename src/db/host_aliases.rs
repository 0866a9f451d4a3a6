//! `HOSTALIASES`: a file of `alias target` lines that glibc's DNS lookups consult for names without a
//! dot (`res_hostalias`). The files lookups do not use it, in glibc as here; the DNS lookups will.

use super::text::is_space;

/// The target of `name` in the HOSTALIASES file `content` (first matching line, alias compared
/// without ASCII case), or `None`.
pub fn alias_target(content: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    content.split(|&b| b == b'\n').find_map(|line| {
        let mut words = line.split(|&b| is_space(b)).filter(|word| !word.is_empty());
        let alias = words.next()?;
        let target = words.next()?;
        alias.eq_ignore_ascii_case(name).then(|| target.to_vec())
    })
}

/// Looks `name` up in the file `HOSTALIASES` names, for names without a dot.
pub fn resolve(name: &[u8]) -> Option<Vec<u8>> {
    if name.contains(&b'.') {
        return None;
    }
    let path = super::cache::with_env_raw(super::cache::Var::HostAliases, |value| {
        use std::os::unix::ffi::OsStrExt;
        value.map(|v| std::path::PathBuf::from(std::ffi::OsStr::from_bytes(v)))
    })?;
    alias_target(&std::fs::read(path).ok()?, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_line_wins() {
        let file = b"web  www.example.test\n\nWEB other.test\nshort\n";
        assert_eq!(
            alias_target(file, b"Web"),
            Some(b"www.example.test".to_vec())
        );
        assert_eq!(alias_target(file, b"short"), None);
        assert_eq!(alias_target(file, b"none"), None);
    }
}
